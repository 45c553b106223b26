// chat.react and chat.thread, and chat.send into a thread, on SQLite and PostgreSQL: idempotent reactions with who
// reacted, the codes a person can act on, a thread listed whole (replies to replies included), and replies also
// sent to the channel.
import { TRPCError } from '@trpc/server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../../src/server/services';
import type { MessageChange } from '../../../src/shared/message';
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

/** Changes the log holds after `after`, as a resuming subscriber would get them. */
const changesAfter = async (after: number): Promise<MessageChange[]> =>
  (await services.repo.logAfter(after, 100)).changes;

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

  describe('chat.react', () => {
    it('adds and takes back reactions, with who reacted in order, each toggle logged once', async () => {
      const message = await alice().chat.send({ text: 'ship it?' });
      expect(await bob().chat.react({ id: message.id, emoji: '👍', on: true })).toMatchObject({
        reactions: [{ emoji: '👍', users: ['bob'] }],
      });
      await alice().chat.react({ id: message.id, emoji: '🎉', on: true });
      const both = await alice().chat.react({ id: message.id, emoji: '👍', on: true });
      expect(both.reactions).toEqual([
        { emoji: '👍', users: ['bob', 'alice'] },
        { emoji: '🎉', users: ['alice'] },
      ]);

      // Emoji are ordered by their oldest reaction still there: bob's 👍 gone, alice's 🎉 came before her 👍.
      const off = await bob().chat.react({ id: message.id, emoji: '👍', on: false });
      expect(off.reactions).toEqual([
        { emoji: '🎉', users: ['alice'] },
        { emoji: '👍', users: ['alice'] },
      ]);
      const changes = await changesAfter(message.id);
      expect(changes.map((c) => [c.kind, c.by])).toEqual([
        ['react', 'bob'],
        ['react', 'alice'],
        ['react', 'alice'],
        ['react', 'bob'],
      ]);
    });

    it('is idempotent: the same reaction twice, or taking back one never given, changes and logs nothing', async () => {
      const message = await alice().chat.send({ text: 'lunch?' });
      await bob().chat.react({ id: message.id, emoji: '🍕', on: true });
      const last = await services.repo.lastLogId();
      const again = await bob().chat.react({ id: message.id, emoji: '🍕', on: true });
      const never = await bob().chat.react({ id: message.id, emoji: '👀', on: false });
      expect(again.reactions).toEqual([{ emoji: '🍕', users: ['bob'] }]);
      expect(never.reactions).toEqual([{ emoji: '🍕', users: ['bob'] }]);
      expect(await services.repo.lastLogId()).toBe(last);
    });

    it('takes any single emoji, flags and ZWJ sequences included', async () => {
      const message = await alice().chat.send({ text: 'team photo' });
      for (const emoji of ['🇫🇷', '👩‍💻', '👍🏽', '🦀'])
        await bob().chat.react({ id: message.id, emoji, on: true });
      const [stored] = await services.repo.getMessages([message.id]);
      expect(stored?.reactions?.map((r) => r.emoji)).toEqual(['🇫🇷', '👩‍💻', '👍🏽', '🦀']);
    });

    it('answers NOT_FOUND for a message that does not exist', async () => {
      const error = await errorOf(bob().chat.react({ id: 999, emoji: '👍', on: true }));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toContain('999');
    });

    it('answers BAD_REQUEST for a deleted message, and its reactions are gone', async () => {
      const message = await alice().chat.send({ text: 'oops' });
      await bob().chat.react({ id: message.id, emoji: '😮', on: true });
      await alice().chat.delete({ id: message.id });
      const error = await errorOf(bob().chat.react({ id: message.id, emoji: '👍', on: true }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toContain('deleted');
      const [stored] = await services.repo.getMessages([message.id]);
      expect(stored?.reactions).toBeUndefined();
    });

    it.each([
      ['text', 'ok'],
      ['two emoji', '👍👍'],
      ['an empty string', ''],
    ])('answers BAD_REQUEST for %s instead of one emoji', async (_name, emoji) => {
      const message = await alice().chat.send({ text: 'hm' });
      const error = await errorOf(bob().chat.react({ id: message.id, emoji, on: true }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toContain('exactly one emoji');
    });

    it('counts against the send limit', async () => {
      const limited = await createTestServices({
        RATE_LIMIT_PER_SECOND: '1',
        RATE_LIMIT_BURST: '2',
        DATABASE_URL: await databaseUrl(),
      });
      try {
        const caller = callerFor(limited, { id: 'dana', role: 'user' });
        const message = await caller.chat.send({ text: 'one' });
        await caller.chat.react({ id: message.id, emoji: '👍', on: true });
        const error = await errorOf(caller.chat.react({ id: message.id, emoji: '👍', on: false }));
        expect(error.code).toBe('TOO_MANY_REQUESTS');
        expect(error.message).toContain('reacting too fast');
      } finally {
        await limited.repo.close();
      }
    });
  });

  describe('threads', () => {
    it('lists the root and every reply oldest first, a reply to a reply under the same root', async () => {
      const root = await alice().chat.send({ text: 'which region?' });
      const other = await alice().chat.send({ text: 'unrelated' });
      const first = await bob().chat.send({ text: 'eu-west', threadRoot: root.id });
      const nested = await alice().chat.send({ text: 'agreed', threadRoot: first.id });
      await bob().chat.send({ text: 'elsewhere', threadRoot: other.id });

      expect(nested.threadRoot).toBe(root.id);
      const thread = await bob().chat.thread({ root: root.id });
      expect(thread.root).toMatchObject({ id: root.id, replyCount: 2, lastReplyAt: nested.createdAt });
      expect(thread.replies.map((m) => [m.text, m.threadRoot])).toEqual([
        ['eu-west', root.id],
        ['agreed', root.id],
      ]);
      // Asking with any message of the thread gives the whole thread.
      expect(await bob().chat.thread({ root: nested.id })).toEqual(thread);
    });

    it('logs a thread change for the root after each reply, with its count and last reply time', async () => {
      const root = await alice().chat.send({ text: 'standup notes' });
      const reply = await bob().chat.send({ text: 'done', threadRoot: root.id });
      const changes = await changesAfter(root.id);
      expect(changes).toHaveLength(1);
      expect(changes[0]).toMatchObject({ kind: 'thread', messageId: root.id, by: 'bob' });
      expect(changes[0]?.id).toBeGreaterThan(reply.id);
      expect(changes[0]?.message).toMatchObject({ replyCount: 1, lastReplyAt: reply.createdAt });
    });

    it('marks a reply also sent to the channel, and leaves plain messages without thread fields', async () => {
      const root = await alice().chat.send({ text: 'release?' });
      const quiet = await bob().chat.send({ text: 'soon', threadRoot: root.id });
      const loud = await bob().chat.send({ text: 'shipping now', threadRoot: root.id, alsoToChannel: true });
      expect(quiet.alsoInChannel).toBeUndefined();
      expect(loud).toMatchObject({ threadRoot: root.id, alsoInChannel: true });
      expect(Object.keys(root)).not.toContain('threadRoot');
      expect(Object.keys(root)).not.toContain('replyCount');
      const page = await bob().chat.history({ limit: 50 });
      expect(page.messages.find((m) => m.id === loud.id)?.alsoInChannel).toBe(true);
    });

    it('keeps replies that live only in their thread out of the main history, pages included', async () => {
      const root = await alice().chat.send({ text: 'release?' });
      for (let i = 0; i < 3; i++) await bob().chat.send({ text: `thread only ${i}`, threadRoot: root.id });
      const loud = await bob().chat.send({ text: 'shipping now', threadRoot: root.id, alsoToChannel: true });
      const after = await alice().chat.send({ text: 'thanks' });
      const newest = await bob().chat.history({ limit: 2 });
      expect(newest.messages.map((m) => m.id)).toEqual([loud.id, after.id]);
      const older = await bob().chat.history({ limit: 2, cursor: newest.nextCursor });
      expect(older.messages.map((m) => m.id)).toEqual([root.id]);
      expect((await bob().chat.thread({ root: root.id })).replies).toHaveLength(4);
    });

    it('answers BAD_REQUEST for a reply to a thread that does not exist, and writes nothing', async () => {
      const before = await services.repo.lastLogId();
      const error = await errorOf(bob().chat.send({ text: 'lost', threadRoot: 404 }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toContain('404');
      expect(await services.repo.lastLogId()).toBe(before);
    });

    it('answers BAD_REQUEST for alsoToChannel without a thread, and writes nothing', async () => {
      const before = await services.repo.lastLogId();
      expect(await errorOf(alice().chat.send({ text: 'loud', alsoToChannel: true }))).toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining('give threadRoot'),
      });
      expect(await services.repo.lastLogId()).toBe(before);
    });

    it('answers NOT_FOUND for the thread of a message that does not exist', async () => {
      const error = await errorOf(bob().chat.thread({ root: 77 }));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toContain('77');
    });

    it('keeps the thread of a deleted root, and the root as a tombstone', async () => {
      const root = await alice().chat.send({ text: 'to be removed' });
      await bob().chat.send({ text: 'a reply that stays', threadRoot: root.id });
      await alice().chat.delete({ id: root.id });
      const thread = await bob().chat.thread({ root: root.id });
      expect(thread.root).toMatchObject({ text: '', replyCount: 1 });
      expect(thread.root.deletedAt).toBeDefined();
      expect(thread.replies.map((m) => m.text)).toEqual(['a reply that stays']);
    });
  });
});
