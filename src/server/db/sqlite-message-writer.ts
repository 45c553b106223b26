// The group commit of messages on one SQLite connection: shared by the in-thread writer (`:memory:` databases) and
// the writer thread (files), so both assign ids, check replies and clientIds the same way. Outcomes are plain data
// that cross a thread boundary; the repository turns them back into the errors callers know.
import type Database from 'better-sqlite3';
import type { Message } from '../../shared/message';
import { DuplicateClientIdError, MissingReplyError, type NewMessage } from './repository';

export type WriteOutcome =
  | { ok: true; message: Message }
  | { ok: false; duplicateOf: Message }
  | { ok: false; missingReply: number };

export const MESSAGE_COLUMNS =
  'id, text, sender, sender_kind, mentions, is_command, command, command_args, reply_to, origin, created_at, client_id';

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

export const fromRaw = (r: RawRow): Message => ({
  id: r.id,
  text: r.text,
  sender: r.sender,
  senderKind: r.sender_kind,
  mentions: JSON.parse(r.mentions),
  isCommand: r.is_command === 1,
  command: r.command,
  commandArgs: JSON.parse(r.command_args),
  replyTo: r.reply_to,
  origin: r.origin,
  createdAt: r.created_at,
  clientId: r.client_id,
});

/** A function committing one batch in one transaction (one fsync); it throws only if the whole batch rolled back. */
export function messageWriter(sqlite: Database.Database): (batch: NewMessage[]) => WriteOutcome[] {
  // Statements prepared once: building a query per insert cost more than the insert itself.
  const insert = sqlite.prepare(
    `INSERT INTO messages (text, sender, sender_kind, mentions, is_command, command, command_args, reply_to, origin, created_at, client_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const exists = sqlite.prepare('SELECT 1 FROM messages WHERE id = ?').pluck();
  const byClientId = sqlite.prepare(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender = ? AND client_id = ?`,
  );
  return sqlite.transaction((batch: NewMessage[]) => {
    const createdAt = new Date().toISOString();
    return batch.map((m): WriteOutcome => {
      const clientId = m.clientId ?? null;
      if (clientId !== null) {
        // Checked inside the transaction, so a retry in the same batch sees the first copy too.
        const existing = byClientId.get(m.sender, clientId) as RawRow | undefined;
        if (existing) return { ok: false, duplicateOf: fromRaw(existing) };
      }
      if (m.replyTo !== null && exists.get(m.replyTo) === undefined) {
        return { ok: false, missingReply: m.replyTo };
      }
      const { lastInsertRowid } = insert.run(
        m.text,
        m.sender,
        m.senderKind,
        JSON.stringify(m.mentions),
        m.isCommand ? 1 : 0,
        m.command,
        JSON.stringify(m.commandArgs),
        m.replyTo,
        m.origin,
        createdAt,
        clientId,
      );
      return { ok: true, message: { id: Number(lastInsertRowid), ...m, createdAt, clientId } };
    });
  });
}

/** The error a caller of appendMessage sees for a refused message (the same on either writer). */
export function refusal(outcome: Exclude<WriteOutcome, { ok: true }>): Error {
  return 'duplicateOf' in outcome
    ? new DuplicateClientIdError(outcome.duplicateOf)
    : new MissingReplyError(outcome.missingReply);
}
