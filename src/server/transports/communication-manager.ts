// Which transport carries the conversation besides the web clients: start-up detection, the admin's runtime
// switch (persisted), fallback with a reason, and the figures admins read. The web side is always on.
import type { Logger } from 'pino';
import type { AgentStats } from '../agents/agents-service';
import type { Config } from '../config';
import type { MessageStats, Repository } from '../db/repository';
import type { Singleton } from '../db/singleton';
import type { TransportRepository } from '../db/transport-repository';
import { ChatError } from '../hub/errors';
import type { Hub } from '../hub/hub';
import type { RateLimiter } from '../hub/rate-limiter';
import { LegacyTransport } from './legacy/legacy-transport';
import { backoffMs } from './telegram/bot';
import { type TelegramStatus, TelegramTransport } from './telegram/telegram-transport';
import { Handlers, type MessageHandler, type Transport } from './transport';
import { WebSocketTransport } from './websocket-transport';

export type TransportType = 'websocket' | 'telegram';
export const TRANSPORT_SETTING = 'communication.transport';

export interface WebSocketStatus {
  connections: number;
  users: string[];
}

export type DetectedBy =
  | 'env'
  | 'saved'
  | 'safe-mode'
  | 'telegram-settings'
  | 'default'
  | 'switch'
  | 'fallback'
  /** Telegram came back after a start-up fallback and took over again by itself. */
  | 'recovered';

export interface CommunicationInfo {
  type: TransportType;
  connected: boolean;
  detectedBy: DetectedBy;
  /** Why the active transport is not the one asked for (a failed Telegram start), else null. */
  reason: string | null;
  switchedAt: string | null;
  transports: {
    websocket: WebSocketStatus & { connected: boolean };
    telegram: TelegramStatus;
    legacy: WebSocketStatus & { connected: boolean; path: string };
  };
}

export interface CommunicationStats {
  transport: TransportType;
  messages: MessageStats;
  websocket: WebSocketStatus;
  legacy: WebSocketStatus;
  telegram: { outboxDepth: number; failedMessages: number; rateLimitHits: number; errors: number };
  outboxDepth: number;
  /** Per-user limit refusals plus Telegram 429 answers. */
  rateLimitHits: number;
  errors: number;
  uptimeSeconds: number;
  /** Agent response latency (mention -> reply committed) and dropped agent posts. */
  agents?: AgentStats;
}

export interface CommunicationDeps {
  config: Config;
  repo: Repository;
  hub: Hub;
  logger: Logger;
  store: TransportRepository;
  limiter: RateLimiter;
  counters: { errors: number };
  startedAt: Date;
  websocketStatus?: () => WebSocketStatus;
  agentStats?: () => AgentStats;
  /** Who may run the Telegram bridge; with several instances only the holder of this role does. */
  telegramRole?: Singleton;
}

const STANDBY = 'standby: another instance runs the Telegram bridge; this one takes over if that one stops';

export class CommunicationManager {
  readonly websocket: WebSocketTransport;
  readonly telegram: TelegramTransport;
  readonly legacy: LegacyTransport;
  private active: TransportType = 'websocket';
  private detectedBy: DetectedBy = 'default';
  private reason: string | null = null;
  private switchedAt: string | null = null;
  private readonly handlers: Handlers;
  /** Switches run one at a time; a second waits for the first. */
  private switching: Promise<unknown> = Promise.resolve();
  private recovery: NodeJS.Timeout | null = null;
  private recoveryAttempts = 0;
  private roleStarted = false;
  private stopped = false;

  constructor(private readonly deps: CommunicationDeps) {
    const { config, hub, repo, store, logger, limiter } = deps;
    this.websocket = new WebSocketTransport(hub, logger);
    this.telegram = new TelegramTransport({ config, hub, repo, store, logger });
    this.legacy = new LegacyTransport({ config, hub, limiter, logger });
    this.handlers = new Handlers((err) => logger.error({ err }, 'communication handler failed'));
    // The web side sees every committed message whatever the active transport, so handlers registered here
    // (the agents) keep receiving everything across switches.
    this.websocket.addMessageHandler((message) => this.handlers.emit(message));
  }

  /** Start-up detection: OPENCODE_TRANSPORT, safe mode, the saved choice, Telegram settings, else websocket. */
  async init(): Promise<void> {
    const { config, repo } = this.deps;
    await this.websocket.start();
    await this.legacy.start();
    const saved = await repo.getSetting(TRANSPORT_SETTING);
    let wanted: TransportType = 'websocket';
    if (config.OPENCODE_TRANSPORT) [wanted, this.detectedBy] = [config.OPENCODE_TRANSPORT, 'env'];
    // Safe mode is the environment choosing websocket: it beats a choice saved by an earlier switch.
    else if (config.OPENCODE_SAFE_MODE) this.detectedBy = 'safe-mode';
    else if (saved === 'websocket' || saved === 'telegram') [wanted, this.detectedBy] = [saved, 'saved'];
    else if (this.telegram.configured) [wanted, this.detectedBy] = ['telegram', 'telegram-settings'];
    await this.outboxDepth();
    if (wanted === 'telegram') await this.runTelegramRole();
  }

  /**
   * Starts the bridge here, or, in a cluster, competes for the Telegram role: the holder runs the bridge (poller
   * and outbox from the shared cursor), the others stand by and take over when the holder dies.
   */
  private async runTelegramRole(): Promise<void> {
    const role = this.deps.telegramRole;
    if (!role?.shared) return this.startTelegram();
    if (this.roleStarted) return;
    this.roleStarted = true;
    this.reason = STANDBY;
    const serialized = (step: () => Promise<void>) => () => {
      const run = this.switching.then(step);
      this.switching = run.catch(() => {});
      return run;
    };
    await role.run(
      serialized(async () => {
        // An admin may have switched the cluster to websocket while this instance stood by.
        const saved = await this.deps.repo.getSetting(TRANSPORT_SETTING);
        if (saved === 'websocket' && this.deps.config.OPENCODE_TRANSPORT !== 'telegram') return;
        this.reason = null;
        await this.startTelegram();
      }),
      serialized(async () => {
        await this.telegram.stop();
        this.active = 'websocket';
        this.reason = STANDBY;
      }),
    );
  }

  private async startTelegram(): Promise<void> {
    try {
      await this.telegram.start();
      this.active = 'telegram';
    } catch (error) {
      this.fallBack((error as Error).message);
      this.scheduleRecovery();
    }
  }

  /**
   * Telegram was wanted at start-up but unreachable (an outage, a restart during one): keep trying with backoff
   * and take over again when it answers, so the outbox sends the backlog from its saved cursor. An admin's switch
   * in the meantime ends the attempts.
   */
  private scheduleRecovery(): void {
    if (this.recovery || this.stopped) return;
    this.recoveryAttempts += 1;
    const { TELEGRAM_RETRY_BASE_MS, TELEGRAM_RETRY_MAX_MS } = this.deps.config;
    const delay = backoffMs(this.recoveryAttempts, TELEGRAM_RETRY_BASE_MS, TELEGRAM_RETRY_MAX_MS);
    this.recovery = setTimeout(() => {
      this.recovery = null;
      const attempt = this.switching.then(() => this.recover());
      this.switching = attempt.catch(() => {});
    }, delay);
    this.recovery.unref();
  }

  private async recover(): Promise<void> {
    if (this.stopped || this.detectedBy !== 'fallback' || this.active === 'telegram') return;
    try {
      await this.telegram.start();
    } catch (error) {
      this.reason = `telegram could not start (${(error as Error).message}); websocket carries the conversation, retrying`;
      this.scheduleRecovery();
      return;
    }
    this.active = 'telegram';
    this.detectedBy = 'recovered';
    this.reason = null;
    this.switchedAt = new Date().toISOString();
    this.recoveryAttempts = 0;
    this.deps.logger.info('telegram reachable again: bridge back on');
  }

  private fallBack(why: string): void {
    this.active = 'websocket';
    this.detectedBy = 'fallback';
    this.reason = `telegram could not start (${why}); websocket carries the conversation`;
    this.deps.logger.warn({ reason: this.reason }, 'falling back to websocket');
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
    return this.active === 'telegram' ? this.telegram : this.websocket;
  }

  get type(): TransportType {
    return this.active;
  }

  private websocketStatus(): WebSocketStatus {
    return this.deps.websocketStatus?.() ?? this.websocket.connections();
  }

  info(): CommunicationInfo {
    const legacy = this.legacy.status();
    return {
      type: this.active,
      connected: this.isConnected(),
      detectedBy: this.detectedBy,
      reason: this.reason,
      switchedAt: this.switchedAt,
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
    const { repo, limiter, counters, startedAt, store } = this.deps;
    const outboxDepth = await this.outboxDepth();
    const legacy = this.legacy.status();
    return {
      transport: this.active,
      messages: await repo.messageStats(),
      websocket: this.websocketStatus(),
      legacy: { connections: legacy.connections, users: legacy.users },
      telegram: {
        outboxDepth,
        failedMessages: await store.failedCount(),
        rateLimitHits: this.telegram.rateLimitHits,
        errors: this.telegram.errors,
      },
      outboxDepth,
      rateLimitHits: limiter.hits + this.telegram.rateLimitHits,
      errors: counters.errors + this.telegram.errors,
      uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      ...(this.deps.agentStats ? { agents: this.deps.agentStats() } : {}),
    };
  }

  /** Admin's runtime switch: no restart, handlers untouched, the choice saved for the next start. */
  switch(transport: TransportType): Promise<CommunicationInfo> {
    const run = this.switching.then(() => this.doSwitch(transport));
    this.switching = run.catch(() => {});
    return run;
  }

  private async doSwitch(transport: TransportType): Promise<CommunicationInfo> {
    if (transport === 'telegram') {
      if (!this.telegram.configured)
        throw new ChatError(
          'PRECONDITION_FAILED',
          'cannot switch to telegram: set TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID and restart the server',
        );
      const role = this.deps.telegramRole;
      if (role?.shared && !role.isLeader) {
        // In a cluster only the role holder runs the bridge: save the choice and compete for the role (not
        // awaited: its start is serialized behind this switch).
        await this.deps.repo.setSetting(TRANSPORT_SETTING, transport);
        void this.runTelegramRole();
        this.detectedBy = 'switch';
        this.switchedAt = new Date().toISOString();
        return this.info();
      }
      if (!this.telegram.running) {
        try {
          await this.telegram.start();
        } catch (error) {
          this.fallBack((error as Error).message);
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
    await this.deps.repo.setSetting(TRANSPORT_SETTING, transport);
    this.active = transport;
    this.detectedBy = 'switch';
    this.reason = null;
    this.switchedAt = new Date().toISOString();
    this.deps.logger.info({ transport }, 'transport switched');
    await this.outboxDepth();
    return this.info();
  }

  /** Stops every transport; queued Telegram rows stay for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.recovery) clearTimeout(this.recovery);
    await this.switching;
    await this.telegram.stop();
    await this.legacy.stop();
    await this.websocket.stop();
  }
}
