// Paging both ways on SQLite and PostgreSQL (issue 19): chat.history with `after` (a detached window catching up with
// the live tail), chat.around over the main conversation only, and chat.thread in pages of replies.
import { TRPCError } from '@trpc/server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../../src/server/services';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import { callerFor, createTestServices } from '../../helpers/services';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
});

let services: Services;
const alice = () => callerFor(services, { id: 'alice', role: 'user' });
const bob = () => callerFor(services, { id: 'bob', role: 'user' });

const errorOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    return { code: (error as TRPCError).code, message: (error as TRPCError).message };
  }
  throw new Error('expected an error');
};

const ids = (page: { messages: { id: number }[] }) => page.messages.map((m) => m.id);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const dialects: [string, () => Promise<string>][] = [
  ['SQLite', async () => ':memory:'],
  ['PostgreSQL', () => postgres.createDatabase()],
];

describe.each(dialects)('on %s', (_dialect, databaseUrl) => {
  beforeEach(async () => {
    services = await createTestServices({ RATE_LIMIT_PER_SECOND: '0', DATABASE_URL: await databaseUrl() });
  });
  afterEach(async () => {
    await services.repo.close();
  });

  describe('chat.history with after', () => {
    it('pages forward oldest first until the newest message, then says there is nothing newer', async () => {
      for (let i = 1; i <= 25; i++) await alice().chat.send({ text: `m${i}` });

      const first = await bob().chat.history({ after: 5, limit: 10 });
      expect(ids(first)).toEqual(range(6, 15));
      expect(first.nextCursor).toBe(15);
      const second = await bob().chat.history({ after: first.nextCursor as number, limit: 10 });
      expect(ids(second)).toEqual(range(16, 25));
      // The page ends at the newest message: exactly a page's worth, and still nothing newer.
      expect(second.nextCursor).toBeNull();
      expect(await bob().chat.history({ after: 25, limit: 10 })).toEqual({ messages: [], nextCursor: null });
    });

    it('leaves thread-only replies out, as the older pages do', async () => {
      const root = await alice().chat.send({ text: 'root' });
      const quiet = await bob().chat.send({ text: 'thread only', threadRoot: root.id });
      const loud = await bob().chat.send({ text: 'also here', threadRoot: root.id, alsoToChannel: true });
      const after = await alice().chat.send({ text: 'after' });
      const page = await bob().chat.history({ after: root.id, limit: 10 });
      expect(ids(page)).toEqual([loud.id, after.id]);
      expect(ids(page)).not.toContain(quiet.id);
    });

    it('still pages back in time without after, as before', async () => {
      for (let i = 1; i <= 5; i++) await alice().chat.send({ text: `m${i}` });
      const newest = await bob().chat.history({ limit: 2 });
      expect(ids(newest)).toEqual([4, 5]);
      expect(ids(await bob().chat.history({ cursor: newest.nextCursor, limit: 2 }))).toEqual([2, 3]);
    });

    it('answers BAD_REQUEST for cursor and after together, naming both', async () => {
      await alice().chat.send({ text: 'm1' });
      const error = await errorOf(bob().chat.history({ cursor: 1, after: 1 }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toContain('cursor');
      expect(error.message).toContain('after');
    });
  });

  describe('chat.around', () => {
    it('holds only messages of the main conversation, its newer half included', async () => {
      const root = await alice().chat.send({ text: 'root' });
      for (let i = 0; i < 6; i++) await bob().chat.send({ text: `quiet ${i}`, threadRoot: root.id });
      const later = [];
      for (let i = 0; i < 3; i++) later.push(await alice().chat.send({ text: `later ${i}` }));

      const page = await bob().chat.around({ id: root.id, limit: 8 });
      expect(ids(page)).toEqual([root.id, ...later.map((m) => m.id)]);
      expect(page.hasNewer).toBe(false);
    });

    it('answers NOT_FOUND for a thread-only reply, naming the thread to open', async () => {
      const root = await alice().chat.send({ text: 'root' });
      const quiet = await bob().chat.send({ text: 'quiet', threadRoot: root.id });
      const error = await errorOf(bob().chat.around({ id: quiet.id }));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toContain(`thread of message ${root.id}`);
    });
  });

  describe('chat.thread pages', () => {
    it('returns the newest replies and a cursor that pages back to the first reply', async () => {
      const root = await alice().chat.send({ text: 'long thread' });
      const replies = [];
      for (let i = 1; i <= 7; i++)
        replies.push(await bob().chat.send({ text: `r${i}`, threadRoot: root.id }));
      await alice().chat.send({ text: 'elsewhere' });
      const replyIds = replies.map((r) => r.id);

      const newest = await bob().chat.thread({ root: root.id, limit: 3 });
      expect(newest.root.id).toBe(root.id);
      expect(newest.replies.map((r) => r.id)).toEqual(replyIds.slice(4));
      expect(newest.olderCursor).toBe(replyIds[4]);
      const middle = await bob().chat.thread({ root: root.id, limit: 3, before: newest.olderCursor });
      expect(middle.replies.map((r) => r.id)).toEqual(replyIds.slice(1, 4));
      const oldest = await bob().chat.thread({ root: root.id, limit: 3, before: middle.olderCursor });
      expect(oldest.replies.map((r) => r.text)).toEqual(['r1']);
      expect(oldest.olderCursor).toBeNull();
    });

    it('gives every reply of a thread of up to 100 without a limit, and no cursor', async () => {
      const root = await alice().chat.send({ text: 'busy' });
      for (let i = 1; i <= 100; i++) await bob().chat.send({ text: `r${i}`, threadRoot: root.id });
      const whole = await bob().chat.thread({ root: root.id });
      expect(whole.replies).toHaveLength(100);
      expect(whole.replies[0]?.text).toBe('r1');
      expect(whole.olderCursor).toBeNull();
      await bob().chat.send({ text: 'r101', threadRoot: root.id });
      const longer = await bob().chat.thread({ root: root.id });
      expect(longer.replies.map((r) => r.text).slice(0, 1)).toEqual(['r2']);
      expect(longer.olderCursor).toBe(longer.replies[0]?.id);
    });

    it('pages the same thread whichever of its messages is asked for, reactions included', async () => {
      const root = await alice().chat.send({ text: 'root' });
      const first = await bob().chat.send({ text: 'first', threadRoot: root.id });
      const second = await bob().chat.send({ text: 'second', threadRoot: root.id });
      await alice().chat.react({ id: first.id, emoji: '👍', on: true });
      const page = await alice().chat.thread({ root: second.id, limit: 1, before: second.id });
      expect(page.root.id).toBe(root.id);
      expect(page.replies).toMatchObject([{ id: first.id, reactions: [{ emoji: '👍', users: ['alice'] }] }]);
      expect(page.olderCursor).toBeNull();
    });

    it('answers BAD_REQUEST for a limit out of range, with the bound', async () => {
      const root = await alice().chat.send({ text: 'root' });
      const error = await errorOf(bob().chat.thread({ root: root.id, limit: 501 }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toContain('at most 500');
    });
  });
});
