// SQLite implementation of the repository, with group commit: appends queued while the previous group commits share
// a single transaction (one fsync), so synchronous=FULL durability does not cost throughput. On a database file the
// groups commit in a writer thread and WAL checkpoints run in another, so the event loop never waits for the disk.
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { and, count, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Message } from '../../shared/message';
import type { SearchPage } from '../../shared/search';
import { type Db, openSqlite, sqlitePath } from './client';
import {
  assembleStats,
  type MessageStats,
  type NewMessage,
  type Repository,
  statsWindowStart,
} from './repository';
import { messages, settings } from './schema';
import type { SearchRequest } from './search';
import { fromRaw, MESSAGE_COLUMNS, type RawRow } from './sqlite-message-writer.mjs';
import { SqliteSearch } from './sqlite-search';
import { InlineCommitter, type MessageCommitter, refusal, ThreadCommitter } from './sqlite-writer';
import { WalCheckpointer } from './wal-checkpointer';
import { DEFAULT_WAL_OPTIONS, WAL_CONTROL_BYTES, type WalOptions } from './wal-control.mjs';

type Row = typeof messages.$inferSelect;

interface Pending {
  message: NewMessage;
  resolve: (message: Message) => void;
  reject: (error: unknown) => void;
}

/** A drizzle row as a Message: the richer chat's fields only when they say something (see Message). */
function toMessage(row: Row): Message {
  const { editedAt, deletedAt, threadRoot, threadBroadcast, replyCount, lastReplyAt, ...base } = row;
  const message: Message = base;
  if (editedAt) message.editedAt = editedAt;
  if (deletedAt) message.deletedAt = deletedAt;
  if (threadRoot !== null) message.threadRoot = threadRoot;
  if (threadBroadcast) message.alsoInChannel = true;
  if (replyCount > 0) message.replyCount = replyCount;
  if (lastReplyAt) message.lastReplyAt = lastReplyAt;
  return message;
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
    this.searcher = new SqliteSearch(sqlite, (ids) =>
      this.db.select().from(messages).where(inArray(messages.id, ids)).all().map(toMessage),
    );
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
    return new Promise((resolve, reject) => {
      this.pending.push({ message, resolve, reject });
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
      const { createdAt, outcomes } = await this.committer.commit(batch.map((item) => item.message));
      batch.forEach(({ message: m, resolve, reject }, i) => {
        const outcome = outcomes[i];
        if (typeof outcome === 'number')
          resolve({ id: outcome, ...m, createdAt, clientId: m.clientId ?? null });
        else if (outcome) reject(refusal(outcome));
        else reject(new Error('the database writer answered fewer outcomes than messages'));
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
    const rows = this.db
      .select()
      .from(messages)
      .where(before === null ? undefined : lt(messages.id, before))
      .orderBy(desc(messages.id))
      .limit(limit)
      .all();
    return rows.reverse().map(toMessage);
  }

  async messagesAfter(after: number, limit: number): Promise<Message[]> {
    return (this.afterStatement.all(after, limit) as RawRow[]).map(fromRaw);
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
