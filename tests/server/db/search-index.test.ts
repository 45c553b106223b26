// The full-text index on both dialects: migration 0010 indexes the messages already stored (SQLite), and chat.search
// ranks, marks, filters, pages and forgets deleted text on PostgreSQL the same way it does on SQLite (issue 19).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openSqlite } from '../../../src/server/db/client';
import { SqliteImportRepository } from '../../../src/server/db/sqlite-import-repository';
import type { Services } from '../../../src/server/services';
import { newMessage } from '../../helpers/messages';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import { callerFor, createTestServices } from '../../helpers/services';
import { openRepository } from '../../helpers/storage';

const dir = mkdtempSync(join(tmpdir(), 'ocs-search-'));
/** A search as chat.search hands it to a repository: these words, bob looking, no filters. */
const search = (words: string[]) => ({
  words,
  from: null,
  before: null,
  after: null,
  inThread: false,
  limit: 5,
  cursor: null,
  viewer: 'bob',
});
let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The migrations as they were before the search index (0000-0009). */
function migrationsBeforeSearch(): string {
  const folder = join(dir, 'drizzle-before');
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === '0010_search');
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalPath, JSON.stringify(journal));
  return folder;
}

describe('the SQLite search migration', () => {
  it('indexes the messages stored before it, so an upgraded database finds its old messages', async () => {
    const file = join(dir, 'upgraded.db');
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: migrationsBeforeSearch() });
    old
      .prepare(
        `INSERT INTO messages (text, sender, sender_kind, mentions, is_command, command_args, origin, created_at)
         VALUES ('the old roadmap', 'ana', 'user', '[]', 0, '[]', 'api', '2025-01-01T00:00:00.000Z')`,
      )
      .run();
    old.close();

    const repo = await openRepository(file);
    try {
      const page = await repo.search(search(['roadmap']));
      expect(page.hits.map((h) => [h.message.text, h.snippet])).toEqual([
        ['the old roadmap', 'the old \u0002roadmap\u0003'],
      ]);
    } finally {
      await repo.close();
    }
  });
});

describe('the SQLite index of new messages', () => {
  it('holds what the writer thread commits and imports, and follows edits (migration 0012: no insert trigger)', async () => {
    const file = join(dir, 'writer.db');
    const repo = await openRepository(file);
    try {
      const base = { ...newMessage(''), origin: 'websocket' as const };
      const plain = await repo.appendMessage({
        ...base,
        text: 'quarterly roadmap',
        sender: 'ana',
        senderKind: 'user',
        mentions: [],
      });
      const { message: reply } = await repo.appendThreadReply({
        ...base,
        text: 'roadmap thread reply',
        sender: 'bob',
        senderKind: 'user',
        mentions: [],
        threadRoot: plain.id,
      });
      const found = await repo.search(search(['roadmap']));
      expect(found.hits.map((h) => h.message.id).sort()).toEqual([plain.id, reply.id].sort());

      await repo.applyChange({
        kind: 'edit',
        id: plain.id,
        by: 'ana',
        text: 'quarterly budget',
        mentions: [],
        isCommand: false,
        command: null,
        commandArgs: [],
      });
      expect((await repo.search(search(['roadmap']))).hits.map((h) => h.message.id)).toEqual([reply.id]);
      expect((await repo.search(search(['budget']))).hits.map((h) => h.message.id)).toEqual([plain.id]);
    } finally {
      await repo.close();
    }

    const { sqlite, db } = openSqlite(file);
    try {
      await new SqliteImportRepository(db).transaction(true, (session) =>
        session.insertMessages([
          {
            text: 'imported roadmap notes',
            sender: 'carol',
            senderKind: 'user',
            mentions: [],
            isCommand: false,
            command: null,
            commandArgs: [],
            createdAt: '2025-01-01T00:00:00.000Z',
            replyTo: null,
            replyToRow: null,
            original: { id: '1', at: '2025-01-01T00:00:00.000Z', conversation: null },
          },
        ]),
      );
    } finally {
      sqlite.close();
    }
    const again = await openRepository(file);
    try {
      const hits = (await again.search(search(['imported']))).hits;
      expect(hits.map((h) => h.message.text)).toEqual(['imported roadmap notes']);
    } finally {
      await again.close();
    }
  });
});

describe('chat.search on PostgreSQL', () => {
  let services: Services;
  beforeAll(async () => {
    services = await createTestServices({
      DATABASE_URL: await postgres.createDatabase(),
      RATE_LIMIT_PER_SECOND: '0',
    });
  }, 60_000);
  afterAll(async () => {
    await services?.repo.close();
  });

  it('ranks, marks, filters, pages and never finds deleted text', async () => {
    const alice = callerFor(services);
    const bob = callerFor(services, { id: 'bob', role: 'user' });
    const first = await alice.chat.send({ text: 'the deploy went fine' });
    const dense = await alice.chat.send({ text: 'deploy deploy deploy: the deploy script' });
    const fromBob = await bob.chat.send({ text: 'deploy tomorrow (NEAR "the" OR -end*)' });
    const gone = await alice.chat.send({ text: 'deploy secret' });
    const pool = (services.repo as unknown as { pool: import('pg').Pool }).pool;
    await pool.query(`UPDATE messages SET text = '', deleted_at = '2026-12-02T00:00:00.000Z' WHERE id = $1`, [
      gone.id,
    ]);

    const ranked = await bob.chat.search({ query: 'deploy' });
    const byBob = await alice.chat.search({ query: 'from:BOB deploy' });
    const injected = await alice.chat.search({ query: 'NEAR "the" OR -end*)' });
    const page1 = await alice.chat.search({ query: 'deploy', limit: 2 });
    const page2 = await alice.chat.search({ query: 'deploy', limit: 2, cursor: page1.nextCursor });

    expect(ranked.hits[0]?.message.id).toBe(dense.id);
    expect(ranked.hits.map((h) => h.message.id).sort()).toEqual([first.id, dense.id, fromBob.id].sort());
    expect(ranked.hits.find((h) => h.message.id === first.id)?.snippet).toBe(
      'the \u0002deploy\u0003 went fine',
    );
    expect(byBob.hits.map((h) => h.message.id)).toEqual([fromBob.id]);
    expect(injected.hits.map((h) => h.message.id)).toEqual([fromBob.id]);
    expect([...page1.hits, ...page2.hits].map((h) => h.message.id)).toEqual(
      ranked.hits.map((h) => h.message.id),
    );
    expect(page2.nextCursor).toBeNull();
    expect((await alice.chat.search({ query: 'secret' })).hits).toEqual([]);
  });
});
