// Which transport carries the conversation besides the web clients, and the figures admins read about it.
// The web (tRPC over WebSocket) side is always on; Telegram arrives with the transports issue.
import type { Config } from '../config';
import type { MessageStats, Repository } from '../db/repository';
import { ChatError } from '../hub/errors';
import type { TokenBucketLimiter } from '../hub/rate-limiter';

export type TransportType = 'websocket' | 'telegram';
export const TRANSPORT_SETTING = 'communication.transport';

export interface WebSocketStatus {
  connections: number;
  users: string[];
}

export interface CommunicationInfo {
  type: TransportType;
  connected: boolean;
  detectedBy: 'env' | 'saved' | 'safe-mode' | 'telegram-settings' | 'default' | 'switch';
  reason: string | null;
  switchedAt: string | null;
  transports: {
    websocket: WebSocketStatus & { connected: boolean };
    telegram: { configured: boolean; available: boolean; reason: string };
  };
}

export interface CommunicationStats {
  transport: TransportType;
  messages: MessageStats;
  websocket: WebSocketStatus;
  rateLimitHits: number;
  errors: number;
  uptimeSeconds: number;
}

const TELEGRAM_UNAVAILABLE =
  'the Telegram bridge is not part of this build yet; websocket carries the conversation';

export class CommunicationManager {
  private active: TransportType = 'websocket';
  private detectedBy: CommunicationInfo['detectedBy'] = 'default';
  private reason: string | null = null;
  private switchedAt: string | null = null;

  constructor(
    private readonly deps: {
      config: Config;
      repo: Repository;
      limiter: TokenBucketLimiter;
      counters: { errors: number };
      startedAt: Date;
      websocketStatus: () => WebSocketStatus;
    },
  ) {}

  /** Start-up detection: env, then the saved choice, then safe mode, then Telegram settings, else websocket. */
  async init(): Promise<void> {
    const { config } = this.deps;
    const saved = await this.deps.repo.getSetting(TRANSPORT_SETTING);
    let wanted: TransportType = 'websocket';
    if (config.OPENCODE_TRANSPORT) [wanted, this.detectedBy] = [config.OPENCODE_TRANSPORT, 'env'];
    else if (saved === 'websocket' || saved === 'telegram') [wanted, this.detectedBy] = [saved, 'saved'];
    else if (config.OPENCODE_SAFE_MODE) this.detectedBy = 'safe-mode';
    else if (this.telegramConfigured()) [wanted, this.detectedBy] = ['telegram', 'telegram-settings'];
    if (wanted === 'telegram') this.reason = `telegram was requested but ${TELEGRAM_UNAVAILABLE}`;
    this.active = 'websocket';
  }

  private telegramConfigured(): boolean {
    return Boolean(this.deps.config.TELEGRAM_BOT_TOKEN && this.deps.config.TELEGRAM_CHAT_ID);
  }

  get type(): TransportType {
    return this.active;
  }

  info(): CommunicationInfo {
    const ws = this.deps.websocketStatus();
    return {
      type: this.active,
      connected: true,
      detectedBy: this.detectedBy,
      reason: this.reason,
      switchedAt: this.switchedAt,
      transports: {
        websocket: { ...ws, connected: true },
        telegram: { configured: this.telegramConfigured(), available: false, reason: TELEGRAM_UNAVAILABLE },
      },
    };
  }

  async stats(): Promise<CommunicationStats> {
    const { repo, limiter, counters, startedAt } = this.deps;
    return {
      transport: this.active,
      messages: await repo.messageStats(),
      websocket: this.deps.websocketStatus(),
      rateLimitHits: limiter.hits,
      errors: counters.errors,
      uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    };
  }

  async switch(transport: TransportType): Promise<CommunicationInfo> {
    if (transport === 'telegram')
      throw new ChatError('PRECONDITION_FAILED', `cannot switch to telegram: ${TELEGRAM_UNAVAILABLE}`);
    await this.deps.repo.setSetting(TRANSPORT_SETTING, transport);
    this.active = transport;
    this.detectedBy = 'switch';
    this.reason = null;
    this.switchedAt = new Date().toISOString();
    return this.info();
  }
}
