// The transports side by side (web, Telegram bridge, legacy JSON), the admin's runtime switch and the figures
// admins read. The web side is always on; which transport carries the conversation (detection, switches, the
// Telegram role, recovery) is owned by transport-switch.ts, read here.
import type { Logger } from 'pino';
import type { AgentStats } from '../agents/agent-stats';
import type { Config } from '../config';
import type { Repository } from '../db/repository';
import type { SettingsSignal } from '../db/settings-signal';
import type { TransportRepository } from '../db/transport-repository';
import type { Hub } from '../hub/hub';
import type { SendLimiter } from '../hub/rate-limiter';
import type { LeaderLease } from '../ports/leader-lease';
import type { StatCounters } from '../stat-counters';
import { LegacyTransport } from './legacy/legacy-transport';
import type { AgentTasksPort } from './telegram/task-messages';
import { TelegramTransport } from './telegram/telegram-transport';
import { Handlers, type MessageHandler, type Transport } from './transport';
import { TransportSwitch } from './transport-switch';
import type { TransportInfo, TransportStats, TransportType, WebSocketStatus } from './types';
import { WebSocketTransport } from './websocket-transport';

export interface TransportManagerDeps {
  config: Config;
  repo: Repository;
  hub: Hub;
  logger: Logger;
  store: TransportRepository;
  limiter: SendLimiter;
  counters: { errors: number };
  startedAt: Date;
  websocketStatus?: () => WebSocketStatus;
  agentStats?: () => AgentStats | Promise<AgentStats>;
  /** Stored per-hour counters: the statistics' rate-limit hits and errors survive a restart (else this process's). */
  statCounters?: StatCounters;
  /** Who may run the Telegram bridge; with several instances only the holder of this role does. */
  telegramRole?: LeaderLease;
  /** Tells the other instances about a switch, and hears theirs. */
  settings?: SettingsSignal;
  /** The agents' task timelines, for the Telegram task messages. */
  agentTasks?: AgentTasksPort;
}

export class TransportManager {
  readonly websocket: WebSocketTransport;
  readonly telegram: TelegramTransport;
  readonly legacy: LegacyTransport;
  private readonly handlers: Handlers;
  /** Owns which transport carries the conversation here; read through `switchboard.state`. */
  private readonly switchboard: TransportSwitch;

  constructor(private readonly deps: TransportManagerDeps) {
    const { config, hub, repo, store, logger, limiter } = deps;
    this.websocket = new WebSocketTransport(hub, logger);
    this.telegram = new TelegramTransport({
      config,
      hub,
      repo,
      store,
      logger,
      tasks: deps.agentTasks,
      onRateLimited: () => deps.statCounters?.add('telegram_rate_limit_hits'),
    });
    this.legacy = new LegacyTransport({ config, hub, limiter, logger });
    this.switchboard = new TransportSwitch({
      config,
      repo,
      logger,
      telegram: this.telegram,
      role: deps.telegramRole,
      settings: deps.settings,
      refreshOutbox: () => this.outboxDepth(),
    });
    this.handlers = new Handlers((err) => logger.error({ err }, 'transport message handler failed'));
    // The web side sees every committed message whatever the active transport, so handlers registered here
    // (the agents) keep receiving everything across switches.
    this.websocket.addMessageHandler((message) => this.handlers.emit(message));
  }

  /** Start-up detection: OPENCODE_TRANSPORT, safe mode, the saved choice, Telegram settings, else websocket. */
  async init(): Promise<void> {
    await this.websocket.start();
    await this.legacy.start();
    await this.switchboard.init();
  }

  /** Every committed message, from any side, in id order; survives switches. Returns the remover. */
  addMessageHandler(handler: MessageHandler): () => void {
    return this.handlers.add(handler);
  }

  /** Posts as `senderName` through the active transport; resolves to whether it was delivered. */
  sendMessage(text: string, senderName: string, replyTo?: number | null): Promise<boolean> {
    return this.transport.sendMessage(text, senderName, replyTo);
  }

  isConnected(): boolean {
    return this.transport.isConnected();
  }

  get transport(): Transport {
    return this.switchboard.state.active === 'telegram' ? this.telegram : this.websocket;
  }

  get type(): TransportType {
    return this.switchboard.state.active;
  }

  private websocketStatus(): WebSocketStatus {
    return this.deps.websocketStatus?.() ?? this.websocket.connections();
  }

  info(): TransportInfo {
    const legacy = this.legacy.status();
    const { active, detectedBy, reason, switchedAt } = this.switchboard.state;
    return {
      type: active,
      connected: this.isConnected(),
      detectedBy,
      reason,
      switchedAt,
      transports: {
        websocket: { ...this.websocketStatus(), connected: this.websocket.isConnected() },
        telegram: this.telegram.snapshot(),
        legacy: {
          connections: legacy.connections,
          users: legacy.users,
          connected: legacy.connected,
          path: '/legacy',
        },
      },
    };
  }

  /** Rows waiting for Telegram (counted now). */
  async outboxDepth(): Promise<number> {
    const depth = await this.deps.store.outboxDepth();
    this.telegram.outboxDepth = depth;
    return depth;
  }

  async stats(): Promise<TransportStats> {
    const { repo, limiter, counters, startedAt, store, statCounters } = this.deps;
    const outboxDepth = await this.outboxDepth();
    const legacy = this.legacy.status();
    // History from the database when it is kept there (every instance's, all time), else this process's.
    const stored = statCounters ? await statCounters.totals() : null;
    const telegramHits = stored?.telegram_rate_limit_hits ?? this.telegram.rateLimitHits;
    return {
      transport: this.switchboard.state.active,
      messages: await repo.messageStats(),
      websocket: this.websocketStatus(),
      legacy: { connections: legacy.connections, users: legacy.users },
      telegram: {
        outboxDepth,
        failedMessages: await store.failedCount(),
        rateLimitHits: telegramHits,
        errors: this.telegram.errors,
      },
      outboxDepth,
      rateLimitHits: (stored?.rate_limit_hits ?? limiter.hits) + telegramHits,
      errors: (stored?.errors ?? counters.errors) + this.telegram.errors,
      uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      ...(this.deps.agentStats ? { agents: await this.deps.agentStats() } : {}),
    };
  }

  /**
   * Admin's runtime switch: no restart, handlers untouched, the choice saved for the next start and announced to
   * the other instances, which apply it too (only the Telegram role holder runs the bridge).
   */
  async switch(transport: TransportType): Promise<TransportInfo> {
    await this.switchboard.requestSwitch(transport);
    return this.info();
  }

  /** Stops every transport; queued Telegram rows stay for the next start. */
  async stop(): Promise<void> {
    await this.switchboard.stop();
    await this.telegram.stop();
    await this.legacy.stop();
    await this.websocket.stop();
    // Counts still being written go in before the database closes.
    await this.deps.statCounters?.flushed();
  }
}
