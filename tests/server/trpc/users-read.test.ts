// users.markRead / users.readState through createCaller: a person's read position never moves back, is the same
// from every device, and the counts say what is new for them (not their own messages) and what is for them.
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

const alice = () => callerFor(services, { id: 'alice', role: 'user' });
const bob = () => callerFor(services, { id: 'bob', role: 'user' });

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    return { code: (error as TRPCError).code, message: (error as TRPCError).message };
  }
  throw new Error('expected an error');
};

describe('users.readState', () => {
  it('counts every message of others as unread for someone who never read', async () => {
    await bob().chat.send({ text: 'one' });
    await bob().chat.send({ text: 'two' });
    await alice().chat.send({ text: 'mine does not count' });

    expect(await alice().users.readState()).toEqual({ upTo: 0, unread: 2, mentions: 0, through: 3 });
  });

  it('counts mentions of me and replies to my messages among the unread, and nothing of mine', async () => {
    const mine = await alice().chat.send({ text: 'who deploys today?' });
    await alice().users.markRead({ upTo: mine.id });
    await bob().chat.send({ text: 'plain news' });
    await bob().chat.send({ text: 'hey @Alice, look' });
    await bob().chat.send({ text: 'me', replyTo: mine.id });
    await bob().chat.send({ text: '@alice and a reply', replyTo: mine.id });
    await alice().chat.send({ text: 'I mention @alice myself', replyTo: mine.id });

    expect(await alice().users.readState()).toMatchObject({ upTo: mine.id, unread: 4, mentions: 3 });
    // Bob's own messages are not unread for him; alice's two are, and nothing there is for him.
    expect(await bob().users.readState()).toMatchObject({ upTo: 0, unread: 2, mentions: 0 });
  });

  it('counts a thread reply only when also sent to the channel; one under my message is for me', async () => {
    const root = await alice().chat.send({ text: 'release notes?' });
    await alice().users.markRead({ upTo: root.id });
    await bob().chat.send({ text: 'in the wiki', threadRoot: root.id });
    await bob().chat.send({ text: 'and linked from the README', threadRoot: root.id, alsoToChannel: true });

    expect(await alice().users.readState()).toMatchObject({ unread: 1, mentions: 1 });
  });

  it('stops counting a message once it is deleted', async () => {
    await bob().chat.send({ text: 'kept' });
    const oops = await bob().chat.send({ text: '@alice wrong chat' });
    await bob().chat.delete({ id: oops.id });
    expect(await alice().users.readState()).toMatchObject({ unread: 1, mentions: 0 });
  });

  it('matches me case-insensitively: my messages under another spelling are still mine', async () => {
    await callerFor(services, { id: 'Alice', role: 'user' }).chat.send({ text: 'from my phone' });
    await bob().chat.send({ text: 'hi' });
    expect(await alice().users.readState()).toMatchObject({ unread: 1 });
  });
});

describe('users.markRead', () => {
  it('moves the position forward and the unread count down', async () => {
    const first = await bob().chat.send({ text: 'one' });
    await bob().chat.send({ text: 'two' });
    const state = await alice().users.markRead({ upTo: first.id });
    expect(state).toEqual({ upTo: first.id, unread: 1, mentions: 0, through: first.id + 1 });
  });

  it('never moves back: an older upTo leaves the position where it was', async () => {
    const first = await bob().chat.send({ text: 'one' });
    const second = await bob().chat.send({ text: 'two' });
    await alice().users.markRead({ upTo: second.id });

    const after = await alice().users.markRead({ upTo: first.id });

    expect(after).toMatchObject({ upTo: second.id, unread: 0 });
    expect(await alice().users.readState()).toMatchObject({ upTo: second.id });
  });

  it('clips an upTo beyond the newest message to it, so later messages still count as unread', async () => {
    const last = await bob().chat.send({ text: 'the newest' });
    expect(await alice().users.markRead({ upTo: last.id + 1000 })).toMatchObject({ upTo: last.id });
    await bob().chat.send({ text: 'came after' });
    expect(await alice().users.readState()).toMatchObject({ upTo: last.id, unread: 1 });
  });

  it('follows the person: read on one device (any spelling of the id), read on the other', async () => {
    const last = await bob().chat.send({ text: 'news' });
    const laptop = callerFor(services, { id: 'Alice', role: 'user' });
    const phone = alice();
    await laptop.users.markRead({ upTo: last.id });
    expect(await phone.users.readState()).toMatchObject({ upTo: last.id, unread: 0 });
  });

  it('keeps one position per person: marking for alice leaves bob unread', async () => {
    const last = await callerFor(services, { id: 'carol', role: 'user' }).chat.send({ text: 'news' });
    await alice().users.markRead({ upTo: last.id });
    expect(await bob().users.readState()).toMatchObject({ upTo: 0, unread: 1 });
  });

  it.each([
    ['zero', { upTo: 0 }],
    ['a negative id', { upTo: -5 }],
    ['a fraction', { upTo: 1.5 }],
    ['text', { upTo: 'latest' }],
    ['nothing', {}],
  ])('refuses %s with BAD_REQUEST naming the message id', async (_name, input) => {
    const error = await failure(alice().users.markRead(input as { upTo: number }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('message id');
  });

  it('answers only signed-in callers', async () => {
    expect((await failure(callerFor(services, null).users.markRead({ upTo: 1 }))).code).toBe('UNAUTHORIZED');
    expect((await failure(callerFor(services, null).users.readState())).code).toBe('UNAUTHORIZED');
  });
});
