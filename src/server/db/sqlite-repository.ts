// SQLite implementation of the repository, with group commit: appends queued while the previous group commits share
// a single transaction (one fsync), so synchronous=FULL durability does not cost throughput. On a database file the
// groups commit in a writer thread and WAL checkpoints run in another, so the event loop never waits for the disk.
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { and, count, eq, gte, sql } from 'drizzle-orm';
import type { Message, MessageChange } from '../../shared/message';
import type { SearchPage } from '../../shared/search';
import { type Db, openSqlite, sqlitePath } from './client';
import { cutPage, toChanges } from './log-page';
import {
  assembleStats,
  type ChangeOp,
  IN_MAIN_CONVERSATION,
  type LogPage,
  type MessageStats,
  type NewMessage,
  type Repository,
  statsWindowStart,
  type ThreadReply,
} from './repository';
import { messages, settings } from './schema';
import type { SearchRequest } from './search';
import {
  MESSAGE_COLUMNS,
  type MessageReader,
  messageReader,
  type RawRow,
  type WriteItem,
} from './sqlite-message-writer.mjs';
import { SqliteSearch } from './sqlite-search';
import { InlineCommitter, isRefusal, type MessageCommitter, refusal, ThreadCommitter } from './sqlite-writer';
import { WalCheckpointer } from './wal-checkpointer';
import { DEFAULT_WAL_OPTIONS, WAL_CONTROL_BYTES, type WalOptions } from './wal-control.mjs';

interface Pending {
  item: WriteItem;
  // biome-ignore lint/suspicious/noExplicitAny: one queue settles three kinds of entries (see flush)
  resolve: (value: any) => void;
  reject: (error: unknown) => void;
}

interface ChangeRow {
  id: number;
  message_id: number;
  kind: MessageChange['kind'];
  actor: string;
  created_at: string;
}

export interface SqliteOptions {
  /** Commit in the calling thread even for a database file (as `:memory:` always does). */
  inlineWriter?: boolean;
  wal?: Partial<WalOptions>;
}

export class SqliteRepository implements Repository {
  private pending: Pending[] = [];
  private flushScheduled = false;
  /** Groups handed to the committer and not answered yet. */
  private inFlight = 0;
  private idle: Promise<void> = Promise.resolve();
  private releaseIdle: (() => void) | null = null;
  private readonly afterStatement: Database.Statement;
  private readonly beforeStatement: Database.Statement;
  private readonly newestStatement: Database.Statement;
  private readonly changesAfterStatement: Database.Statement;
  private readonly threadStatement: Database.Statement;
  private readonly mainAfterStatement: Database.Statement;
  private readonly repliesStatement: Database.Statement;
  private readonly reader: MessageReader;
  private readonly searcher: SqliteSearch;

  constructor(
    private readonly db: Db,
    private readonly sqlite: Database.Database,
    /** Commits the message groups: here, or in the writer thread of a database file. */
    readonly committer: MessageCommitter = new InlineCommitter(sqlite),
    /** Copies the WAL back into the database file off every thread that commits (database files only). */
    readonly checkpointer: WalCheckpointer | null = null,
  ) {
    this.afterStatement = sqlite.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id > ? ORDER BY id LIMIT ?`,
    );
    this.beforeStatement = sqlite.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id < ? AND ${IN_MAIN_CONVERSATION} ORDER BY id DESC LIMIT ?`,
    );
    this.newestStatement = sqlite.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE ${IN_MAIN_CONVERSATION} ORDER BY id DESC LIMIT ?`,
    );
    this.changesAfterStatement = sqlite.prepare(
      'SELECT id, message_id, kind, actor, created_at FROM message_changes WHERE id > ? ORDER BY id LIMIT ?',
    );
    this.threadStatement = sqlite
      .prepare('SELECT id FROM messages WHERE id = ? OR thread_root = ? ORDER BY id')
      .pluck();
    this.mainAfterStatement = sqlite.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id > ? AND ${IN_MAIN_CONVERSATION} ORDER BY id LIMIT ?`,
    );
    this.repliesStatement = sqlite
      .prepare('SELECT id FROM messages WHERE thread_root = ? AND id < ? ORDER BY id DESC LIMIT ?')
      .pluck();
    this.reader = messageReader(sqlite);
    this.searcher = new SqliteSearch(sqlite, (ids) => this.reader.many(ids));
  }

  /** The drizzle handle, for sibling repositories in src/server/db that share this connection. */
  get database(): Db {
    return this.db;
  }

  /**
   * Opens the database. A file gets a writer thread (commits) and a checkpointer thread (WAL copied back), both on
   * their own connections; `ready` resolves once the writer can take commits.
   */
  static open(url: string, options: SqliteOptions = {}): SqliteRepository {
    const { db, sqlite } = openSqlite(url);
    const path = sqlitePath(url);
    if (path === ':memory:' || options.inlineWriter) return new SqliteRepository(db, sqlite);
    const wal = { ...DEFAULT_WAL_OPTIONS, ...options.wal };
    // This connection still writes other tables: its commits must not checkpoint either.
    sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.pragma(`journal_size_limit = ${wal.walLimitBytes}`);
    const control = new SharedArrayBuffer(WAL_CONTROL_BYTES);
    const file = resolve(sqlite.name);
    return new SqliteRepository(
      db,
      sqlite,
      new ThreadCommitter(file, control, wal),
      new WalCheckpointer(file, control, wal),
    );
  }

  /** Resolves when appends can be committed; rejects if the writer thread could not open the database. */
  async ready(): Promise<void> {
    if (this.committer instanceof ThreadCommitter) await this.committer.ready;
  }

  /** Why messages can no longer be saved (the writer or checkpointer thread died), or null. */
  get failure(): Error | null {
    return this.committer.failure ?? this.checkpointer?.failure ?? null;
  }

  onFailure(listener: (error: Error) => void): void {
    this.committer.onFailure(listener);
    this.checkpointer?.onFailure(listener);
  }

  appendMessage(message: NewMessage): Promise<Message> {
    return this.enqueue(message);
  }

  appendThreadReply(message: NewMessage & { threadRoot: number }): Promise<ThreadReply> {
    return this.enqueue(message);
  }

  /** Same queue, same group commit as messages: a change's id is published in commit order with theirs. */
  applyChange(op: ChangeOp): Promise<MessageChange | null> {
    return this.enqueue({ change: op });
  }

  private enqueue<T>(item: WriteItem): Promise<T> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length === 1 && this.inFlight < this.committer.maxInFlight) this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    if (this.releaseIdle === null) {
      this.idle = new Promise((release) => {
        this.releaseIdle = release;
      });
    }
    // Everything queued in this turn of the event loop shares the group.
    setImmediate(() => void this.flush());
  }

  /**
   * Groups go to the committer one (in-thread) or two (writer thread) at a time: appends arriving meanwhile wait and
   * form the next group, so a slow fsync makes groups larger instead of queueing transactions.
   */
  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    this.inFlight++;
    try {
      const { createdAt, outcomes } = await this.committer.commit(batch.map((p) => p.item));
      // Settled in commit order: each caller publishes right after its await, so ids reach the bus in order.
      batch.forEach(({ item, resolve, reject }, i) => {
        const outcome = outcomes[i];
        if (typeof outcome === 'number') {
          const m = item as NewMessage;
          resolve({ id: outcome, ...m, createdAt, clientId: m.clientId ?? null });
        } else if (outcome === undefined)
          reject(new Error('the database writer answered fewer outcomes than entries'));
        else if (isRefusal(outcome)) reject(refusal(outcome));
        else if ('reply' in outcome) {
          const m = item as NewMessage;
          const message = {
            id: outcome.reply,
            ...m,
            threadRoot: outcome.root,
            createdAt,
            clientId: m.clientId ?? null,
          };
          resolve({ message, change: outcome.change } satisfies ThreadReply);
        } else if ('change' in outcome) resolve(outcome.change);
        else resolve(null);
      });
    } catch (error) {
      // The whole transaction rolled back: nothing of this batch was written.
      for (const item of batch) item.reject(error);
    } finally {
      this.inFlight--;
    }
    if (this.pending.length > 0) this.scheduleFlush();
    else if (this.inFlight === 0) {
      this.releaseIdle?.();
      this.releaseIdle = null;
    }
  }

  async history(before: number | null, limit: number): Promise<Message[]> {
    const rows = (
      before === null ? this.newestStatement.all(limit) : this.beforeStatement.all(before, limit)
    ) as RawRow[];
    return this.reader.page(rows.reverse());
  }

  async historyAfter(after: number, limit: number): Promise<Message[]> {
    return this.reader.page(this.mainAfterStatement.all(after, limit) as RawRow[]);
  }

  async messagesAfter(after: number, limit: number): Promise<Message[]> {
    return this.reader.page(this.afterStatement.all(after, limit) as RawRow[]);
  }

  async logAfter(after: number, limit: number): Promise<LogPage> {
    const rows = this.afterStatement.all(after, limit) as RawRow[];
    const changeRows = this.changesAfterStatement.all(after, limit) as ChangeRow[];
    if (changeRows.length === 0) return { messages: this.reader.page(rows), changes: [] };
    const [pageRows, pageChanges] = cutPage(rows, changeRows, limit);
    const states = new Map(
      this.reader.many([...new Set(pageChanges.map((c) => c.message_id))]).map((m) => [m.id, m]),
    );
    return { messages: this.reader.page(pageRows), changes: toChanges(pageChanges, states) };
  }

  async lastLogId(): Promise<number> {
    const row = this.sqlite
      .prepare(
        'SELECT max(coalesce((SELECT max(id) FROM messages), 0), coalesce((SELECT max(id) FROM message_changes), 0)) AS id',
      )
      .get() as { id: number };
    return row.id;
  }

  async getMessages(ids: readonly number[]): Promise<Message[]> {
    return this.reader.many([...new Set(ids)]);
  }

  async thread(root: number): Promise<Message[]> {
    return this.reader.many(this.threadStatement.all(root, root) as number[]);
  }

  async threadReplies(root: number, before: number | null, limit: number): Promise<Message[]> {
    const ids = this.repliesStatement.all(root, before ?? Number.MAX_SAFE_INTEGER, limit) as number[];
    return this.reader.many(ids.reverse());
  }

  async lastMessageId(): Promise<number> {
    const row = this.db
      .select({ id: sql<number>`coalesce(max(${messages.id}), 0)` })
      .from(messages)
      .get();
    return row?.id ?? 0;
  }

  async hasPersonNamed(name: string): Promise<boolean> {
    const row = this.db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.senderKind, 'user'), sql`lower(${messages.sender}) = ${name.toLowerCase()}`))
      .limit(1)
      .get();
    return row !== undefined;
  }

  async messageStats(now = new Date()): Promise<MessageStats> {
    const byOriginRows = this.db
      .select({ origin: messages.origin, count: count() })
      .from(messages)
      .groupBy(messages.origin)
      .all();
    const since = statsWindowStart(now);
    const hour = sql<string>`substr(${messages.createdAt}, 1, 13)`;
    const hourRows = this.db
      .select({ hour, count: count() })
      .from(messages)
      .where(and(gte(messages.createdAt, since.toISOString())))
      .groupBy(hour)
      .all();
    return assembleStats(byOriginRows, hourRows, since);
  }

  search(request: SearchRequest): Promise<SearchPage> {
    return this.searcher.search(request);
  }

  async getSetting(key: string): Promise<string | null> {
    return this.db.select().from(settings).where(eq(settings.key, key)).get()?.value ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    const updatedAt = new Date().toISOString();
    this.db
      .insert(settings)
      .values({ key, value, updatedAt })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt } })
      .run();
  }

  /** Drains the appends already made (every one is committed or refused), then stops the threads and closes. */
  async close(): Promise<void> {
    await this.idle;
    await this.checkpointer?.close();
    await this.committer.close();
    // The last connection to close copies the WAL back and removes it.
    if (this.sqlite.open) this.sqlite.close();
  }
}
