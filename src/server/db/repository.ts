// The narrow storage interface everything outside src/server/db talks to. Promises throughout, so a
// PostgreSQL implementation can replace the SQLite one without touching callers.
import type { Message, MessageChange, Origin } from '../../shared/message';
import type { SearchPage } from '../../shared/search';
import type { SearchRequest } from './search';

/** A message as the hub hands it over: everything but what storage assigns (id, createdAt). */
export type NewMessage = Omit<Message, 'id' | 'createdAt' | 'clientId'> & { clientId?: string | null };

/**
 * A change to an existing message, as the hub hands it over (validated, rights checked where only the hub can).
 * The writer still refuses, inside its transaction, what the current row forbids (see ChangeRefusedError).
 */
export type ChangeOp =
  | {
      kind: 'edit';
      id: number;
      /** Only the sender may edit: refused ('forbidden') when `by` is someone else. */
      by: string;
      text: string;
      mentions: string[];
      isCommand: boolean;
      command: string | null;
      commandArgs: string[];
    }
  | {
      kind: 'delete';
      id: number;
      by: string;
      /** An admin deleting someone else's message; otherwise only the sender may. */
      asAdmin?: boolean;
    }
  | { kind: 'react'; id: number; by: string; emoji: string; on: boolean };

/** New messages and changes after an id, each list in id order, covering one contiguous id range. */
export interface LogPage {
  messages: Message[];
  changes: MessageChange[];
}

/** A thread reply as committed: the reply, and the 'thread' change of its root (count and last reply). */
export interface ThreadReply {
  message: Message;
  change: MessageChange;
}

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
  /**
   * Commits a reply in the thread of `message.threadRoot` (a reply to a reply goes to that reply's root) and, in the
   * same transaction, bumps the root's replyCount / lastReplyAt and logs a 'thread' change for it (the next id).
   * Same queue as appendMessage. Rejects like it, or with MissingReplyError naming the root that does not exist.
   */
  appendThreadReply(message: NewMessage & { threadRoot: number }): Promise<ThreadReply>;
  /**
   * Applies an edit, delete or reaction in one transaction that also logs it (its id from the messages' own
   * sequence, committed in order with messages). Resolves with the change (the message's new state), or null when
   * nothing changed (a reaction already there or already gone, the same text, a deleted message deleted again): no
   * log entry then. Rejects with ChangeRefusedError.
   */
  applyChange(op: ChangeOp): Promise<MessageChange | null>;
  /**
   * New messages and changes with id > `after`: at most `limit` entries in all, covering a contiguous id range (a
   * page shorter than `limit` means there is nothing more). Changes carry the message's current state.
   */
  logAfter(after: number, limit: number): Promise<LogPage>;
  /** The largest id of the log (messages and changes), 0 when empty. */
  lastLogId(): Promise<number>;
  /** Messages by id (with their reactions), in id order; missing ids are left out. */
  getMessages(ids: readonly number[]): Promise<Message[]>;
  /** A thread: its root and every reply, oldest first (empty when the root does not exist). */
  thread(root: number): Promise<Message[]>;
  /** The newest `limit` replies of thread `root` older than `before` (all when null), oldest first. */
  threadReplies(root: number, before: number | null, limit: number): Promise<Message[]>;
  /**
   * Newest `limit` messages of the main conversation older than `before` (all when null), oldest first: a thread
   * reply is left out unless it was also sent to the channel (chat.thread lists threads).
   */
  history(before: number | null, limit: number): Promise<Message[]>;
  /** Oldest `limit` messages of the main conversation newer than `after`, oldest first (history's other way). */
  historyAfter(after: number, limit: number): Promise<Message[]>;
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

/** The thread a reply was sent to does not exist. */
export class MissingThreadRootError extends Error {
  constructor(readonly threadRoot: number) {
    super(`threadRoot: message ${threadRoot} does not exist`);
    this.name = 'MissingThreadRootError';
  }
}

export type ChangeRefusal = 'not-found' | 'forbidden' | 'deleted';

/** The writer refused a change: the message does not exist, is not the actor's, or was deleted. */
export class ChangeRefusedError extends Error {
  constructor(
    readonly reason: ChangeRefusal,
    readonly messageId: number,
  ) {
    super(
      reason === 'not-found'
        ? `message ${messageId} does not exist`
        : reason === 'forbidden'
          ? `message ${messageId} is someone else's: only its sender can change it`
          : `message ${messageId} was deleted: it can no longer be changed`,
    );
    this.name = 'ChangeRefusedError';
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

/** SQL (both dialects) for a message shown in the main conversation: not a thread reply, or also sent there. */
export const IN_MAIN_CONVERSATION = '(thread_root IS NULL OR thread_broadcast)';
