// The narrow storage interface everything outside src/server/db talks to. Promises throughout, so a
// PostgreSQL implementation can replace the SQLite one without touching callers.
import type { Message, Origin } from '../../shared/message';

/** A message as the hub hands it over: everything but what storage assigns (id, createdAt). */
export type NewMessage = Omit<Message, 'id' | 'createdAt' | 'clientId'> & { clientId?: string | null };

export interface MessageStats {
  total: number;
  byOrigin: Partial<Record<Origin, number>>;
  /** Messages per hour over the last 24 hours, oldest first; `hour` is an ISO timestamp truncated to the hour. */
  perHour: { hour: string; count: number }[];
}

export interface Repository {
  /**
   * Commits one message (grouped with concurrent appends into one transaction) and returns it with its id.
   * Rejects with MissingReplyError, or DuplicateClientIdError when the sender already used the clientId.
   */
  appendMessage(message: NewMessage): Promise<Message>;
  /** Newest `limit` messages older than `before` (all when null), oldest first. */
  history(before: number | null, limit: number): Promise<Message[]>;
  /** Up to `limit` messages with id > `after`, oldest first. */
  messagesAfter(after: number, limit: number): Promise<Message[]>;
  lastMessageId(): Promise<number>;
  messageStats(now?: Date): Promise<MessageStats>;
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
  /** Waits for pending appends, then closes the database. */
  close(): Promise<void>;
}

/** The sender already committed a message with this clientId: `existing` is that message (a retried send). */
export class DuplicateClientIdError extends Error {
  constructor(readonly existing: Message) {
    super(`clientId ${existing.clientId} was already used by ${existing.sender} (message ${existing.id})`);
    this.name = 'DuplicateClientIdError';
  }
}

/** The message a new one replies to does not exist. */
export class MissingReplyError extends Error {
  constructor(readonly replyTo: number) {
    super(`replyTo: message ${replyTo} does not exist`);
    this.name = 'MissingReplyError';
  }
}
