// The import itself: employees, then messages in timestamp order, streamed in batches through one transaction;
// duplicates (imported before) skipped, replies mapped to the new ids, refused rows reported with their reasons.
import {
  type ImportedAgent,
  type ImportedMessage,
  type ImportRepository,
  type ImportSession,
  originalKey,
} from '../../src/server/db/import-repository';
import { type ConvertedMessage, toEmployee, toMessage } from './convert';
import type { OriginalChat, OriginalEmployees, PendingWork } from './original-db';

export interface Counts {
  total: number;
  imported: number;
  duplicates: number;
  skipped: number;
  refused: number;
}

export interface Problem {
  what: string;
  reason: string;
}

export interface ImportReport {
  employees: Counts;
  messages: Counts;
  /** The first MAX_LISTED refused rows (all are counted in `refused`). */
  refused: Problem[];
  skipped: Problem[];
  replies: { linked: number; notFound: number };
  conversations: string[];
  fileLocks: PendingWork;
  fileRequests: PendingWork;
  committed: boolean;
}

export interface ImportOptions {
  dryRun: boolean;
  skipBad: boolean;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Rows the importer must refuse and --skip-bad was not given: the transaction rolled back, nothing written. */
export class RefusedRowsError extends Error {
  override name = 'RefusedRowsError';
  constructor(readonly report: ImportReport) {
    super(`${report.employees.refused + report.messages.refused} rows refused; nothing was imported`);
  }
}

const MAX_LISTED = 50;
const counts = (total: number): Counts => ({ total, imported: 0, duplicates: 0, skipped: 0, refused: 0 });

export async function importOriginal(
  repo: ImportRepository,
  source: { employees: OriginalEmployees | null; chat: OriginalChat | null },
  options: ImportOptions,
): Promise<ImportReport> {
  const report: ImportReport = {
    employees: counts(source.employees?.count() ?? 0),
    messages: counts(source.chat?.count() ?? 0),
    refused: [],
    skipped: [],
    replies: { linked: 0, notFound: 0 },
    conversations: source.chat?.conversations() ?? [],
    fileLocks: source.employees?.fileLocks() ?? { count: 0, examples: [] },
    fileRequests: source.employees?.fileRequests() ?? { count: 0, examples: [] },
    committed: false,
  };
  const note = (list: Problem[], what: string, reason: string) => {
    if (list.length < MAX_LISTED) list.push({ what, reason });
  };
  await repo.transaction(!options.dryRun, async (session) => {
    const agents = await importEmployees(session, source.employees, report, note);
    if (source.chat) await importMessages(session, source.chat, agents, report, note, options);
    if (report.employees.refused + report.messages.refused > 0 && !options.skipBad) {
      throw new RefusedRowsError(report);
    }
  });
  report.committed = !options.dryRun;
  return report;
}

type Note = (list: Problem[], what: string, reason: string) => void;

/** Imports the employees; returns who counts as an agent when reading messages (lower-case names). */
async function importEmployees(
  session: ImportSession,
  source: OriginalEmployees | null,
  report: ImportReport,
  note: Note,
): Promise<(name: string) => boolean> {
  const names = new Set<string>();
  const rows: ImportedAgent[] = [];
  for (const row of source?.rows() ?? []) {
    const what = `employee ${JSON.stringify(row.name)}`;
    const verdict = toEmployee(row);
    if (!verdict.ok) {
      if (verdict.kind === 'refuse') report.employees.refused += 1;
      else report.employees.skipped += 1;
      note(verdict.kind === 'refuse' ? report.refused : report.skipped, what, verdict.reason);
      continue;
    }
    const e = verdict.value;
    names.add(e.name);
    const [before, here] = await Promise.all([
      session.importedKeys('employee', [e.original]),
      session.existingAgents([e.name]),
    ]);
    // Imported by an earlier run (even if fired since), or someone of that name works here already.
    if (before.size > 0 || here.size > 0 || rows.some((r) => r.name === e.name)) {
      report.employees.duplicates += 1;
      continue;
    }
    rows.push(e);
  }
  await session.insertAgents(rows);
  report.employees.imported = rows.length;
  const known = new Map<string, boolean>([...names].map((n) => [n, true]));
  return (name) => known.get(name) ?? false;
}

async function importMessages(
  session: ImportSession,
  chat: OriginalChat,
  originalAgents: (name: string) => boolean,
  report: ImportReport,
  note: Note,
  options: ImportOptions,
): Promise<void> {
  const size = options.batchSize ?? 1000;
  // Senders already employed here count as agents too; asked once per distinct sender.
  const hereAgents = new Map<string, boolean>();
  let done = 0;
  let batch: ConvertedMessage[] = [];
  const flush = async () => {
    const senders = [...new Set(batch.map((m) => m.sender.toLowerCase()))].filter((s) => !hereAgents.has(s));
    if (senders.length > 0) {
      const found = await session.existingAgents(senders);
      for (const s of senders) hereAgents.set(s, found.has(s));
    }
    await insertBatch(session, batch, report, (name) => hereAgents.get(name) ?? false);
    done += batch.length;
    batch = [];
    options.onProgress?.(done, report.messages.total);
    // Let progress output and signals through between batches.
    await new Promise((r) => setImmediate(r));
  };
  let seen = 0;
  for (const row of chat.rows()) {
    seen += 1;
    const verdict = toMessage(row, originalAgents);
    if (!verdict.ok) {
      if (verdict.kind === 'refuse') report.messages.refused += 1;
      else report.messages.skipped += 1;
      note(
        verdict.kind === 'refuse' ? report.refused : report.skipped,
        `message ${JSON.stringify(row.message_id)} of ${String(row.timestamp)}`,
        verdict.reason,
      );
      done += 1;
      continue;
    }
    batch.push(verdict.value);
    if (batch.length >= size) await flush();
  }
  if (batch.length > 0 || seen === 0) await flush();
}

async function insertBatch(
  session: ImportSession,
  batch: ConvertedMessage[],
  report: ImportReport,
  hereAgent: (name: string) => boolean,
): Promise<void> {
  if (batch.length === 0) return;
  const before = await session.importedKeys(
    'message',
    batch.map((m) => m.original),
  );
  const rows: ImportedMessage[] = [];
  // For each row, the original message_id it replies to when that is not in this batch (looked up below).
  const lookup: (string | null)[] = [];
  const inBatch = new Map<string, number>();
  const seenKeys = new Set<string>();
  for (const m of batch) {
    const key = originalKey(m.original);
    if (before.has(key) || seenKeys.has(key)) {
      report.messages.duplicates += 1;
      continue;
    }
    seenKeys.add(key);
    const { replyToOriginal, ...message } = m;
    // A user whose name is an employee's here (hired, not imported) posted as that agent.
    if (message.senderKind === 'user' && hereAgent(message.sender.toLowerCase())) {
      message.senderKind = 'agent';
      message.sender = message.sender.toLowerCase();
    }
    const replyToRow = replyToOriginal === null ? undefined : inBatch.get(replyToOriginal);
    lookup.push(replyToOriginal !== null && replyToRow === undefined ? replyToOriginal : null);
    rows.push({ ...message, replyTo: null, replyToRow: replyToRow ?? null });
    inBatch.set(m.original.id, rows.length - 1);
  }
  const wanted = [...new Set(lookup.filter((id): id is string => id !== null))];
  if (wanted.length > 0) {
    // Imported by an earlier batch or run: the latest with that message_id at or before this batch.
    const found = await session.importedMessageIds(wanted, batch[batch.length - 1]?.original.at ?? '');
    rows.forEach((row, i) => {
      const id = lookup[i];
      if (id === null || id === undefined) return;
      row.replyTo = found.get(id) ?? null;
      // Its original is gone (the original deleted messages after 30 days) or was refused: kept, unlinked.
      if (row.replyTo === null) report.replies.notFound += 1;
    });
  }
  report.replies.linked += rows.filter((r) => r.replyTo !== null || r.replyToRow !== null).length;
  await session.insertMessages(rows);
  report.messages.imported += rows.length;
}
