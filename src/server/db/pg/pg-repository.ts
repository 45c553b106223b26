// PostgreSQL implementation of the repository. Appends group-commit: whatever queues while one transaction runs
// goes into the next. Each transaction takes pg_advisory_xact_lock before its ids, so ids become visible in id
// order across instances (a reader of `id > lastSeen` never skips one), and rings the pg_notify doorbell.
import { and, count, eq, gte, sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Message, MessageChange, Reaction } from '../../../shared/message';
import type { SearchPage } from '../../../shared/search';
import { cutPage, toChanges } from '../log-page';
import {
  assembleStats,
  type ChangeOp,
  ChangeRefusedError,
  DuplicateClientIdError,
  IN_MAIN_CONVERSATION,
  type LogPage,
  type MessageStats,
  MissingReplyError,
  MissingThreadRootError,
  type NewMessage,
  type Repository,
  statsWindowStart,
  type ThreadReply,
} from '../repository';
import type { SearchRequest } from '../search';
import { openPostgres, type PgDb, type PgHandle } from './client';
import { CHANNELS, LOCKS } from './locks';
import { PgSearch } from './pg-search';
import { messages, settings } from './schema';

/** The largest log id a thread reply or a change took (the doorbell's payload). */
function lastIdOf(result: ThreadReply | MessageChange): number {
  return 'change' in result ? result.change.id : result.id;
}

interface Pending {
  message: NewMessage;
  resolve: (message: Message) => void;
  reject: (error: unknown) => void;
}

/** A thread reply or a change: committed in a transaction of its own, in queue order with the message groups. */
interface PendingOne {
  one: { reply: NewMessage & { threadRoot: number } } | { change: ChangeOp };
  // biome-ignore lint/suspicious/noExplicitAny: settles a ThreadReply or a MessageChange | null
  resolve: (value: any) => void;
  reject: (error: unknown) => void;
}

const MESSAGE_COLUMNS =
  'id, text, sender, sender_kind, mentions, is_command, command, command_args, reply_to, origin, created_at, client_id, edited_at, deleted_at, thread_root, thread_broadcast, reply_count, last_reply_at';

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
  edited_at: string | null;
  deleted_at: string | null;
  thread_root: number | null;
  thread_broadcast: boolean;
  reply_count: number;
  last_reply_at: string | null;
}

/** A row as a Message: the richer chat's fields only when they say something (a plain message has none). */
const fromRaw = (r: RawRow): Message => {
  const m: Message = {
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
  };
  if (r.edited_at !== null) m.editedAt = r.edited_at;
  if (r.deleted_at !== null) m.deletedAt = r.deleted_at;
  if (r.thread_root !== null) m.threadRoot = r.thread_root;
  if (r.thread_broadcast) m.alsoInChannel = true;
  if (r.reply_count > 0) m.replyCount = r.reply_count;
  if (r.last_reply_at !== null) m.lastReplyAt = r.last_reply_at;
  return m;
};

interface ChangeRow {
  id: number;
  message_id: number;
  kind: MessageChange['kind'];
  actor: string;
  created_at: string;
}

type Queryable = pg.Pool | pg.PoolClient;

/**
 * What reads select: the columns and each message's reactions as [emoji, user] pairs in the order they were added,
 * from the reactions' primary key (message_id first) in the same query — no second round trip for a page, and
 * NULL (nothing to parse) for the plain messages that have none.
 */
const READ_COLUMNS = `${MESSAGE_COLUMNS}, (SELECT json_agg(json_build_array(r.emoji, r.user_name) ORDER BY r.created_at, r.user_name) FROM reactions r WHERE r.message_id = messages.id) AS reactions`;

/** Rows read with READ_COLUMNS as Messages with their reactions. */
function withReactions(rows: (RawRow & { reactions?: [string, string][] | null })[]): Message[] {
  return rows.map((row) => {
    const message = fromRaw(row);
    if (!row.reactions) return message;
    const list: Reaction[] = [];
    for (const [emoji, user] of row.reactions) {
      const entry = list.find((e) => e.emoji === emoji);
      if (entry) entry.users.push(user);
      else list.push({ emoji, users: [user] });
    }
    message.reactions = list;
    return message;
  });
}

async function messagesById(db: Queryable, ids: readonly number[]): Promise<Message[]> {
  if (ids.length === 0) return [];
  const result = await db.query<RawRow>(
    `SELECT ${READ_COLUMNS} FROM messages WHERE id = ANY($1::bigint[]) ORDER BY id`,
    [ids],
  );
  return withReactions(result.rows);
}

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
  private pending: (Pending | PendingOne)[] = [];
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

  appendThreadReply(message: NewMessage & { threadRoot: number }): Promise<ThreadReply> {
    return this.enqueueOne({ reply: message });
  }

  applyChange(op: ChangeOp): Promise<MessageChange | null> {
    return this.enqueueOne({ change: op });
  }

  private enqueueOne<T>(one: PendingOne['one']): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the repository is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ one, resolve, reject });
      this.flushing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    // Let the appends of this event-loop turn join the first batch.
    await new Promise((r) => setImmediate(r));
    while (this.pending.length > 0) {
      // Messages in a row share one transaction; a thread reply or a change takes its own, in queue order.
      const first = this.pending[0] as Pending | PendingOne;
      if ('one' in first) {
        this.pending.shift();
        await this.commitOne(first);
        continue;
      }
      const run = this.pending.findIndex((p) => 'one' in p);
      const batch = (run === -1 ? this.pending : this.pending.slice(0, run)) as Pending[];
      this.pending = run === -1 ? [] : this.pending.slice(run);
      await this.commit(batch);
    }
    this.flushing = null;
  }

  /** A thread reply or a change, under the messages' advisory lock so its id is visible in id order. */
  private async commitOne(item: PendingOne): Promise<void> {
    const client = await this.pool.connect().catch((error: unknown) => {
      item.reject(error);
      return null;
    });
    if (!client) return;
    let broken = false;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.messages]);
      const at = new Date().toISOString();
      let result: ThreadReply | MessageChange | null | Error;
      if ('reply' in item.one) result = await this.reply(client, item.one.reply, at);
      else result = await this.change(client, item.one.change, at);
      if (result === null || result instanceof Error) await client.query('ROLLBACK');
      else {
        await client.query('SELECT pg_notify($1, $2)', [CHANNELS.messages, String(lastIdOf(result))]);
        await client.query('COMMIT');
      }
      if (result instanceof Error) item.reject(result);
      else item.resolve(result);
    } catch (error) {
      broken = true;
      await client.query('ROLLBACK').catch(() => {});
      item.reject(error);
    } finally {
      client.release(broken);
    }
  }

  /** The next id of the log: messages and changes share the messages' identity sequence. */
  private async nextLogId(client: pg.PoolClient): Promise<number> {
    const result = await client.query<{ id: number }>(
      "SELECT nextval(pg_get_serial_sequence('messages', 'id'))::bigint AS id",
    );
    return Number(result.rows[0]?.id);
  }

  private async logChange(
    client: pg.PoolClient,
    kind: MessageChange['kind'],
    messageId: number,
    by: string,
    at: string,
  ): Promise<MessageChange> {
    const id = await this.nextLogId(client);
    await client.query(
      'INSERT INTO message_changes (id, message_id, kind, actor, created_at) VALUES ($1, $2, $3, $4, $5)',
      [id, messageId, kind, by, at],
    );
    const [message] = await messagesById(client, [messageId]);
    return { id, kind, messageId, by, at, message: message as Message };
  }

  private async reply(
    client: pg.PoolClient,
    m: NewMessage & { threadRoot: number },
    at: string,
  ): Promise<ThreadReply | Error> {
    const [outcome] = await this.decide(client, [{ message: m, resolve: () => {}, reject: () => {} }]);
    if (outcome !== 'insert') return outcome instanceof Error ? outcome : new Error('duplicate in batch');
    const found = await client.query<{ root: number }>(
      'SELECT coalesce(thread_root, id) AS root FROM messages WHERE id = $1',
      [m.threadRoot],
    );
    const root = found.rows[0]?.root;
    if (root === undefined) return new MissingThreadRootError(m.threadRoot);
    const inserted = await client.query<RawRow>(
      `INSERT INTO messages (text, sender, sender_kind, mentions, is_command, command, command_args, reply_to, origin, client_id, created_at, thread_root, thread_broadcast)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13)
       RETURNING ${MESSAGE_COLUMNS}`,
      [
        m.text,
        m.sender,
        m.senderKind,
        JSON.stringify(m.mentions),
        m.isCommand,
        m.command,
        JSON.stringify(m.commandArgs),
        m.replyTo,
        m.origin,
        m.clientId ?? null,
        at,
        root,
        m.alsoInChannel === true,
      ],
    );
    await client.query(
      'UPDATE messages SET reply_count = reply_count + 1, last_reply_at = $1 WHERE id = $2',
      [at, root],
    );
    const change = await this.logChange(client, 'thread', root, m.sender, at);
    return { message: fromRaw(inserted.rows[0] as RawRow), change };
  }

  private async change(
    client: pg.PoolClient,
    op: ChangeOp,
    at: string,
  ): Promise<MessageChange | null | Error> {
    const found = await client.query<{ sender: string; text: string; deleted_at: string | null }>(
      'SELECT sender, text, deleted_at FROM messages WHERE id = $1 FOR UPDATE',
      [op.id],
    );
    const row = found.rows[0];
    if (!row) return new ChangeRefusedError('not-found', op.id);
    if (op.kind === 'edit') {
      if (row.sender !== op.by) return new ChangeRefusedError('forbidden', op.id);
      if (row.deleted_at !== null) return new ChangeRefusedError('deleted', op.id);
      if (row.text === op.text) return null;
      await client.query(
        'UPDATE messages SET text = $1, mentions = $2::jsonb, is_command = $3, command = $4, command_args = $5::jsonb, edited_at = $6 WHERE id = $7',
        [
          op.text,
          JSON.stringify(op.mentions),
          op.isCommand,
          op.command,
          JSON.stringify(op.commandArgs),
          at,
          op.id,
        ],
      );
      return this.logChange(client, 'edit', op.id, op.by, at);
    }
    if (op.kind === 'delete') {
      if (row.sender !== op.by && !op.asAdmin) return new ChangeRefusedError('forbidden', op.id);
      if (row.deleted_at !== null) return null;
      // The tombstone: the row (and its thread) stays, what was said is gone.
      await client.query(
        `UPDATE messages SET text = '', mentions = '[]'::jsonb, is_command = false, command = NULL, command_args = '[]'::jsonb, deleted_at = $1 WHERE id = $2`,
        [at, op.id],
      );
      await client.query('DELETE FROM reactions WHERE message_id = $1', [op.id]);
      return this.logChange(client, 'delete', op.id, op.by, at);
    }
    if (row.deleted_at !== null) return new ChangeRefusedError('deleted', op.id);
    const done = op.on
      ? await client.query(
          'INSERT INTO reactions (message_id, user_name, emoji, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
          [op.id, op.by, op.emoji, at],
        )
      : await client.query('DELETE FROM reactions WHERE message_id = $1 AND user_name = $2 AND emoji = $3', [
          op.id,
          op.by,
          op.emoji,
        ]);
    if (!done.rowCount) return null;
    return this.logChange(client, 'react', op.id, op.by, at);
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
      `SELECT ${READ_COLUMNS} FROM messages WHERE ${IN_MAIN_CONVERSATION} ${before === null ? '' : 'AND id < $2'}
       ORDER BY id DESC LIMIT $1`,
      before === null ? [limit] : [limit, before],
    );
    return withReactions(result.rows.reverse());
  }

  async historyAfter(after: number, limit: number): Promise<Message[]> {
    const result = await this.pool.query<RawRow>(
      `SELECT ${READ_COLUMNS} FROM messages WHERE id > $1 AND ${IN_MAIN_CONVERSATION} ORDER BY id LIMIT $2`,
      [after, limit],
    );
    return withReactions(result.rows);
  }

  async messagesAfter(after: number, limit: number): Promise<Message[]> {
    const result = await this.pool.query<RawRow>(
      `SELECT ${READ_COLUMNS} FROM messages WHERE id > $1 ORDER BY id LIMIT $2`,
      [after, limit],
    );
    return withReactions(result.rows);
  }

  async logAfter(after: number, limit: number): Promise<LogPage> {
    const [rows, changeRows] = await Promise.all([
      this.pool.query<RawRow>(`SELECT ${READ_COLUMNS} FROM messages WHERE id > $1 ORDER BY id LIMIT $2`, [
        after,
        limit,
      ]),
      this.pool.query<ChangeRow>(
        'SELECT id, message_id, kind, actor, created_at FROM message_changes WHERE id > $1 ORDER BY id LIMIT $2',
        [after, limit],
      ),
    ]);
    if (changeRows.rows.length === 0) return { messages: withReactions(rows.rows), changes: [] };
    const [pageRows, pageChanges] = cutPage(rows.rows, changeRows.rows, limit);
    const states = await messagesById(this.pool, [...new Set(pageChanges.map((c) => c.message_id))]);
    return {
      messages: withReactions(pageRows),
      changes: toChanges(pageChanges, new Map(states.map((m) => [m.id, m]))),
    };
  }

  async lastLogId(): Promise<number> {
    const result = await this.pool.query<{ id: number }>(
      'SELECT greatest(coalesce((SELECT max(id) FROM messages), 0), coalesce((SELECT max(id) FROM message_changes), 0)) AS id',
    );
    return Number(result.rows[0]?.id ?? 0);
  }

  getMessages(ids: readonly number[]): Promise<Message[]> {
    return messagesById(this.pool, [...new Set(ids)]);
  }

  async thread(root: number): Promise<Message[]> {
    const result = await this.pool.query<RawRow>(
      `SELECT ${READ_COLUMNS} FROM messages WHERE id = $1 OR thread_root = $1 ORDER BY id`,
      [root],
    );
    return withReactions(result.rows);
  }

  async threadReplies(root: number, before: number | null, limit: number): Promise<Message[]> {
    const result = await this.pool.query<RawRow>(
      `SELECT ${READ_COLUMNS} FROM messages WHERE thread_root = $1 ${before === null ? '' : 'AND id < $3'}
       ORDER BY id DESC LIMIT $2`,
      before === null ? [root, limit] : [root, limit, before],
    );
    return withReactions(result.rows.reverse());
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
