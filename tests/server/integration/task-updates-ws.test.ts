// tasks.onUpdate over a real WebSocket with @trpc/client: live updates, and a new connection resuming by
// lastEventId gets exactly what it missed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/app';
import type { TaskUpdate } from '../../../src/shared/task-timeline';
import { connectClient, startTestServer, type TestClient, waitFor } from '../../helpers/server';
import { agentsRepositoryFor } from '../../helpers/storage';

let app: App;
const clients: TestClient[] = [];
beforeAll(async () => {
  app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await app.stop();
});

function watch(taskId: number, lastEventId?: string) {
  const client = connectClient(app.wsUrl, { userId: 'watcher' });
  clients.push(client);
  const received: TaskUpdate[] = [];
  const ids: string[] = [];
  let started = false;
  const subscription = client.trpc.tasks.onUpdate.subscribe(
    { taskId, lastEventId },
    {
      onStarted: () => {
        started = true;
      },
      onData: (frame) => {
        ids.push(frame.id);
        received.push(...frame.data.updates);
      },
    },
  );
  return { client, received, ids, subscription, started: () => waitFor(() => started, 5000, 'start') };
}

describe('tasks.onUpdate over WebSocket', () => {
  it('delivers updates live and resumes by lastEventId on a new connection without gap or duplicate', async () => {
    const task = await agentsRepositoryFor(app.services.repo).createTask({
      employee: 'alice',
      description: 'ship it',
      model: 'm/x',
      mode: 'build',
      assignedBy: 'carol',
      messageId: null,
    });
    const say = (n: number) =>
      app.services.agents.timeline.append(task, { kind: 'text', partId: `p${n}`, text: `line ${n}` });

    const first = watch(task.id);
    await first.started();
    await waitFor(() => first.ids.length === 1, 5000, 'the position frame');
    for (let n = 1; n <= 3; n++) await say(n);
    await waitFor(() => first.received.length === 3, 5000, 'three live updates');
    const resumeFrom = first.ids.at(-1) as string;
    first.subscription.unsubscribe();
    await first.client.close();

    // While nobody listens.
    for (let n = 4; n <= 6; n++) await say(n);
    const second = watch(task.id, resumeFrom);
    await waitFor(() => second.received.length === 3, 5000, 'the missed updates');
    await say(7);
    await waitFor(() => second.received.length === 4, 5000, 'the next live update');

    const texts = (list: TaskUpdate[]) => list.map((u) => (u.event.kind === 'text' ? u.event.text : ''));
    expect(texts(first.received)).toEqual(['line 1', 'line 2', 'line 3']);
    expect(texts(second.received)).toEqual(['line 4', 'line 5', 'line 6', 'line 7']);
    expect(second.ids.at(-1)).toBe(String(second.received.at(-1)?.id));
  });
});
