// chat.edit and chat.delete through createCaller: who may, the codes, the tombstone, mentions re-parsed, the audit.
import { TRPCError } from '@trpc/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../../src/server/services';
import type { MessageChange } from '../../../src/shared/message';
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
const admin = () => callerFor(services, { id: 'root', role: 'admin' });

async function codeOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    return { code: (error as TRPCError).code, message: (error as TRPCError).message };
  }
  throw new Error('expected an error');
}

/** Every change published on the hub's bus while `body` runs. */
async function changesDuring(body: () => Promise<void>): Promise<MessageChange[]> {
  const seen: MessageChange[] = [];
  const stop = services.hub.onEvent((event) => {
    if (event.type === 'change') seen.push(event.change);
  });
  try {
    await body();
  } finally {
    stop();
  }
  return seen;
}

describe('chat.edit', () => {
  it('replaces the text of your own message, re-parses mentions and marks it edited', async () => {
    const sent = await alice().chat.send({ text: 'ask @carol' });
    const edited = await alice().chat.edit({ id: sent.id, text: '/deploy now @dave' });
    expect(edited).toMatchObject({
      id: sent.id,
      text: '/deploy now @dave',
      mentions: ['dave'],
      isCommand: true,
      command: 'deploy',
      commandArgs: ['now', '@dave'],
    });
    expect(Date.parse(edited.editedAt ?? '')).not.toBeNaN();
    const [stored] = await alice().chat.get({ ids: [sent.id] });
    expect(stored).toEqual(edited);
  });

  it("refuses someone else's message with FORBIDDEN and leaves it as it was", async () => {
    const sent = await alice().chat.send({ text: 'mine' });
    const error = await codeOf(bob().chat.edit({ id: sent.id, text: 'hijacked' }));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain("someone else's");
    // Not even an admin writes words into another person's mouth.
    expect((await codeOf(admin().chat.edit({ id: sent.id, text: 'x' }))).code).toBe('FORBIDDEN');
    const [stored] = await alice().chat.get({ ids: [sent.id] });
    expect(stored?.text).toBe('mine');
    expect(stored?.editedAt).toBeUndefined();
  });

  it('answers NOT_FOUND for a message that does not exist, BAD_REQUEST for a deleted one or bad text', async () => {
    expect((await codeOf(alice().chat.edit({ id: 99, text: 'x' }))).code).toBe('NOT_FOUND');
    const sent = await alice().chat.send({ text: 'soon gone' });
    expect((await codeOf(alice().chat.edit({ id: sent.id, text: '  ' }))).code).toBe('BAD_REQUEST');
    await alice().chat.delete({ id: sent.id });
    const error = await codeOf(alice().chat.edit({ id: sent.id, text: 'back?' }));
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    expect(error.message).toContain('deleted');
  });

  it('publishes one edit change per real edit and none for the same text again', async () => {
    const sent = await alice().chat.send({ text: 'v1' });
    const changes = await changesDuring(async () => {
      await alice().chat.edit({ id: sent.id, text: 'v2' });
      await alice().chat.edit({ id: sent.id, text: 'v2' });
    });
    expect(changes.map((c) => [c.kind, c.messageId, c.by, c.message.text])).toEqual([
      ['edit', sent.id, 'alice', 'v2'],
    ]);
    // The change took the next id of the messages' own sequence: the next message comes after it.
    const next = await alice().chat.send({ text: 'after' });
    expect(changes[0]?.id).toBe(sent.id + 1);
    expect(next.id).toBe(sent.id + 2);
  });
});

describe('chat.delete', () => {
  it('leaves a tombstone: the text is gone from the database, the row and its thread count stay', async () => {
    const root = await alice().chat.send({ text: 'secret plan @bob' });
    await services.hub.post(
      { text: 'a reply', sender: 'bob', senderKind: 'user', threadRoot: root.id },
      'api',
    );
    const reacted = await services.hub.react({ id: root.id, emoji: '👍', on: true }, 'bob');
    expect(reacted.reactions).toEqual([{ emoji: '👍', users: ['bob'] }]);
    const deleted = await alice().chat.delete({ id: root.id });
    expect(deleted).toMatchObject({ id: root.id, text: '', mentions: [], sender: 'alice', replyCount: 1 });
    expect(Date.parse(deleted.deletedAt ?? '')).not.toBeNaN();
    expect(deleted.reactions).toBeUndefined();
    const thread = await services.repo.thread(root.id);
    expect(thread.map((m) => m.text)).toEqual(['', 'a reply']);
    const page = await alice().chat.history({ limit: 10 });
    expect(JSON.stringify(page)).not.toContain('secret plan');
  });

  it("refuses someone else's message to a user with FORBIDDEN", async () => {
    const sent = await alice().chat.send({ text: 'mine' });
    expect((await codeOf(bob().chat.delete({ id: sent.id }))).code).toBe('FORBIDDEN');
    expect((await alice().chat.get({ ids: [sent.id] }))[0]?.text).toBe('mine');
  });

  it("lets an admin delete anyone's message and audits it (not one's own)", async () => {
    const sent = await alice().chat.send({ text: 'rude words' });
    const deleted = await admin().chat.delete({ id: sent.id });
    expect(deleted).toMatchObject({ id: sent.id, text: '', sender: 'alice' });
    const own = await admin().chat.send({ text: 'oops' });
    await admin().chat.delete({ id: own.id });
    const audit = await services.audit.list({ before: null, limit: 10, action: 'chat.delete' });
    expect(audit.map((e) => [e.actor, e.target, e.details])).toEqual([
      ['root', String(sent.id), { id: sent.id, sender: 'alice' }],
    ]);
  });

  it('answers NOT_FOUND for a missing message; deleting twice changes nothing the second time', async () => {
    expect((await codeOf(alice().chat.delete({ id: 42 }))).code).toBe('NOT_FOUND');
    const sent = await alice().chat.send({ text: 'bye' });
    const changes = await changesDuring(async () => {
      const first = await alice().chat.delete({ id: sent.id });
      const again = await alice().chat.delete({ id: sent.id });
      expect(again).toEqual(first);
    });
    expect(changes.map((c) => c.kind)).toEqual(['delete']);
  });
});
