// Edits and deletions across instances on one PostgreSQL: a change made through one instance reaches a subscriber
// on another live, in id order with messages, and one resuming by lastEventId there gets the missed ones once.
import { describe, expect, it } from 'vitest';
import { connectClient, type TestClient, waitFor } from '../../helpers/server';
import { logEntries, watchFrames } from '../integration/log-frames';
import { clusterFixture, type Instance, startInstance } from './helpers';

const { instances, clients, createDatabase } = clusterFixture();

async function cluster(n: number): Promise<Instance[]> {
  const url = await createDatabase();
  const started: Instance[] = [];
  for (let i = 0; i < n; i++) started.push(await startInstance(url));
  instances.push(...started);
  return started;
}

function on(instance: Instance, userId: string): TestClient {
  const c = connectClient(instance.wsUrl, { userId });
  clients.push(c);
  return c;
}

describe('the change log across instances', () => {
  it('carries edits and deletions made on one instance to subscribers of another, live and on resume', async () => {
    const [a, b] = await cluster(2);
    const alice = on(a as Instance, 'alice');
    const bob = on(b as Instance, 'bob');
    const live = watchFrames(bob);
    await live.started;
    const first = await alice.trpc.chat.send.mutate({ text: 'v1' });
    await alice.trpc.chat.edit.mutate({ id: first.id, text: 'v2 @carol' });
    const second = await alice.trpc.chat.send.mutate({ text: 'temp' });
    await alice.trpc.chat.delete.mutate({ id: second.id });
    await waitFor(() => logEntries(live.frames).length >= 4, 10_000, 'four entries on the other instance');
    expect(logEntries(live.frames).map((e) => e.describe)).toEqual([
      `message ${first.id} v1`,
      `edit ${first.id} v2 @carol [carol]`,
      `message ${second.id} temp`,
      `delete ${second.id} ''`,
    ]);
    const resumeAfter = live.frames.at(-1)?.id as string;
    live.stop();

    await alice.trpc.chat.edit.mutate({ id: first.id, text: 'v3' });
    const third = await alice.trpc.chat.send.mutate({ text: 'later' });
    const resumed = watchFrames(bob, resumeAfter);
    await waitFor(() => logEntries(resumed.frames).length >= 2, 10_000, 'the replay');
    await alice.trpc.chat.edit.mutate({ id: third.id, text: 'later, edited' });
    await waitFor(() => logEntries(resumed.frames).length >= 3, 10_000, 'the live edit');
    const entries = logEntries(resumed.frames);
    expect(entries.map((e) => e.describe)).toEqual([
      `edit ${first.id} v3`,
      `message ${third.id} later`,
      `edit ${third.id} later, edited`,
    ]);
    expect(new Set(entries.map((e) => e.id)).size).toBe(3);
    resumed.stop();
  }, 60_000);
});
