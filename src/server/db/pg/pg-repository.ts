// PostgreSQL implementation of the repository. Appends group-commit: whatever queues while one transaction runs
// goes into the next. Each transaction takes pg_advisory_xact_lock before its ids, so ids become visible in id
// order across instances (a reader of `id > lastSeen` never skips one), and rings the pg_notify doorbell.
import { and, count, eq, gte, sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Message } from '../../../shared/message';
import type { SearchPage } from '../../../shared/search';
import {
  assembleStats,
  DuplicateClientIdError,
  type MessageStats,
  MissingReplyError,
  type NewMessage,
  type Repository,
  statsWindowStart,
} from '../repository';
import type { SearchRequest } from '../search';
import { openPostgres, type PgDb, type PgHandle } from './client';
import { CHANNELS, LOCKS } from './locks';
import { PgSearch } from './pg-search';
import { messages, settings } from './schema';

interface Pending {
  message: NewMessage;
  resolve: (message: Message) => void;
  reject: (error: unknown) => void;
}

const MESSAGE_COLUMNS =
  'id, text, sender, sender_kind, mentions, is_command, command, command_args, reply_to, origin, created_at, client_id';

interface RawRow {
  id: number;
  text: string;
  sender: string;
  sender_kind: Message['senderKind'];
  mentions: string[];
  is_command: boolean;
  command: string | null;
  command_args: string[];
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
  mentions: r.mentions,
  isCommand: r.is_command,
  command: r.command,
  commandArgs: r.command_args,
  replyTo: r.reply_to,
  origin: r.origin,
  createdAt: r.created_at,
  clientId: r.client_id,
});

type Outcome = 'insert' | Error | { sameBatchAs: string };

async function insertRows(client: pg.PoolClient, m: NewMessage[]): Promise<RawRow[]> {
  const result = await client.query<RawRow>(
    `INSERT INTO messages (text, sender, sender_kind, mentions, is_command, command, command_args, reply_to, origin, client_id, created_at)
     SELECT t.text, t.sender, t.sender_kind, t.mentions, t.is_command, t.command, t.command_args, t.reply_to, t.origin, t.client_id, $11
     FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::boolean[], $6::text[], $7::jsonb[], $8::bigint[], $9::text[], $10::text[])
       WITH ORDINALITY AS t(text, sender, sender_kind, mentions, is_command, command, command_args, reply_to, origin, client_id, n)
     ORDER BY t.n
     RETURNING ${MESSAGE_COLUMNS}`,
    [
      m.map((x) => x.text),
      m.map((x) => x.sender),
      m.map((x) => x.senderKind),
      m.map((x) => JSON.stringify(x.mentions)),
      m.map((x) => x.isCommand),
      m.map((x) => x.command),
      m.map((x) => JSON.stringify(x.commandArgs)),
      m.map((x) => x.replyTo),
      m.map((x) => x.origin),
      m.map((x) => x.clientId),
      new Date().toISOString(),
    ],
  );
  // Ids are taken in ORDER BY order under the advisory lock: sorting by id restores the batch order.
  return result.rows.sort((a, b) => a.id - b.id);
}

export class PgRepository implements Repository {
  private pending: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private closed = false;
  /** Run on close, newest first, before the pool ends (the cluster bus, leader locks). */
  private readonly closers: (() => Promise<void>)[] = [];

  private readonly searcher: PgSearch;

  constructor(readonly handle: PgHandle) {
    this.searcher = new PgSearch(handle.pool, async (ids) => {
      const result = await handle.pool.query<RawRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ANY($1::bigint[])`,
        [ids],
      );
      return result.rows.map(fromRaw);
    });
  }

  onClose(closer: () => Promise<void>): void {
    this.closers.unshift(closer);
  }

  static async open(url: string): Promise<PgRepository> {
    return new PgRepository(await openPostgres(url));
  }

  get pool(): pg.Pool {
    return this.handle.pool;
  }

  /** The drizzle handle, for sibling repositories in src/server/db that share this pool. */
  get database(): PgDb {
    return this.handle.db;
  }

  appendMessage(message: NewMessage): Promise<Message> {
    if (this.closed) return Promise.reject(new Error('the repository is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ message, resolve, reject });
      this.flushing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    // Let the appends of this event-loop turn join the first batch.
    await new Promise((r) => setImmediate(r));
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      await this.commit(batch);
    }
    this.flushing = null;
  }

  private async commit(batch: Pending[]): Promise<void> {
    const client = await this.pool.connect().catch((error: unknown) => {
      for (const item of batch) item.reject(error);
      return null;
    });
    if (!client) return;
    let broken = false;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.messages]);
      const outcomes = await this.decide(client, batch);
      const accepted = batch.filter((_, i) => outcomes[i] === 'insert').map((p) => p.message);
      let inserted: RawRow[] = [];
      if (accepted.length > 0) {
        inserted = await insertRows(client, accepted);
        await client.query('SELECT pg_notify($1, $2)', [CHANNELS.messages, String(inserted.at(-1)?.id)]);
      }
      await client.query('COMMIT');
      const committed = inserted.map(fromRaw);
      let next = 0;
      const byClientId = new Map<string, Message>();
      batch.forEach((item, i) => {
        const outcome = outcomes[i] as Outcome;
        if (outcome === 'insert') {
          const message = committed[next++] as Message;
          if (message.clientId !== null) byClientId.set(`${message.sender}\0${message.clientId}`, message);
          item.resolve(message);
        } else if (outcome instanceof Error) item.reject(outcome);
        else {
          // A copy earlier in this same batch: answer with the message it committed.
          const first = byClientId.get(outcome.sameBatchAs) as Message;
          item.reject(new DuplicateClientIdError(first));
        }
      });
    } catch (error) {
      broken = true;
      await client.query('ROLLBACK').catch(() => {});
      // The whole transaction rolled back (or its outcome is unknown): none of this batch was acknowledged.
      for (const item of batch) item.reject(error);
    } finally {
      // A client whose transaction failed may be in any state: drop it rather than reuse it.
      client.release(broken);
    }
  }

  /** Per item, inside the locked transaction: insert it, refuse it, or it repeats a clientId of this batch. */
  private async decide(client: pg.PoolClient, batch: Pending[]): Promise<Outcome[]> {
    const replyIds = [
      ...new Set(batch.flatMap((p) => (p.message.replyTo === null ? [] : [p.message.replyTo]))),
    ];
    const existing = new Set<number>();
    if (replyIds.length > 0) {
      const found = await client.query<{ id: number }>(
        'SELECT id FROM messages WHERE id = ANY($1::bigint[])',
        [replyIds],
      );
      for (const row of found.rows) existing.add(row.id);
    }
    const keyed = batch.filter((p) => p.message.clientId !== null).map((p) => p.message);
    const stored = new Map<string, Message>();
    if (keyed.length > 0) {
      const found = await client.query<RawRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages
         WHERE (sender, client_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [keyed.map((m) => m.sender), keyed.map((m) => m.clientId)],
      );
      for (const row of found.rows) stored.set(`${row.sender}\0${row.client_id}`, fromRaw(row));
    }
    const seen = new Set<string>();
    return batch.map(({ message: m }): Outcome => {
      const key = m.clientId === null ? null : `${m.sender}\0${m.clientId}`;
      if (key !== null) {
        const earlier = stored.get(key);
        if (earlier) return new DuplicateClientIdError(earlier);
        if (seen.has(key)) return { sameBatchAs: key };
      }
      if (m.replyTo !== null && !existing.has(m.replyTo)) return new MissingReplyError(m.replyTo);
      if (key !== null) seen.add(key);
      return 'insert';
    });
  }

  async history(before: number | null, limit: number): Promise<Message[]> {
    const result = await this.pool.query<RawRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages ${before === null ? '' : 'WHERE id < $2'} ORDER BY id DESC LIMIT $1`,
      before === null ? [limit] : [limit, before],
    );
    return result.rows.reverse().map(fromRaw);
  }

  async messagesAfter(after: number, limit: number): Promise<Message[]> {
    const result = await this.pool.query<RawRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id > $1 ORDER BY id LIMIT $2`,
      [after, limit],
    );
    return result.rows.map(fromRaw);
  }

  async lastMessageId(): Promise<number> {
    const result = await this.pool.query<{ id: number }>('SELECT coalesce(max(id), 0) AS id FROM messages');
    return result.rows[0]?.id ?? 0;
  }

  async hasPersonNamed(name: string): Promise<boolean> {
    const result = await this.pool.query(
      "SELECT 1 FROM messages WHERE sender_kind = 'user' AND lower(sender) = $1 LIMIT 1",
      [name.toLowerCase()],
    );
    return result.rowCount !== null && result.rowCount > 0;
  }

  async messageStats(now = new Date()): Promise<MessageStats> {
    const db = this.database;
    const byOriginRows = await db
      .select({ origin: messages.origin, count: count() })
      .from(messages)
      .groupBy(messages.origin);
    const since = statsWindowStart(now);
    const hour = sql<string>`substr(${messages.createdAt}, 1, 13)`;
    const hourRows = await db
      .select({ hour, count: count() })
      .from(messages)
      .where(and(gte(messages.createdAt, since.toISOString())))
      .groupBy(hour);
    return assembleStats(byOriginRows, hourRows, since);
  }

  search(request: SearchRequest): Promise<SearchPage> {
    return this.searcher.search(request);
  }

  async getSetting(key: string): Promise<string | null> {
    const rows = await this.database.select().from(settings).where(eq(settings.key, key));
    return rows[0]?.value ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    const updatedAt = new Date().toISOString();
    await this.database
      .insert(settings)
      .values({ key, value, updatedAt })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt } });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.flushing;
    for (const closer of this.closers) await closer();
    await this.pool.end();
  }
}
