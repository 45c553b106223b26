// What the transport manager reports (communication.info, communication.stats) and the transport state that
// transport-switch.ts owns.
import type { AgentStats } from '../agents/agent-stats';
import type { MessageStats } from '../db/repository';
import type { TelegramStatus } from './telegram/telegram-transport';

export type TransportType = 'websocket' | 'telegram';
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

export interface TransportInfo {
  type: TransportType;
  connected: boolean;
  detectedBy: DetectedBy;
  /** Why the active transport is not the one asked for (a failed Telegram start, a standby), else null. */
  reason: string | null;
  switchedAt: string | null;
  transports: {
    websocket: WebSocketStatus & { connected: boolean };
    telegram: TelegramStatus;
    legacy: WebSocketStatus & { connected: boolean; path: string };
  };
}

/** This instance's view: changed only by the transitions of transport-state.ts, applied by transport-switch.ts. */
export interface TransportState {
  /** What carries the conversation here: 'telegram' while this instance runs the bridge. */
  active: TransportType;
  /** What the conversation should use: the start-up choice, then the admin's switch (cluster-wide). */
  wanted: TransportType;
  detectedBy: DetectedBy;
  reason: string | null;
  switchedAt: string | null;
}

export interface TransportStats {
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
