// SQLite read positions, on the main connection: these writes take no id from the message log, so they need not
// go through the message writer; BEGIN IMMEDIATE makes the upsert wait for the writer thread instead of failing.
import type Database from 'better-sqlite3';
import { type ReadState, UNREAD_COUNT_LIMIT } from '../../shared/unread';
import type { Db } from './client';
import { type ReadPositionsRepository, readerKeys } from './read-positions';

// Unread = after the position, not mine, not deleted, in the main conversation (or a thread reply also sent
// there). The newest UNREAD_COUNT_LIMIT of them are counted walking the primary key down from the newest id, so the
// work is bounded by the limit, not by the history; only those are looked at for me: my name among the
// (normalized) mentions — names hold no quote, so instr on `"name"` is an exact element match — or a reply to a
// message of mine, or a thread reply under my root (a primary-key lookup each).
const COUNT_SQL = `
  SELECT count(*) AS unread,
         coalesce(sum(instr(u.mentions, @quoted) > 0 OR EXISTS (
           SELECT 1 FROM messages r WHERE r.id IN (u.reply_to, u.thread_root) AND lower(r.sender) = @me
         )), 0) AS mentions,
         (SELECT coalesce(max(id), 0) FROM messages) AS through
  FROM (
    SELECT m.mentions, m.reply_to, m.thread_root
    FROM messages m
    WHERE m.id > @upTo AND lower(m.sender) <> @me AND m.deleted_at IS NULL
      AND (m.thread_root IS NULL OR m.thread_broadcast = 1)
    ORDER BY m.id DESC
    LIMIT ${UNREAD_COUNT_LIMIT}
  ) u`;

const UPSERT_SQL = `
  INSERT INTO read_positions (user_name, up_to, updated_at)
  VALUES (@me, min(@upTo, (SELECT coalesce(max(id), 0) FROM messages)), @now)
  ON CONFLICT (user_name) DO UPDATE SET up_to = excluded.up_to, updated_at = excluded.updated_at
  WHERE excluded.up_to > read_positions.up_to`;

export class SqliteReadPositions implements ReadPositionsRepository {
  private readonly position: Database.Statement;
  private readonly count: Database.Statement;
  private readonly upsert: Database.Statement;
  private readonly mark: Database.Transaction<(user: string, upTo: number) => ReadState>;

  constructor(private readonly sqlite: Database.Database) {
    this.position = sqlite.prepare('SELECT up_to FROM read_positions WHERE user_name = ?').pluck();
    this.count = sqlite.prepare(COUNT_SQL);
    this.upsert = sqlite.prepare(UPSERT_SQL);
    this.mark = sqlite.transaction((user: string, upTo: number) => {
      this.upsert.run({ me: readerKeys(user).me, upTo, now: new Date().toISOString() });
      return this.stateNow(user);
    });
  }

  async markRead(user: string, upTo: number): Promise<ReadState> {
    // Without the fsync of synchronous=FULL: every reader at the bottom marks read after each message, and on this
    // connection the fsync would hold the event loop each time. WAL keeps the commit atomic; a power cut can lose
    // only marks made since the writer thread's last commit (which syncs the WAL), i.e. a few messages show unread.
    const synchronous = this.sqlite.pragma('synchronous', { simple: true }) as number;
    this.sqlite.pragma('synchronous = NORMAL');
    try {
      return this.mark.immediate(user, upTo);
    } finally {
      this.sqlite.pragma(`synchronous = ${synchronous}`);
    }
  }

  async readState(user: string): Promise<ReadState> {
    return this.stateNow(user);
  }

  private stateNow(user: string): ReadState {
    const { me, mention } = readerKeys(user);
    const upTo = (this.position.get(me) as number | undefined) ?? 0;
    const row = this.count.get({ me, quoted: `"${mention}"`, upTo }) as Omit<ReadState, 'upTo'>;
    return { upTo, unread: row.unread, mentions: row.mentions, through: row.through };
  }
}

/** On the main repository's connection (drizzle hands back the better-sqlite3 handle it wraps as $client). */
export function createReadPositions(db: Db): ReadPositionsRepository {
  return new SqliteReadPositions((db as Db & { $client: Database.Database }).$client);
}
