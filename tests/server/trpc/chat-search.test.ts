// chat.search and chat.around on SQLite (FTS5): ranking, snippets, filters, paging, the index kept in step with
// edits and deletions, and no query syntax reaching the engine whatever a person types (issue 19).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteRepository } from '../../../src/server/db/sqlite-repository';
import type { Services } from '../../../src/server/services';
import { snippetParts } from '../../../src/shared/search';
import { callerFor, createTestServices } from '../../helpers/services';

let services: Services;
beforeEach(async () => {
  services = await createTestServices({ RATE_LIMIT_PER_SECOND: '0' });
});
afterEach(async () => {
  await services.repo.close();
});

const alice = () => callerFor(services);
const bob = () => callerFor(services, { id: 'bob', role: 'user' });
/** Writes as the other write paths do (edits, deletions, imports), straight in the messages table. */
const write = (statement: ReturnType<typeof sql>) =>
  (services.repo as SqliteRepository).database.run(statement);

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    return { code: (error as TRPCError).code, message: (error as TRPCError).message };
  }
  throw new Error('expected an error');
};

describe('chat.search', () => {
  it('ranks the message that says the words most first, and newest first among equals', async () => {
    const a = alice();
    const first = await a.chat.send({ text: 'the deploy went fine' });
    const dense = await a.chat.send({ text: 'deploy deploy deploy: the deploy script' });
    await a.chat.send({ text: 'nothing to see here' });
    const last = await a.chat.send({ text: 'the deploy went fine' });

    const page = await bob().chat.search({ query: 'deploy' });

    expect(page.hits.map((h) => h.message.id)).toEqual([dense.id, last.id, first.id]);
    expect(page.nextCursor).toBeNull();
  });

  it('marks every match in the snippet with \\u0002 … \\u0003, accents folded', async () => {
    await alice().chat.send({ text: 'Le café est prêt, come get your CAFE' });

    const [hit] = (await bob().chat.search({ query: 'cafe' })).hits;

    expect(hit?.snippet).toBe('Le \u0002café\u0003 est prêt, come get your \u0002CAFE\u0003');
    expect(
      snippetParts(hit?.snippet ?? '')
        .filter((p) => p.match)
        .map((p) => p.text),
    ).toEqual(['café', 'CAFE']);
  });

  it('finds messages holding every word, in any order', async () => {
    const a = alice();
    await a.chat.send({ text: 'build is red' });
    const both = await a.chat.send({ text: 'red again: the build' });
    await a.chat.send({ text: 'the build is green' });

    const page = await bob().chat.search({ query: 'red build' });

    expect(page.hits.map((h) => h.message.id).sort()).toEqual([1, both.id].sort());
  });

  it('filters by sender, typed in the box or given apart, whatever its case', async () => {
    await alice().chat.send({ text: 'release notes draft' });
    const mine = await bob().chat.send({ text: 'release notes final' });

    const typed = await alice().chat.search({ query: 'from:@Bob release' });
    const given = await alice().chat.search({ query: 'release', from: 'bob' });

    expect(typed.hits.map((h) => h.message.id)).toEqual([mine.id]);
    expect(given.hits.map((h) => h.message.id)).toEqual([mine.id]);
  });

  it("looks for words in the text only: a sender's name finds what was said about them, not what they said", async () => {
    await bob().chat.send({ text: 'hello there' });
    const about = await alice().chat.send({ text: 'ask bob' });

    const page = await alice().chat.search({ query: 'bob' });
    const fromBob = await alice().chat.search({ query: 'from:bob hello' });

    expect(page.hits.map((h) => h.message.id)).toEqual([about.id]);
    expect(fromBob.hits.map((h) => h.message.text)).toEqual(['hello there']);
  });

  it('filters by date: before a day ends before it starts, after a day starts when it ends', async () => {
    const a = alice();
    const november = await a.chat.send({ text: 'invoice sent' });
    const december = await a.chat.send({ text: 'invoice paid' });
    await write(sql`UPDATE messages SET created_at = '2026-11-30T23:59:00.000Z' WHERE id = ${november.id}`);
    await write(sql`UPDATE messages SET created_at = '2026-12-01T00:00:00.000Z' WHERE id = ${december.id}`);
    const ids = async (query: string) => (await a.chat.search({ query })).hits.map((h) => h.message.id);

    expect(await ids('invoice before:2026-12-01')).toEqual([november.id]);
    expect(await ids('invoice after:2026-11-30')).toEqual([december.id]);
    expect(await ids('invoice after:2026-12-01')).toEqual([]);
    expect((await a.chat.search({ query: 'invoice', before: '2026-12-01T00:00:00.000Z' })).hits).toHaveLength(
      1,
    );
  });

  it('in:thread keeps only replies inside threads', async () => {
    const a = alice();
    const root = await a.chat.send({ text: 'incident: api down' });
    const reply = await a.chat.send({ text: 'incident fixed' });
    await write(sql`UPDATE messages SET thread_root = ${root.id} WHERE id = ${reply.id}`);

    const page = await a.chat.search({ query: 'incident in:thread' });

    expect(page.hits.map((h) => h.message.id)).toEqual([reply.id]);
  });

  it('with filters and no words lists the matching messages newest first', async () => {
    await alice().chat.send({ text: 'one' });
    const b1 = await bob().chat.send({ text: 'two' });
    const b2 = await bob().chat.send({ text: 'three' });

    const page = await alice().chat.search({ query: 'from:bob' });

    expect(page.hits.map((h) => [h.message.id, h.snippet])).toEqual([
      [b2.id, 'three'],
      [b1.id, 'two'],
    ]);
  });

  it('pages through every result exactly once, unmoved by messages posted between pages', async () => {
    const a = alice();
    for (let i = 0; i < 25; i++) await a.chat.send({ text: `status report ${i}` });

    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<ReturnType<typeof alice>['chat']['search']>> = await a.chat.search({
        query: 'status report',
        limit: 10,
        cursor,
      });
      seen.push(...page.hits.map((h) => h.message.id));
      cursor = page.nextCursor;
      pages++;
      // Posted after the first page: not part of this search, and it pushes nothing onto a later page.
      if (pages === 1) await a.chat.send({ text: 'status report late' });
    } while (cursor !== null);

    expect(pages).toBe(3);
    expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('never finds a deleted message, and finds an edited one by its new words only', async () => {
    const a = alice();
    const edited = await a.chat.send({ text: 'meeting at noon' });
    const deleted = await a.chat.send({ text: 'meeting password is hunter2' });
    // What chat.edit and chat.delete write: the index follows through its triggers, in the same transaction.
    await write(
      sql`UPDATE messages SET text = 'lunch at one', edited_at = '2026-12-02T00:00:00.000Z' WHERE id = ${edited.id}`,
    );
    await write(
      sql`UPDATE messages SET text = '', deleted_at = '2026-12-02T00:00:00.000Z' WHERE id = ${deleted.id}`,
    );

    expect((await a.chat.search({ query: 'meeting' })).hits).toEqual([]);
    expect((await a.chat.search({ query: 'hunter2' })).hits).toEqual([]);
    const lunch = await a.chat.search({ query: 'lunch' });
    expect(lunch.hits.map((h) => h.message.id)).toEqual([edited.id]);
    expect(lunch.hits[0]?.message.editedAt).toBe('2026-12-02T00:00:00.000Z');
  });

  it('a message removed from the table leaves the index too', async () => {
    const gone = await alice().chat.send({ text: 'temporary note' });
    await write(sql`DELETE FROM messages WHERE id = ${gone.id}`);

    expect((await alice().chat.search({ query: 'temporary' })).hits).toEqual([]);
  });

  it.each([
    ['"', 'say "hi" now'],
    ['*', 'wild*card'],
    ['NEAR', 'NEAR(deploy fix)'],
    ['OR', 'deploy OR rollback'],
    ['AND', 'deploy AND'],
    ['NOT', 'NOT deploy'],
    ['-', '-deploy'],
    ['(', '(deploy'],
    [')', 'deploy)'],
    [':', 'text:deploy'],
    ['^', '^deploy'],
    ['{', '{text} : deploy'],
    ['+', 'deploy + fix'],
  ])('treats %s as plain text, never as query syntax', async (_name, query) => {
    await alice().chat.send({ text: `notes: ${query} and more` });

    const page = await bob().chat.search({ query });

    expect(page.hits.map((h) => h.message.id)).toEqual([1]);
  });

  it('refuses a search with nothing to look for, a bad cursor, and empty dates ranges, saying why', async () => {
    const a = alice();

    expect(await failure(a.chat.search({ query: '"*()' }))).toEqual({
      code: 'BAD_REQUEST',
      message: 'Search has no words to look for: type a word (letters or digits)',
    });
    expect((await failure(a.chat.search({ query: 'x', cursor: 'nope' }))).code).toBe('BAD_REQUEST');
    // A page deeper than any search pages: refused instead of walking a hundred million rows.
    expect((await failure(a.chat.search({ query: 'from:alice', cursor: '1.100000000' }))).code).toBe(
      'BAD_REQUEST',
    );
    expect((await failure(a.chat.search({ query: 'x before:2026-01-01 after:2026-02-01' }))).code).toBe(
      'BAD_REQUEST',
    );
    expect((await failure(a.chat.search({ query: '   ' }))).code).toBe('BAD_REQUEST');
  });

  it('refuses strangers', async () => {
    expect((await failure(callerFor(services, null).chat.search({ query: 'x' }))).code).toBe('UNAUTHORIZED');
  });
});

describe.each([
  ['in memory (the inline committer)', () => ':memory:'],
  ['in a file (the writer thread)', () => join(mkdtempSync(join(tmpdir(), 'ocs-search-')), 'chat.db')],
])('the index follows chat.edit and chat.delete %s', (_name, databaseUrl) => {
  it('finds an edited message by its new words only and a deleted one never', async () => {
    const own = await createTestServices({ RATE_LIMIT_PER_SECOND: '0', DATABASE_URL: databaseUrl() });
    try {
      const a = callerFor(own);
      const edited = await a.chat.send({ text: 'standup at nine' });
      const deleted = await a.chat.send({ text: 'standup notes: the vault code is 4417' });

      await a.chat.edit({ id: edited.id, text: 'retro at ten' });
      await a.chat.delete({ id: deleted.id });

      expect((await a.chat.search({ query: 'standup' })).hits).toEqual([]);
      expect((await a.chat.search({ query: '4417' })).hits).toEqual([]);
      const retro = await a.chat.search({ query: 'retro' });
      expect(retro.hits.map((h) => [h.message.id, h.snippet])).toEqual([
        [edited.id, '\u0002retro\u0003 at ten'],
      ]);
      expect(retro.hits[0]?.message.editedAt).toBeDefined();
    } finally {
      await own.repo.close();
    }
  });
});

describe('chat.around', () => {
  it('returns the page holding an old message with cursors to load more either way', async () => {
    const a = alice();
    for (let i = 1; i <= 300; i++) await a.chat.send({ text: `m${i}` });

    const page = await a.chat.around({ id: 100, limit: 50 });

    expect(page.messages.map((m) => m.id)).toEqual(Array.from({ length: 50 }, (_, i) => 75 + i));
    expect(page.olderCursor).toBe(75);
    expect(page.hasNewer).toBe(true);
    const edge = await a.chat.around({ id: 2, limit: 10 });
    expect(edge.messages.map((m) => m.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(edge.olderCursor).toBeNull();
  });

  it('says NOT_FOUND for a message that does not exist', async () => {
    expect((await failure(alice().chat.around({ id: 5 }))).code).toBe('NOT_FOUND');
  });
});

describe('snippetParts', () => {
  it('splits a snippet into plain text and matches', () => {
    expect(snippetParts('\u0002go\u0003 to the \u0002docs\u0003.')).toEqual([
      { text: 'go', match: true },
      { text: ' to the ', match: false },
      { text: 'docs', match: true },
      { text: '.', match: false },
    ]);
  });
});
