// Reactions and thread replies over a real WebSocket: another subscriber sees them live, in the one ordered stream
// (a 'react' change, a thread reply and its root's 'thread' change), and a resume replays them once.
import type { Unsubscribable } from '@trpc/server/observable';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/app';
import type { Message, MessageBatch, MessageChange } from '../../../src/shared/message';
import { connectClient, startTestServer, type TestClient, waitFor } from '../../helpers/server';

let app: App;
const clients: TestClient[] = [];
const subscriptions: Unsubscribable[] = [];

beforeAll(async () => {
  app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
});
afterAll(async () => {
  for (const s of subscriptions) s.unsubscribe();
  await Promise.all(clients.map((c) => c.close()));
  await app.stop();
});

function join(userId: string): TestClient {
  const client = connectClient(app.wsUrl, { userId });
  clients.push(client);
  return client;
}

/** Everything a subscriber receives: messages and changes, with the frame ids, in arrival order. */
function watch(client: TestClient, lastEventId?: string) {
  const messages: Message[] = [];
  const changes: MessageChange[] = [];
  const ids: number[] = [];
  let live = false;
  const subscription = client.trpc.chat.onMessage.subscribe(lastEventId ? { lastEventId } : undefined, {
    onStarted: () => {
      live = true;
    },
    onData: (event) => {
      const batch: MessageBatch = event.data;
      messages.push(...batch.messages);
      changes.push(...(batch.changes ?? []));
      // A frame holds two lists, each in id order: together they are the log's next entries.
      const entries = [...batch.messages.map((m) => m.id), ...(batch.changes ?? []).map((c) => c.id)];
      ids.push(...entries.sort((a, b) => a - b));
    },
  });
  subscriptions.push(subscription);
  return { messages, changes, ids, started: () => waitFor(() => live, 5000, 'subscription start') };
}

describe('reactions and threads over a real WebSocket', () => {
  it('shows a reaction and a thread reply live to another subscriber, then once on resume', async () => {
    const alice = join('alice');
    const bob = join('bob');
    const root = await alice.trpc.chat.send.mutate({ text: 'release notes are up' });
    const bobView = watch(bob, String(root.id));
    await bobView.started();

    await alice.trpc.chat.react.mutate({ id: root.id, emoji: '🎉', on: true });
    await waitFor(() => bobView.changes.some((c) => c.kind === 'react'), 5000, 'the reaction');
    const reacted = bobView.changes.find((c) => c.kind === 'react');
    expect(reacted).toMatchObject({ messageId: root.id, by: 'alice' });
    expect(reacted?.message.reactions).toEqual([{ emoji: '🎉', users: ['alice'] }]);

    const reply = await alice.trpc.chat.send.mutate({ text: 'link in the thread', threadRoot: root.id });
    expect(reply.threadRoot).toBe(root.id);
    await waitFor(() => bobView.changes.some((c) => c.kind === 'thread'), 5000, 'the thread change');
    expect(bobView.messages.map((m) => m.id)).toEqual([reply.id]);
    expect(bobView.messages[0]?.threadRoot).toBe(root.id);
    const threaded = bobView.changes.find((c) => c.kind === 'thread');
    expect(threaded?.messageId).toBe(root.id);
    expect(threaded?.message).toMatchObject({ replyCount: 1, lastReplyAt: reply.createdAt });
    // The reply and its root's change are one ordered log.
    expect(bobView.ids).toEqual([...bobView.ids].sort((a, b) => a - b));

    // A second subscriber resuming from the root gets the same entries, once each.
    const carol = watch(join('carol'), String(root.id));
    await waitFor(() => carol.ids.length >= bobView.ids.length, 5000, 'the replay');
    expect(carol.ids).toEqual(bobView.ids);
  });
});
