// The narrow storage interface everything outside src/server/db talks to. Promises throughout, so a
// PostgreSQL implementation can replace the SQLite one without touching callers.
import type { Message, Origin } from '../../shared/message';
import type { SearchPage } from '../../shared/search';
import type { SearchRequest } from './search';

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
  /** Whether a person (senderKind 'user') ever posted as `name`, compared case-insensitively (names are taken). */
  hasPersonNamed(name: string): Promise<boolean>;
  messageStats(now?: Date): Promise<MessageStats>;
  /**
   * Full-text search, ranked (best first, then newest), with \u0002 … \u0003 marked snippets; deleted messages never
   * match. Rejects with BadSearchCursorError for a cursor no page returned.
   */
  search(request: SearchRequest): Promise<SearchPage>;
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
  /** Set once messages can no longer be saved (a SQLite writer thread died): health reports it. */
  readonly failure?: Error | null;
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

/** Start of the 24-hour window of `perHour` (23 whole hours before the current one). */
export function statsWindowStart(now: Date): Date {
  const since = new Date(now.getTime() - 23 * 3600_000);
  since.setUTCMinutes(0, 0, 0);
  return since;
}

/** Builds MessageStats from per-origin counts and per-hour counts keyed by `YYYY-MM-DDTHH` (either dialect). */
export function assembleStats(
  byOriginRows: { origin: Origin; count: number }[],
  hourRows: { hour: string; count: number }[],
  since: Date,
): MessageStats {
  const counts = new Map(hourRows.map((r) => [r.hour, r.count]));
  const perHour = Array.from({ length: 24 }, (_, i) => {
    const h = new Date(since.getTime() + i * 3600_000).toISOString();
    return { hour: `${h.slice(0, 13)}:00:00.000Z`, count: counts.get(h.slice(0, 13)) ?? 0 };
  });
  const byOrigin = Object.fromEntries(byOriginRows.map((r) => [r.origin, r.count]));
  return { total: byOriginRows.reduce((sum, r) => sum + r.count, 0), byOrigin, perHour };
}
