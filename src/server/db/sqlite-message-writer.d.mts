// Types of sqlite-message-writer.mjs (plain JavaScript so that worker threads load it without a TypeScript loader).
import type Database from 'better-sqlite3';
import type { Message } from '../../shared/message';
import type { NewMessage } from './repository';

/** Per message: its new id, or why it was refused. Ids alone cross the thread boundary, not the messages back. */
export type WriteOutcome = number | { duplicateOf: Message } | { missingReply: number };

export interface GroupResult {
  /** The commit time every message of the group shares. */
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
}

export const MESSAGE_COLUMNS: string;
export function fromRaw(row: RawRow): Message;
/** A function committing one group in one transaction (one fsync); it throws only if the whole group rolled back. */
export function messageWriter(sqlite: Database.Database): (batch: NewMessage[]) => GroupResult;
