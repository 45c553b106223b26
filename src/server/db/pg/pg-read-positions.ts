// PostgreSQL read positions, on the chat pool: the twin of ../read-positions-sqlite.ts (same rules, same bounds).
import type pg from 'pg';
import { type ReadState, UNREAD_COUNT_LIMIT } from '../../../shared/unread';
import { type ReadPositionsRepository, readerKeys } from '../read-positions';

// See COUNT_SQL in ../read-positions-sqlite.ts: the newest UNREAD_COUNT_LIMIT unread messages, walked down the
// primary key. `mentions ? name` is jsonb's exact element test.
const COUNT_SQL = `
  SELECT count(*)::int AS unread, coalesce(sum(u.for_me), 0)::int AS mentions,
         (SELECT coalesce(max(id), 0) FROM messages) AS through
  FROM (
    SELECT (m.mentions ? $3 OR lower(r.sender) = $1 OR lower(t.sender) = $1)::int AS for_me
    FROM messages m
    LEFT JOIN messages r ON r.id = m.reply_to
    LEFT JOIN messages t ON t.id = m.thread_root
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
