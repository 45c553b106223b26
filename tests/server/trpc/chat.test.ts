import { TRPCError } from '@trpc/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../../src/server/services';
import { callerFor, createTestServices } from '../../helpers/services';

let services: Services;
beforeEach(async () => {
  services = await createTestServices({ RATE_LIMIT_PER_SECOND: '0' });
});
afterEach(async () => {
  await services.repo.close();
});

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    return { code: (error as TRPCError).code, message: (error as TRPCError).message };
  }
  throw new Error('expected an error');
};

describe('chat.send', () => {
  it('stores the message with parsed mentions and command, sent by the caller', async () => {
    const message = await callerFor(services).chat.send({ text: '  hi @Bob-bot and @carol  ' });
    expect(message).toMatchObject({
      id: 1,
      text: 'hi @Bob-bot and @carol',
      sender: 'alice',
      senderKind: 'user',
      mentions: ['bob', 'carol'],
      isCommand: false,
      replyTo: null,
      origin: 'api',
    });
    expect(Date.parse(message.createdAt)).not.toBeNaN();
  });

  it('threads a reply to an existing message', async () => {
    const caller = callerFor(services);
    const first = await caller.chat.send({ text: 'question' });
    const reply = await caller.chat.send({ text: '/answer 42 now', replyTo: first.id });
    expect(reply).toMatchObject({
      replyTo: first.id,
      isCommand: true,
      command: 'answer',
      commandArgs: ['42', 'now'],
    });
  });

  it.each([
    ['empty text', { text: '' }, 'Message text is empty'],
    ['whitespace-only text', { text: ' \n\t ' }, 'Message text is empty'],
    ['text over 4096 characters', { text: 'x'.repeat(4097) }, 'longer than 4096'],
    ['a number for text', { text: 5 }, 'text must be a string'],
    ['a negative replyTo', { text: 'hi', replyTo: -3 }, 'message id'],
  ])('rejects %s with BAD_REQUEST and writes nothing', async (_name, input, message) => {
    const error = await codeOf(callerFor(services).chat.send(input as { text: string }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain(message);
    expect(await services.repo.lastMessageId()).toBe(0);
  });

  it('rejects an unknown replyTo with BAD_REQUEST and writes nothing', async () => {
    const error = await codeOf(callerFor(services).chat.send({ text: 'hi', replyTo: 77 }));
    expect(error).toEqual({ code: 'BAD_REQUEST', message: 'replyTo: message 77 does not exist' });
    expect(await services.repo.lastMessageId()).toBe(0);
  });

  it('accepts exactly 4096 characters', async () => {
    const message = await callerFor(services).chat.send({ text: 'y'.repeat(4096) });
    expect(message.text).toHaveLength(4096);
  });

  it('refuses callers who are not signed in', async () => {
    const error = await codeOf(
      callerFor(services, null, 'token expired: ask an admin for a new one').chat.send({ text: 'x' }),
    );
    expect(error).toEqual({ code: 'UNAUTHORIZED', message: 'token expired: ask an admin for a new one' });
  });
});

describe('chat.send rate limit', () => {
  it('answers TOO_MANY_REQUESTS with the milliseconds to wait once the burst is spent', async () => {
    const limited = await createTestServices({ RATE_LIMIT_BURST: '2', RATE_LIMIT_PER_SECOND: '1' });
    const caller = callerFor(limited);
    await caller.chat.send({ text: '1' });
    await caller.chat.send({ text: '2' });
    try {
      await caller.chat.send({ text: '3' });
      throw new Error('expected TOO_MANY_REQUESTS');
    } catch (error) {
      const e = error as TRPCError;
      expect(e.code).toBe('TOO_MANY_REQUESTS');
      expect(e.message).toMatch(/^sending too fast: wait 1 s \(\d+ ms\)$/);
      expect((e.cause as unknown as { data: { retryAfterMs: number } }).data.retryAfterMs).toBeGreaterThan(0);
    }
    // Another person is not affected.
    await callerFor(limited, { id: 'bob', role: 'user' }).chat.send({ text: 'mine' });
    expect(await limited.repo.lastMessageId()).toBe(3);
    expect((await limited.transports.stats()).rateLimitHits).toBe(1);
    await limited.repo.close();
  });
});

describe('chat.history', () => {
  it('pages back in time with a cursor, oldest first within a page', async () => {
    const caller = callerFor(services);
    for (let i = 1; i <= 5; i++) await caller.chat.send({ text: `m${i}` });
    const first = await caller.chat.history({ limit: 2 });
    expect(first.messages.map((m) => m.text)).toEqual(['m4', 'm5']);
    expect(first.nextCursor).toBe(4);
    const second = await caller.chat.history({ cursor: first.nextCursor, limit: 2 });
    expect(second.messages.map((m) => m.text)).toEqual(['m2', 'm3']);
    const last = await caller.chat.history({ cursor: second.nextCursor, limit: 2 });
    expect(last).toEqual({ messages: [expect.objectContaining({ text: 'm1' })], nextCursor: null });
  });

  it('defaults to the newest page and caps the limit at 200', async () => {
    const caller = callerFor(services);
    expect(await caller.chat.history()).toEqual({ messages: [], nextCursor: null });
    const error = await codeOf(caller.chat.history({ limit: 201 }));
    expect(error.code).toBe('BAD_REQUEST');
  });
});

describe('chat.onMessage', () => {
  it('replays what was stored after lastEventId, then goes live without a gap or a duplicate', async () => {
    const caller = callerFor(services);
    for (let i = 1; i <= 3; i++) await caller.chat.send({ text: `m${i}` });
    const stream = await caller.chat.onMessage({ lastEventId: '1' });
    const iterator = stream[Symbol.asyncIterator]();
    const read = async () => {
      const [id, batch] = (await iterator.next()).value as unknown as [
        string,
        { messages: { id: number }[] },
      ];
      return { id, ids: batch.messages.map((m) => m.id) };
    };
    expect(await read()).toEqual({ id: '3', ids: [2, 3] });
    await Promise.all([caller.chat.send({ text: 'm4' }), caller.chat.send({ text: 'm5' })]);
    expect(await read()).toEqual({ id: '5', ids: [4, 5] });
    await iterator.return?.();
    expect(services.hub.messages.size).toBe(0);
  });
});

describe('chat.setTyping and presence', () => {
  it('publishes typing to others, not to the typist', async () => {
    const bobFeed = services.hub.activity.open({ accept: (e) => !(e.type === 'typing' && e.user === 'bob') });
    const aliceFeed = services.hub.activity.open({
      accept: (e) => !(e.type === 'typing' && e.user === 'alice'),
    });
    await callerFor(services).chat.setTyping({ isTyping: true });
    expect(await bobFeed.next()).toEqual([
      expect.objectContaining({ type: 'typing', user: 'alice', isTyping: true }),
    ]);
    expect(aliceFeed.pending).toBe(0);
  });

  it('lists people online and recently offline', async () => {
    const leave = services.hub.presence.connect('alice');
    services.hub.presence.connect('bob');
    leave();
    const list = await callerFor(services).presence.list();
    expect(list.map((p) => [p.name, p.online])).toEqual([
      ['alice', false],
      ['bob', true],
    ]);
  });
});

describe('chat.send with a clientId', () => {
  it('commits a retried send once and publishes it once', async () => {
    const feed = services.hub.messages.open();
    const caller = callerFor(services);
    const [first, retry] = await Promise.all([
      caller.chat.send({ text: 'only once', clientId: 'alice-1' }),
      caller.chat.send({ text: 'only once', clientId: 'alice-1' }),
    ]);
    const later = await caller.chat.send({ text: 'only once', clientId: 'alice-1' });
    expect(retry).toEqual(first);
    expect(later).toEqual(first);
    expect(first.clientId).toBe('alice-1');
    expect(await services.repo.lastMessageId()).toBe(1);
    expect((await feed.next())?.map((m) => m.id)).toEqual([1]);
    expect(feed.pending).toBe(0);
  });

  it('keeps client ids per sender, and refuses one reused for a different text', async () => {
    await callerFor(services).chat.send({ text: 'mine', clientId: 'k1' });
    const bobs = await callerFor(services, { id: 'bob', role: 'user' }).chat.send({
      text: 'his',
      clientId: 'k1',
    });
    expect(bobs.id).toBe(2);
    const error = await codeOf(callerFor(services).chat.send({ text: 'something else', clientId: 'k1' }));
    expect(error).toEqual({
      code: 'BAD_REQUEST',
      message: 'clientId k1 was already used for a different message',
    });
    expect(await services.repo.lastMessageId()).toBe(2);
  });

  it('rejects a malformed clientId', async () => {
    const error = await codeOf(callerFor(services).chat.send({ text: 'x', clientId: 'has spaces' }));
    expect(error.code).toBe('BAD_REQUEST');
  });
});
