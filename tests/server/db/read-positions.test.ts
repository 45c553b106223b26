// Read positions on both dialects: thread replies count only when also sent to the channel (and are for me under
// my root), deleted messages never count, two devices marking at once keep the larger position, and counting
// stops at UNREAD_COUNT_LIMIT however long the history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgRepository } from '../../../src/server/db/pg/pg-repository';
import type { NewMessage, Repository } from '../../../src/server/db/repository';
import { SqliteRepository } from '../../../src/server/db/sqlite-repository';
import { UNREAD_COUNT_LIMIT } from '../../../src/shared/unread';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import { tempDir } from '../../helpers/server';
import { openRepository, readPositionsFor } from '../../helpers/storage';

let postgres: TestPostgres;
const repos: Repository[] = [];
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const repo of repos) await repo.close().catch(() => {});
  await postgres?.stop();
});

const dialects: [string, () => Promise<string>][] = [
  ['SQLite', async () => `${tempDir()}/chat.db`],
  ['PostgreSQL', () => postgres.createDatabase()],
];

const open = async (url: string) => {
  const repo = await openRepository(url);
  repos.push(repo);
  return repo;
};

// Thread and delete columns are set directly (the way those paths leave the row): the counts read the columns,
// whichever code wrote them.
const message = (sender: string, text: string, more: Partial<NewMessage> = {}): NewMessage => ({
  text,
  sender,
  senderKind: 'user',
  mentions: [],
  isCommand: false,
  command: null,
  commandArgs: [],
  replyTo: null,
  origin: 'websocket',
  ...more,
});

describe.each(dialects)('read positions on %s', (_name, databaseUrl) => {
  it('counts thread replies only when also sent to the channel, and those under my root are for me', async () => {
    const repo = await open(await databaseUrl());
    const root = await repo.appendMessage(message('alice', 'a thread starts here'));
    const quiet = await repo.appendMessage(message('bob', 'in the thread only'));
    const loud = await repo.appendMessage(message('bob', 'in the thread and the channel'));
    const elsewhere = await repo.appendMessage(message('carol', 'a thread of carol'));
    const other = await repo.appendMessage(message('bob', 'under carol, also in channel'));
    await exec(repo, `UPDATE messages SET thread_root = ${root.id} WHERE id IN (${quiet.id}, ${loud.id})`);
    await exec(repo, `UPDATE messages SET thread_root = ${elsewhere.id} WHERE id = ${other.id}`);
    await exec(repo, `UPDATE messages SET thread_broadcast = true WHERE id IN (${loud.id}, ${other.id})`);

    const state = await readPositionsFor(repo).readState('alice');

    // Unread: loud, carol's root, other. For alice: loud (a reply under her root).
    expect(state).toEqual({ upTo: 0, unread: 3, mentions: 1, through: other.id });
  });

  it('never counts a deleted message', async () => {
    const repo = await open(await databaseUrl());
    await repo.appendMessage(message('bob', 'kept'));
    const gone = await repo.appendMessage(message('bob', '@alice oops', { mentions: ['alice'] }));
    await exec(
      repo,
      `UPDATE messages SET deleted_at = '2026-12-02T08:00:00.000Z', text = '' WHERE id = ${gone.id}`,
    );
    expect(await readPositionsFor(repo).readState('alice')).toMatchObject({ unread: 1, mentions: 0 });
  });

  it('keeps the larger position when two devices mark at once', async () => {
    const repo = await open(await databaseUrl());
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) ids.push((await repo.appendMessage(message('bob', `m${i}`))).id);
    const positions = readPositionsFor(repo);

    await Promise.all(ids.map((id, i) => positions.markRead(i % 2 ? 'alice' : 'Alice', id)));

    expect(await positions.readState('alice')).toMatchObject({ upTo: ids[ids.length - 1], unread: 0 });
    expect(await positions.markRead('alice', ids[3] as number)).toMatchObject({ upTo: ids[ids.length - 1] });
  });

  it(`stops counting at ${UNREAD_COUNT_LIMIT}, mentions among the newest`, async () => {
    const repo = await open(await databaseUrl());
    await exec(repo, fillerSql(UNREAD_COUNT_LIMIT + 50, 'bob'));
    await repo.appendMessage(message('bob', 'hey @alice', { mentions: ['alice'] }));

    expect(await readPositionsFor(repo).readState('alice')).toMatchObject({
      upTo: 0,
      unread: UNREAD_COUNT_LIMIT,
      mentions: 1,
    });
  }, 60_000);
});

describe('read positions on SQLite', () => {
  it('mark without an fsync but leave the connection at synchronous=FULL for every other write', async () => {
    const repo = await open(`${tempDir()}/chat.db`);
    const sqlite = (
      (repo as SqliteRepository).database as unknown as { $client: { pragma(p: string, o: object): unknown } }
    ).$client;
    const hi = await repo.appendMessage(message('bob', 'hi'));
    expect(await readPositionsFor(repo).markRead('alice', hi.id)).toMatchObject({ upTo: hi.id });
    // 2 = FULL: settings, audit and the bridge's tables share this connection and must stay durable.
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2);
  });
});

async function exec(repo: Repository, statement: string): Promise<void> {
  if (repo instanceof PgRepository) await repo.pool.query(statement);
  else if (repo instanceof SqliteRepository)
    // SQLite spells booleans as 0/1 and has generate_series only as an extension: a recursive CTE instead.
    (repo.database as unknown as { $client: { exec(sql: string): void } }).$client.exec(
      statement
        .replace(/= true/g, '= 1')
        .replace(/false, '\[\]'/, "0, '[]'")
        .replace(
          /FROM generate_series\(1, (\d+)\)/,
          'FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) SELECT i FROM n)',
        ),
    );
  else throw new Error('unknown repository');
}

/** One statement inserting `count` plain messages from `sender` (a long history, quickly). */
function fillerSql(count: number, sender: string): string {
  return `INSERT INTO messages (text, sender, sender_kind, mentions, is_command, command_args, origin, created_at)
    SELECT 'filler', '${sender}', 'user', '[]', false, '[]', 'api', '2026-12-02T08:00:00.000Z'
    FROM generate_series(1, ${count})`;
}
