// npx tsx scripts/unread-bench.ts [-- --messages 100000 --calls 300 --url postgres://…]: what users.readState and
// users.markRead cost over a long history (SQLite file by default): a reader caught up, one 200 behind, one who never
// read (the count stops at UNREAD_COUNT_LIMIT), and markRead; then the query plan, which must walk the primary key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { PgRepository } from '../src/server/db/pg/pg-repository';
import type { Repository } from '../src/server/db/repository';
import { SqliteRepository } from '../src/server/db/sqlite-repository';
import { openStorage } from '../src/server/db/storage';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    calls: { type: 'string', default: '300' },
    url: { type: 'string' },
  },
});
const total = Number(values.messages);
const calls = Number(values.calls);
const dir = values.url ? null : mkdtempSync(join(tmpdir(), 'ocs-unread-bench-'));
const url = values.url ?? join(dir as string, 'chat.db');

const quantiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return `p50 ${q(0.5).toFixed(2)} ms  p99 ${q(0.99).toFixed(2)} ms  max ${(s.at(-1) ?? 0).toFixed(2)} ms`;
};

async function time(label: string, run: (i: number) => Promise<unknown>): Promise<void> {
  const took: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await run(i);
    took.push(performance.now() - start);
  }
  console.log(`${label.padEnd(34)} ${quantiles(took)}`);
}

/** A realistic mix: every 10th mentions someone, every 7th replies, every 13th is a thread reply (every 3rd of those also in the channel). */
function fill(repo: Repository): Promise<unknown> {
  const sqlite = `
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${total})
    INSERT INTO messages (text, sender, sender_kind, mentions, is_command, command_args, origin, created_at,
                          reply_to, thread_root, thread_broadcast)
    SELECT 'message ' || i, 'user' || (i % 20), 'user',
           CASE WHEN i % 10 = 0 THEN '["user' || ((i / 10) % 20) || '"]' ELSE '[]' END, 0, '[]', 'api',
           '2026-12-02T08:00:00.000Z', CASE WHEN i % 7 = 0 AND i > 7 THEN i - 5 END,
           CASE WHEN i % 13 = 0 AND i > 13 THEN i - 12 END, CASE WHEN i % 39 = 0 THEN 1 ELSE 0 END
    FROM n`;
  const postgres = `
    INSERT INTO messages (text, sender, sender_kind, mentions, is_command, command_args, origin, created_at,
                          reply_to, thread_root, thread_broadcast)
    SELECT 'message ' || i, 'user' || (i % 20), 'user',
           CASE WHEN i % 10 = 0 THEN jsonb_build_array('user' || ((i / 10) % 20)) ELSE '[]'::jsonb END, false,
           '[]'::jsonb, 'api', '2026-12-02T08:00:00.000Z', CASE WHEN i % 7 = 0 AND i > 7 THEN i - 5 END,
           CASE WHEN i % 13 = 0 AND i > 13 THEN i - 12 END, i % 39 = 0
    FROM generate_series(1, ${total}) AS i`;
  // ANALYZE: as autovacuum would soon after a bulk load; without statistics the planner guesses the id range is a
  // third of the table and scans it all instead of walking the primary key.
  if (repo instanceof PgRepository)
    return repo.pool.query(postgres).then(() => repo.pool.query('ANALYZE messages'));
  if (repo instanceof SqliteRepository) {
    (repo.database as unknown as { $client: { exec(sql: string): void } }).$client.exec(sqlite);
    return Promise.resolve();
  }
  throw new Error('unknown repository');
}

async function plan(repo: Repository): Promise<string> {
  const query = `SELECT m.id FROM messages m WHERE m.id > 99000 AND lower(m.sender) <> 'user3'
    AND m.deleted_at IS NULL ORDER BY m.id DESC LIMIT 1000`;
  if (repo instanceof PgRepository) {
    const result = await (repo.pool as pg.Pool).query(`EXPLAIN ${query}`);
    return result.rows.map((r: Record<string, string>) => Object.values(r)[0]).join('\n');
  }
  const db = (repo as SqliteRepository).database as unknown as {
    $client: { prepare(sql: string): { all(): { detail: string }[] } };
  };
  return db.$client
    .prepare(`EXPLAIN QUERY PLAN ${query}`)
    .all()
    .map((r) => r.detail)
    .join('\n');
}

const storage = await openStorage(url);
const repo = storage.messages;
try {
  const started = performance.now();
  await fill(repo);
  const newest = await repo.lastMessageId();
  console.log(
    `${newest} messages stored in ${((performance.now() - started) / 1000).toFixed(1)} s (${url.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'})`,
  );
  const positions = storage.readPositions;
  await positions.markRead('user1', newest - 5);
  await positions.markRead('user2', newest - 200);
  await time('readState, caught up (5 behind)', () => positions.readState('user1'));
  await time('readState, 200 behind', () => positions.readState('user2'));
  await time('readState, never read (capped)', () => positions.readState('user3'));
  await time('markRead (moving forward)', (i) => positions.markRead('user4', newest - calls + i));
  for (const user of ['user1', 'user2', 'user3'])
    console.log(`${user}: ${JSON.stringify(await positions.readState(user))}`);
  console.log(`\nplan of the unread walk:\n${await plan(repo)}`);
} finally {
  await storage.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
