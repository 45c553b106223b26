// SQLite implementation of the repository, with group commit: appends queued in one event-loop turn share a
// single transaction (one fsync), so synchronous=FULL durability does not cost throughput.
import type Database from 'better-sqlite3';
import { and, count, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Message } from '../../shared/message';
import { type Db, openSqlite } from './client';
import {
  assembleStats,
  DuplicateClientIdError,
  type MessageStats,
  MissingReplyError,
  type NewMessage,
  type Repository,
  statsWindowStart,
} from './repository';
import { messages, settings } from './schema';

type Row = typeof messages.$inferSelect;

interface Pending {
  message: NewMessage;
  resolve: (message: Message) => void;
  reject: (error: unknown) => void;
}

const toMessage = (row: Row): Message => ({ ...row });

const MESSAGE_COLUMNS =
  'id, text, sender, sender_kind, mentions, is_command, command, command_args, reply_to, origin, created_at, client_id';

interface RawRow {
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

const fromRaw = (r: RawRow): Message => ({
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

type Outcome = { ok: true; message: Message } | { ok: false; error: unknown };

export class SqliteRepository implements Repository {
  private pending: Pending[] = [];
  private flushScheduled = false;
  private idle: Promise<void> = Promise.resolve();
  private releaseIdle: (() => void) | null = null;
  // The hot path uses statements prepared once: building a query per insert cost more than the insert itself.
  private readonly insertStatement: Database.Statement;
  private readonly existsStatement: Database.Statement;
  private readonly byClientIdStatement: Database.Statement;
  private readonly afterStatement: Database.Statement;
  private readonly commitBatch: (batch: Pending[]) => Outcome[];

  constructor(
    private readonly db: Db,
    private readonly sqlite: Database.Database,
  ) {
    this.insertStatement = sqlite.prepare(
      `INSERT INTO messages (text, sender, sender_kind, mentions, is_command, command, command_args, reply_to, origin, created_at, client_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.existsStatement = sqlite.prepare('SELECT 1 FROM messages WHERE id = ?').pluck();
    this.byClientIdStatement = sqlite.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender = ? AND client_id = ?`,
    );
    this.afterStatement = sqlite.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id > ? ORDER BY id LIMIT ?`,
    );
    this.commitBatch = sqlite.transaction((batch: Pending[]) => {
      const createdAt = new Date().toISOString();
      return batch.map(({ message: m }): Outcome => {
        const clientId = m.clientId ?? null;
        if (clientId !== null) {
          // Checked inside the transaction, so a retry in the same batch sees the first copy too.
          const existing = this.byClientIdStatement.get(m.sender, clientId) as RawRow | undefined;
          if (existing) return { ok: false, error: new DuplicateClientIdError(fromRaw(existing)) };
        }
        if (m.replyTo !== null && this.existsStatement.get(m.replyTo) === undefined) {
          return { ok: false, error: new MissingReplyError(m.replyTo) };
        }
        const { lastInsertRowid } = this.insertStatement.run(
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
    let outcomes: Outcome[];
    try {
      outcomes = this.commitBatch(batch);
    } catch (error) {
      // The whole transaction rolled back: nothing of this batch was written.
      for (const item of batch) item.reject(error);
      this.releaseIdle?.();
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i] as Outcome;
      if (outcome.ok) item.resolve(outcome.message);
      else item.reject(outcome.error);
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
