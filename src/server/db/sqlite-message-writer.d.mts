// Types of sqlite-message-writer.mjs (plain JavaScript so that worker threads load it without a TypeScript loader).
import type Database from 'better-sqlite3';
import type { Message, MessageChange, Reaction } from '../../shared/message';
import type { ChangeOp, ChangeRefusal, NewMessage } from './repository';

/** One entry of a group: a message to append (a thread reply when it has threadRoot), or a change to apply. */
export type WriteItem = NewMessage | { change: ChangeOp };

/**
 * Per entry, what the group did. A plain message: its new id (ids alone cross the thread boundary, not the
 * messages back). A thread reply: its id, its root and the root's 'thread' change. A change: the change, or
 * `unchanged`, or why it was refused. Otherwise why the message was refused.
 */
export type WriteOutcome =
  | number
  | { duplicateOf: Message }
  | { missingReply: number }
  | { missingRoot: number }
  | { reply: number; root: number; change: MessageChange }
  | { change: MessageChange }
  | { unchanged: true }
  | { refused: ChangeRefusal; id: number };

export interface GroupResult {
  /** The commit time every entry of the group shares. */
  createdAt: string;
  outcomes: WriteOutcome[];
}

export interface RawRow {
  id: number;
  text: string;
  sender: string;
  sender_kind: Message['senderKind'];
  mentions: string;
  is_command: number;
  command: string | null;
  command_args: string;
  reply_to: number | null;
  origin: Message['origin'];
  created_at: string;
  client_id: string | null;
  edited_at: string | null;
  deleted_at: string | null;
  thread_root: number | null;
  thread_broadcast: number;
  reply_count: number;
  last_reply_at: string | null;
}

export const MESSAGE_COLUMNS: string;
export function fromRaw(row: RawRow): Message;
export function groupReactions(
  rows: { message_id: number; emoji: string; user_name: string }[],
): Map<number, Reaction[]>;

export interface MessageReader {
  one(id: number): Message | undefined;
  /** Rows of a page in ascending id order, as Messages with their reactions. */
  page(rows: RawRow[]): Message[];
  many(ids: readonly number[]): Message[];
}
export function messageReader(sqlite: Database.Database): MessageReader;
/** A function committing one group in one transaction (one fsync); it throws only if the whole group rolled back. */
export function messageWriter(sqlite: Database.Database): (batch: WriteItem[]) => GroupResult;
/** Adds a new message to the full-text index in the caller's transaction (a no-op without the index). */
export function searchIndexer(sqlite: Database.Database): (id: number, text: string, sender: string) => void;
