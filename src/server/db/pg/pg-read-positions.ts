// PostgreSQL read positions, on the chat pool: the twin of ../read-positions-sqlite.ts (same rules, same bounds).
import type pg from 'pg';
import { type ReadState, UNREAD_COUNT_LIMIT } from '../../../shared/unread';
import { type ReadPositionsRepository, readerKeys } from '../read-positions';

// See COUNT_SQL in ../read-positions-sqlite.ts: the newest UNREAD_COUNT_LIMIT unread messages, walked down the
// primary key, and only those looked at for me (a join over messages would let the planner hash the whole table).
// `mentions ? name` is jsonb's exact element test.
const COUNT_SQL = `
  SELECT count(*)::int AS unread,
         coalesce(sum((u.mentions ? $3 OR EXISTS (
           SELECT 1 FROM messages r WHERE r.id IN (u.reply_to, u.thread_root) AND lower(r.sender) = $1
         ))::int), 0)::int AS mentions,
         (SELECT coalesce(max(id), 0) FROM messages) AS through
  FROM (
    SELECT m.mentions, m.reply_to, m.thread_root
    FROM messages m
    WHERE m.id > $2 AND lower(m.sender) <> $1 AND m.deleted_at IS NULL
      AND (m.thread_root IS NULL OR m.thread_broadcast)
    ORDER BY m.id DESC
    LIMIT ${UNREAD_COUNT_LIMIT}
  ) u`;

// One statement: concurrent marks from two devices keep the larger position (the row lock orders them).
const UPSERT_SQL = `
  INSERT INTO read_positions (user_name, up_to, updated_at)
  VALUES ($1, LEAST($2::bigint, (SELECT coalesce(max(id), 0) FROM messages)), $3)
  ON CONFLICT (user_name) DO UPDATE SET up_to = excluded.up_to, updated_at = excluded.updated_at
  WHERE excluded.up_to > read_positions.up_to`;

export class PgReadPositions implements ReadPositionsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async markRead(user: string, upTo: number): Promise<ReadState> {
    await this.pool.query(UPSERT_SQL, [readerKeys(user).me, upTo, new Date().toISOString()]);
    return this.readState(user);
  }

  async readState(user: string): Promise<ReadState> {
    const { me, mention } = readerKeys(user);
    const position = await this.pool.query<{ up_to: number }>(
      'SELECT up_to FROM read_positions WHERE user_name = $1',
      [me],
    );
    const upTo = position.rows[0]?.up_to ?? 0;
    const counts = await this.pool.query<Omit<ReadState, 'upTo'>>(COUNT_SQL, [me, upTo, mention]);
    const row = counts.rows[0] as Omit<ReadState, 'upTo'>;
    return { upTo, unread: row.unread, mentions: row.mentions, through: row.through };
  }
}
