// SQLite implementation of the repository, with group commit: appends queued in one event-loop turn share a
// single transaction (one fsync), so synchronous=FULL durability does not cost throughput.
import type Database from 'better-sqlite3';
import { and, asc, count, desc, eq, gt, gte, lt, sql } from 'drizzle-orm';
import type { Message } from '../../shared/message';
import { type Db, openSqlite } from './client';
import { type MessageStats, MissingReplyError, type NewMessage, type Repository } from './repository';
import { messages, settings } from './schema';

type Row = typeof messages.$inferSelect;

interface Pending {
  message: NewMessage;
  resolve: (message: Message) => void;
  reject: (error: unknown) => void;
}

const toMessage = (row: Row): Message => ({ ...row });

export class SqliteRepository implements Repository {
  private pending: Pending[] = [];
  private flushScheduled = false;
  private idle: Promise<void> = Promise.resolve();
  private releaseIdle: (() => void) | null = null;

  constructor(
    private readonly db: Db,
    private readonly sqlite: Database.Database,
  ) {}

  /** The drizzle handle, for sibling repositories in src/server/db that share this connection. */
  get database(): Db {
    return this.db;
  }

  static open(url: string): SqliteRepository {
    const { db, sqlite } = openSqlite(url);
    return new SqliteRepository(db, sqlite);
  }

  appendMessage(message: NewMessage): Promise<Message> {
    return new Promise((resolve, reject) => {
      this.pending.push({ message, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        this.idle = new Promise((release) => {
          this.releaseIdle = release;
        });
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.flushScheduled = false;
    const outcomes: ({ ok: true; message: Message } | { ok: false; error: unknown })[] = [];
    try {
      this.db.transaction((tx) => {
        const createdAt = new Date().toISOString();
        for (const { message } of batch) {
          if (message.replyTo !== null) {
            const target = tx
              .select({ id: messages.id })
              .from(messages)
              .where(eq(messages.id, message.replyTo))
              .get();
            if (!target) {
              outcomes.push({ ok: false, error: new MissingReplyError(message.replyTo) });
              continue;
            }
          }
          const row = tx
            .insert(messages)
            .values({ ...message, createdAt })
            .returning()
            .get();
          outcomes.push({ ok: true, message: toMessage(row) });
        }
      });
    } catch (error) {
      // The whole transaction rolled back: nothing of this batch was written.
      for (const item of batch) item.reject(error);
      this.releaseIdle?.();
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) item.resolve(outcome.message);
      else item.reject(outcome?.error);
    });
    this.releaseIdle?.();
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
    return this.db
      .select()
      .from(messages)
      .where(gt(messages.id, after))
      .orderBy(asc(messages.id))
      .limit(limit)
      .all();
  }

  async lastMessageId(): Promise<number> {
    const row = this.db
      .select({ id: sql<number>`coalesce(max(${messages.id}), 0)` })
      .from(messages)
      .get();
    return row?.id ?? 0;
  }

  async messageStats(now = new Date()): Promise<MessageStats> {
    const byOriginRows = this.db
      .select({ origin: messages.origin, count: count() })
      .from(messages)
      .groupBy(messages.origin)
      .all();
    const since = new Date(now.getTime() - 23 * 3600_000);
    since.setUTCMinutes(0, 0, 0);
    const hour = sql<string>`substr(${messages.createdAt}, 1, 13)`;
    const hourRows = this.db
      .select({ hour, count: count() })
      .from(messages)
      .where(and(gte(messages.createdAt, since.toISOString())))
      .groupBy(hour)
      .all();
    const counts = new Map(hourRows.map((r) => [r.hour, r.count]));
    const perHour = Array.from({ length: 24 }, (_, i) => {
      const h = new Date(since.getTime() + i * 3600_000).toISOString();
      return { hour: `${h.slice(0, 13)}:00:00.000Z`, count: counts.get(h.slice(0, 13)) ?? 0 };
    });
    const byOrigin = Object.fromEntries(byOriginRows.map((r) => [r.origin, r.count]));
    return { total: byOriginRows.reduce((sum, r) => sum + r.count, 0), byOrigin, perHour };
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

  async close(): Promise<void> {
    await this.idle;
    if (this.sqlite.open) this.sqlite.close();
  }
}
