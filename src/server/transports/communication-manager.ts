// Which transport carries the conversation besides the web clients: start-up detection, the admin's runtime
// switch (persisted, and applied by every instance of a cluster), and the figures admins read. The web side is
// always on; who runs the Telegram bridge and its recovery live in telegram-supervisor.ts.
import type { Logger } from 'pino';
import type { AgentStats } from '../agents/agent-stats';
import type { Config } from '../config';
import type { Repository } from '../db/repository';
import type { SettingsSignal } from '../db/settings-signal';
import type { Singleton } from '../db/singleton';
import type { TransportRepository } from '../db/transport-repository';
import { ChatError } from '../hub/errors';
import type { Hub } from '../hub/hub';
import type { SendLimiter } from '../hub/rate-limiter';
import { Serial } from '../serial';
import type { StatCounters } from '../stat-counters';
import type {
  CommunicationInfo,
  CommunicationStats,
  TransportState,
  TransportType,
  WebSocketStatus,
} from './communication-types';
import { LegacyTransport } from './legacy/legacy-transport';
import { RESUME_AFTER_SETTING } from './telegram/outbox';
import type { AgentTasksPort } from './telegram/task-messages';
import { TelegramTransport } from './telegram/telegram-transport';
import { STANDBY, TelegramSupervisor } from './telegram-supervisor';
import { Handlers, type MessageHandler, type Transport } from './transport';
import { WebSocketTransport } from './websocket-transport';

export const TRANSPORT_SETTING = 'communication.transport';

export interface CommunicationDeps {
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
  telegramRole?: Singleton;
  /** Tells the other instances about a switch, and hears theirs. */
  settings?: SettingsSignal;
  /** The agents' task timelines, for the Telegram task messages. */
  agentTasks?: AgentTasksPort;
}

export class CommunicationManager {
  readonly websocket: WebSocketTransport;
  readonly telegram: TelegramTransport;
  readonly legacy: LegacyTransport;
  private readonly state: TransportState = {
    active: 'websocket',
    wanted: 'websocket',
    detectedBy: 'default',
    reason: null,
    switchedAt: null,
  };
  private readonly handlers: Handlers;
  /** Switches, role changes and recovery run one at a time. */
  private readonly serial = new Serial();
  private readonly supervisor: TelegramSupervisor;
  /** The saved choice as this instance last read or wrote it: a re-read that finds it unchanged changes nothing. */
  private lastSaved: string | null = null;
  private unlisten: (() => void) | null = null;
  private stopped = false;

  constructor(private readonly deps: CommunicationDeps) {
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
    this.supervisor = new TelegramSupervisor({
      config,
      logger,
      telegram: this.telegram,
      state: this.state,
      serial: this.serial,
      role: deps.telegramRole,
    });
    this.handlers = new Handlers((err) => logger.error({ err }, 'communication handler failed'));
    // The web side sees every committed message whatever the active transport, so handlers registered here
    // (the agents) keep receiving everything across switches.
    this.websocket.addMessageHandler((message) => this.handlers.emit(message));
  }

  /** Start-up detection: OPENCODE_TRANSPORT, safe mode, the saved choice, Telegram settings, else websocket. */
  async init(): Promise<void> {
    const { config, repo } = this.deps;
    const state = this.state;
    await this.websocket.start();
    await this.legacy.start();
    const saved = await repo.getSetting(TRANSPORT_SETTING);
    this.lastSaved = saved;
    if (config.OPENCODE_TRANSPORT) [state.wanted, state.detectedBy] = [config.OPENCODE_TRANSPORT, 'env'];
    // Safe mode is the environment choosing websocket: it beats a choice saved by an earlier switch.
    else if (config.OPENCODE_SAFE_MODE) state.detectedBy = 'safe-mode';
    else if (saved === 'websocket' || saved === 'telegram')
      [state.wanted, state.detectedBy] = [saved, 'saved'];
    else if (this.telegram.configured) [state.wanted, state.detectedBy] = ['telegram', 'telegram-settings'];
    await this.outboxDepth();
    // A switch made on another instance of the cluster applies here too.
    this.unlisten =
      this.deps.settings?.onSettingChanged((key) => {
        if (key !== null && key !== TRANSPORT_SETTING) return;
        this.applySaved(key === null).catch((err) => {
          this.deps.logger.warn({ err }, 'could not apply the transport switched on another instance');
        });
      }) ?? null;
    if (state.wanted === 'telegram') await this.supervisor.runRole();
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
    return this.state.active === 'telegram' ? this.telegram : this.websocket;
  }

  get type(): TransportType {
    return this.state.active;
  }

  private websocketStatus(): WebSocketStatus {
    return this.deps.websocketStatus?.() ?? this.websocket.connections();
  }

  info(): CommunicationInfo {
    const legacy = this.legacy.status();
    const { active, detectedBy, reason, switchedAt } = this.state;
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

  async stats(): Promise<CommunicationStats> {
    const { repo, limiter, counters, startedAt, store, statCounters } = this.deps;
    const outboxDepth = await this.outboxDepth();
    const legacy = this.legacy.status();
    // History from the database when it is kept there (every instance's, all time), else this process's.
    const stored = statCounters ? await statCounters.totals() : null;
    const telegramHits = stored?.telegram_rate_limit_hits ?? this.telegram.rateLimitHits;
    return {
      transport: this.state.active,
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
  switch(transport: TransportType): Promise<CommunicationInfo> {
    return this.serial.run(() => this.doSwitch(transport));
  }

  private async doSwitch(transport: TransportType): Promise<CommunicationInfo> {
    const { repo } = this.deps;
    if (transport === 'telegram') {
      if (!this.telegram.configured)
        throw new ChatError(
          'PRECONDITION_FAILED',
          'cannot switch to telegram: set TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID and restart the server',
        );
      // Back on after off: whoever runs the bridge forwards only what is said from now on — also when nobody held
      // the Telegram role while it was off, so nobody forgot the cursor. Saved before the bridge starts here.
      if (this.wasOff(await repo.getSetting(TRANSPORT_SETTING)))
        await repo.setSetting(RESUME_AFTER_SETTING, String(await repo.lastMessageId()));
      if (this.supervisor.holds && !this.telegram.running) {
        try {
          await this.telegram.start();
        } catch (error) {
          this.supervisor.fallBack((error as Error).message);
          throw new ChatError(
            'PRECONDITION_FAILED',
            `cannot switch to telegram: ${(error as Error).message}`,
          );
        }
      }
    } else {
      // Bridge off on purpose: what is said while it is off is not sent to Telegram later.
      await this.telegram.disable();
    }
    await repo.setSetting(TRANSPORT_SETTING, transport);
    this.lastSaved = transport;
    this.entered(transport);
    // A standby competes for the role; not awaited, as its start queues behind this switch.
    if (transport === 'telegram' && !this.supervisor.holds) void this.supervisor.runRole();
    await this.deps.settings?.announceSetting(TRANSPORT_SETTING).catch((err) => {
      this.deps.logger.warn({ err }, 'transport switch saved, but the other instances could not be told');
    });
    this.deps.logger.info({ transport }, 'transport switched');
    await this.outboxDepth();
    return this.info();
  }

  /** Whether the bridge was off on purpose (saved so, or never saved and not wanted here). */
  private wasOff(saved: string | null): boolean {
    return saved === 'websocket' || (saved === null && this.state.wanted === 'websocket');
  }

  /**
   * Another instance switched (or, after `resync`, may have): bring this one in line with the saved choice.
   * The holder starts or stops the bridge; a standby competes for the role or stops standing by.
   */
  private applySaved(resync: boolean): Promise<void> {
    return this.serial.run(async () => {
      if (this.stopped) return;
      const saved = await this.deps.repo.getSetting(TRANSPORT_SETTING);
      if (saved !== 'websocket' && saved !== 'telegram') return;
      const changed = saved !== this.lastSaved;
      this.lastSaved = saved;
      const running = this.telegram.running;
      const inLine =
        saved === this.state.wanted && (saved === 'telegram' ? running || !this.supervisor.holds : !running);
      if (!changed && (resync || inLine)) return;
      this.deps.logger.info({ transport: saved }, 'transport switched on another instance');
      if (saved === 'websocket') await this.telegram.disable();
      this.entered(saved);
      if (saved === 'websocket' || running) return;
      if (!this.telegram.configured)
        this.state.reason =
          'the cluster was switched to telegram, but TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID are not set here';
      else if (this.supervisor.holds) await this.supervisor.start();
      else void this.supervisor.runRole();
    });
  }

  /** The state after a switch to `transport`: a standby (bridge elsewhere) says so. */
  private entered(transport: TransportType): void {
    const state = this.state;
    const bridged = transport === 'telegram' && this.telegram.running;
    state.wanted = transport;
    state.active = bridged ? 'telegram' : 'websocket';
    state.detectedBy = 'switch';
    state.reason = transport === 'telegram' && !bridged ? STANDBY : null;
    state.switchedAt = new Date().toISOString();
  }

  /** Stops every transport; queued Telegram rows stay for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unlisten?.();
    this.supervisor.stop();
    await this.serial.idle();
    await this.telegram.stop();
    await this.legacy.stop();
    await this.websocket.stop();
    // Counts still being written go in before the database closes.
    await this.deps.statCounters?.flushed();
  }
}
