// Turns the original's rows into this project's employees and messages, or says why a row cannot come over.

import { agentNameSchema } from '../../src/server/agents/schemas';
import type { ImportedAgent, ImportedMessage } from '../../src/server/db/import-repository';
import { MAX_TEXT_LENGTH } from '../../src/shared/message';
import { parseText } from '../../src/shared/parse';
import type { OriginalEmployeeRow, OriginalMessageRow } from './original-db';

/** `skip`: nothing to bring over (not an error). `refuse`: a row that cannot be imported as it is. */
export type Verdict<T> = { ok: true; value: T } | { ok: false; kind: 'skip' | 'refuse'; reason: string };

const TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads a timestamp as Python's sqlite3 stored it: `YYYY-MM-DD HH:MM:SS[.ffffff]` (datetime's str), ISO with `T`
 * and an offset (isoformat), or SQLite's CURRENT_TIMESTAMP. Without an offset, `zone` says what it was: the chat
 * history was written from datetime.now() (the machine's local time), CURRENT_TIMESTAMP is UTC.
 */
export function parseOriginalTime(value: unknown, zone: 'local' | 'utc'): Date | null {
  if (typeof value !== 'string') return null;
  const m = TIME.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h = '0', mi = '0', s = '0', frac = '', offset] = m.slice(1);
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms] as const;
  let time: number;
  if (offset) {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.replace(/[^0-9]/g, '');
    const minutes =
      offset.toUpperCase() === 'Z' ? 0 : Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
    time = Date.UTC(...parts) - sign * minutes * 60_000;
  } else time = zone === 'utc' ? Date.UTC(...parts) : new Date(...parts).getTime();
  // Rejects 2024-02-31, 25:00 and the like, which Date would roll over silently.
  const probe = new Date(Date.UTC(...parts));
  const valid =
    probe.getUTCMonth() === parts[1] &&
    probe.getUTCDate() === parts[2] &&
    parts[3] < 24 &&
    parts[4] < 60 &&
    parts[5] < 60;
  return valid && !Number.isNaN(time) ? new Date(time) : null;
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v)).trim();

export function toEmployee(row: OriginalEmployeeRow): Verdict<ImportedAgent> {
  const originalName = text(row.name);
  const parsed = agentNameSchema.safeParse(originalName);
  if (!parsed.success) {
    return { ok: false, kind: 'refuse', reason: parsed.error.issues[0]?.message ?? 'not a usable name' };
  }
  const status = text(row.status);
  if (status !== '' && status !== 'active') {
    return { ok: false, kind: 'skip', reason: `${status} in the original, not on its team` };
  }
  const role = text(row.role);
  if (role === '' || role.length > 64)
    return { ok: false, kind: 'refuse', reason: 'role must be 1-64 characters' };
  const hired = row.hired_at === null ? new Date() : parseOriginalTime(row.hired_at, 'utc');
  if (!hired)
    return { ok: false, kind: 'refuse', reason: `hired_at ${JSON.stringify(row.hired_at)} is not a date` };
  return {
    ok: true,
    value: {
      name: parsed.data,
      role,
      // The original's hire_employee read any other value as normal.
      smartness: text(row.smartness) === 'smart' ? 'smart' : 'normal',
      hiredBy: 'import',
      hiredAt: hired.toISOString(),
      original: { id: originalName, at: '' },
    },
  };
}

export type ConvertedMessage = Omit<ImportedMessage, 'replyTo' | 'replyToRow'> & {
  /** The original message_id it replies to, to map to an id here. */
  replyToOriginal: string | null;
};

/** `agents(name)`: whether a lower-cased sender is an employee (imported now or already here). */
export function toMessage(
  row: OriginalMessageRow,
  isAgent: (name: string) => boolean,
): Verdict<ConvertedMessage> {
  const id = text(row.message_id);
  if (id === '') return { ok: false, kind: 'refuse', reason: 'message_id is empty' };
  const at = typeof row.timestamp === 'string' ? row.timestamp : String(row.timestamp);
  const created = parseOriginalTime(row.timestamp, 'local');
  if (!created)
    return { ok: false, kind: 'refuse', reason: `timestamp ${JSON.stringify(row.timestamp)} is not a date` };
  const sender = text(row.sender);
  if (sender === '') return { ok: false, kind: 'refuse', reason: 'sender is empty' };
  const body = text(row.text);
  if (body === '') return { ok: false, kind: 'skip', reason: 'empty text: nothing to import' };
  if (body.length > MAX_TEXT_LENGTH) {
    return {
      ok: false,
      kind: 'refuse',
      reason: `text is ${body.length} characters, more than the ${MAX_TEXT_LENGTH} a message may have here`,
    };
  }
  const type = text(row.message_type);
  const lower = sender.toLowerCase();
  const senderKind =
    type === 'system' || lower === 'system'
      ? 'system'
      : type === 'agent_response' || isAgent(lower)
        ? 'agent'
        : 'user';
  const replyTo = text(row.reply_to);
  return {
    ok: true,
    value: {
      text: body,
      // Employees are stored lower-case here and agents post under that name.
      sender: senderKind === 'agent' && isAgent(lower) ? lower : sender,
      senderKind,
      // Mentions and commands are read again from the text, as for every message here.
      ...parseText(body),
      createdAt: created.toISOString(),
      original: { id, at, conversation: row.conversation_id === null ? null : text(row.conversation_id) },
      replyToOriginal: replyTo === '' ? null : replyTo,
    },
  };
}
