// Edits and deletions over a real WebSocket: live in the same ordered stream as messages, and a subscriber that
// resumes by lastEventId receives the ones it missed in order, exactly once (SQLite file: the writer thread commits).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/app';
import { connectClient, startTestServer, type TestClient, waitFor } from '../../helpers/server';
import { type Frame, logEntries, watchFrames } from './log-frames';

let app: App;
const clients: TestClient[] = [];

beforeAll(async () => {
  app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await app.stop();
});

function join(userId: string): TestClient {
  const client = connectClient(app.wsUrl, { userId });
  clients.push(client);
  return client;
}

describe('edits and deletions on the message stream', () => {
  it('reach another person live, in id order with messages, each once', async () => {
    const alice = join('alice');
    const bob = join('bob');
    const bobView = watchFrames(bob);
    await bobView.started;
    const first = await alice.trpc.chat.send.mutate({ text: 'helo @carol' });
    await alice.trpc.chat.edit.mutate({ id: first.id, text: 'hello @dave' });
    const second = await alice.trpc.chat.send.mutate({ text: 'second' });
    await alice.trpc.chat.delete.mutate({ id: second.id });
    await waitFor(() => logEntries(bobView.frames).length >= 4, 5000, 'four log entries');
    const entries = logEntries(bobView.frames);
    expect(entries.map((e) => e.describe)).toEqual([
      `message ${first.id} helo @carol`,
      `edit ${first.id} hello @dave [dave]`,
      `message ${second.id} second`,
      `delete ${second.id} ''`,
    ]);
    const ids = entries.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    // Each frame's tracked id is the largest id it carries, changes included.
    for (const frame of bobView.frames) expect(Number(frame.id)).toBe(Math.max(...frame.ids));
    bobView.stop();
  });

  it('are replayed to a subscriber resuming by lastEventId, in order, exactly once, then live once', async () => {
    const alice = join('alice');
    const bob = join('bob');
    const root = await alice.trpc.chat.send.mutate({ text: 'draft' });
    const before = watchFrames(bob, String(root.id - 1));
    await waitFor(() => logEntries(before.frames).length >= 1, 5000, 'the root');
    const resumeAfter = before.frames.at(-1)?.id as string;
    before.stop();

    // While bob is away: an edit, a new message, a deletion and another edit.
    await alice.trpc.chat.edit.mutate({ id: root.id, text: 'final @erin' });
    const extra = await alice.trpc.chat.send.mutate({ text: 'p.s.' });
    await alice.trpc.chat.delete.mutate({ id: extra.id });
    await alice.trpc.chat.edit.mutate({ id: root.id, text: 'final final' });

    const resumed = watchFrames(bob, resumeAfter);
    await waitFor(() => logEntries(resumed.frames).length >= 4, 5000, 'the replay');
    // Replayed changes carry the message as it is now; each one comes once, after the entries before it.
    expect(logEntries(resumed.frames).map((e) => e.describe)).toEqual([
      `edit ${root.id} final final`,
      `message ${extra.id} ''`,
      `delete ${extra.id} ''`,
      `edit ${root.id} final final`,
    ]);
    const live = await alice.trpc.chat.edit.mutate({ id: root.id, text: 'really final' });
    await waitFor(() => logEntries(resumed.frames).length >= 5, 5000, 'the live edit');
    await alice.trpc.chat.send.mutate({ text: 'marker' });
    await waitFor(() => logEntries(resumed.frames).length >= 6, 5000, 'the marker');
    const entries = logEntries(resumed.frames);
    expect(entries.slice(4).map((e) => e.describe)).toEqual([
      `edit ${live.id} really final`,
      expect.stringMatching(/^message \d+ marker$/),
    ]);
    const ids = entries.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    resumed.stop();
  });

  it('keeps plain frames as they were: no changes list, no new fields on a plain message', async () => {
    const alice = join('alice');
    const view = watchFrames(alice);
    await view.started;
    await alice.trpc.chat.send.mutate({ text: 'plain' });
    await waitFor(() => view.frames.length >= 1);
    const frame = view.frames[0] as Frame;
    expect(Object.keys(frame.data)).toEqual(['messages']);
    expect(Object.keys(frame.data.messages[0] ?? {}).sort()).toEqual(
      [
        'clientId',
        'command',
        'commandArgs',
        'createdAt',
        'id',
        'isCommand',
        'mentions',
        'origin',
        'replyTo',
        'sender',
        'senderKind',
        'text',
      ].sort(),
    );
    view.stop();
  });
});
