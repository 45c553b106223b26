// tasks.timeline and tasks.onUpdate through the router: stored history, replay after lastEventId, then live.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../../src/server/services';
import type { Connection } from '../../../src/server/trpc/context';
import { createCaller } from '../../../src/server/trpc/root';
import type { TaskEvent, TaskUpdateBatch } from '../../../src/shared/task-timeline';
import { callerFor, createTestServices } from '../../helpers/services';
import { agentsRepositoryFor } from '../../helpers/storage';

let services: Services;
beforeEach(async () => {
  services = await createTestServices();
});
afterEach(async () => {
  await services.repo.close();
});

const text = (t: string): TaskEvent => ({ kind: 'text', partId: t, text: t });

async function task(agent = 'alice') {
  return agentsRepositoryFor(services.repo).createTask({
    employee: agent,
    description: 'write the docs',
    model: 'm/x',
    mode: 'build',
    assignedBy: 'carol',
    messageId: null,
  });
}

const append = (t: { id: number; employee: string }, label: string) =>
  services.agents.timeline.append(t, text(label));

type Frame = { id: string; labels: string[] };

async function reader(stream: AsyncIterable<unknown>) {
  const iterator = stream[Symbol.asyncIterator]();
  return {
    async read(): Promise<Frame> {
      const [id, batch] = (await iterator.next()).value as unknown as [string, TaskUpdateBatch];
      return {
        id,
        labels: batch.updates.map((u) => (u.event.kind === 'text' ? u.event.text : u.event.kind)),
      };
    },
    close: () => iterator.return?.(),
  };
}

describe('tasks.timeline', () => {
  it("returns one task's entries in id order, in pages", async () => {
    const a = await task();
    const b = await task('bob');
    const a1 = await append(a, 'a1');
    await append(b, 'b1');
    const a2 = await append(a, 'a2');
    await append(a, 'a3');
    const caller = callerFor(services);

    const first = await caller.tasks.timeline({ taskId: a.id, limit: 2 });
    expect(first.task.id).toBe(a.id);
    expect(first.updates.map((u) => u.id)).toEqual([a1.id, a2.id]);
    expect(first.nextAfter).toBe(a2.id);
    const rest = await caller.tasks.timeline({ taskId: a.id, after: a2.id, limit: 2 });
    expect(rest.updates.map((u) => u.event)).toEqual([text('a3')]);
    expect(rest.nextAfter).toBeNull();
  });

  it('says which task does not exist, and refuses a limit out of range', async () => {
    await expect(callerFor(services).tasks.timeline({ taskId: 99 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'there is no task #99',
    });
    await expect(callerFor(services).tasks.timeline({ taskId: 1, limit: 5000 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('is for signed-in people only', async () => {
    await expect(callerFor(services, null).tasks.timeline({ taskId: 1 })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });
});

describe('tasks.onUpdate', () => {
  it('replays what was stored after lastEventId, then goes live without a gap or a duplicate', async () => {
    const a = await task();
    // Other parts of the server may listen too (the roster's tap): only this subscription's coming and going counts.
    const listeners = services.agents.timeline.updates.size;
    const first = await append(a, 'one');
    await append(a, 'two');
    await append(a, 'three');
    const stream = await reader(await callerFor(services).tasks.onUpdate({ lastEventId: String(first.id) }));

    expect(await stream.read()).toEqual({ id: String(first.id + 2), labels: ['two', 'three'] });
    await Promise.all([append(a, 'four'), append(a, 'five')]);
    expect(await stream.read()).toEqual({ id: String(first.id + 4), labels: ['four', 'five'] });
    await stream.close();
    expect(services.agents.timeline.updates.size).toBe(listeners);
  });

  it('replays a long absence in bounded pages', async () => {
    const a = await task();
    for (let i = 0; i < 300; i++) await append(a, `e${i}`);
    const stream = await reader(await callerFor(services).tasks.onUpdate({ lastEventId: '0' }));
    const pages = [await stream.read(), await stream.read()];
    expect(pages.map((p) => p.labels.length)).toEqual([250, 50]);
    expect(pages[1]?.labels.at(-1)).toBe('e299');
    await stream.close();
  });

  it("with taskId, carries only that task's updates", async () => {
    const a = await task();
    const b = await task('bob');
    await append(b, 'b0');
    const stream = await reader(await callerFor(services).tasks.onUpdate({ taskId: a.id, lastEventId: '0' }));
    await append(b, 'b1');
    await append(a, 'a1');
    expect(await stream.read()).toEqual({ id: expect.any(String), labels: ['a1'] });
    await stream.close();
  });

  it('without lastEventId first tells the current position, then goes live from it', async () => {
    const a = await task();
    const old = await append(a, 'old');
    const stream = await reader(await callerFor(services).tasks.onUpdate());
    expect(await stream.read()).toEqual({ id: String(old.id), labels: [] });
    const next = await append(a, 'new');
    expect(await stream.read()).toEqual({ id: String(next.id), labels: ['new'] });
    await stream.close();
  });

  it('cuts off a subscriber whose socket is backed up (it resumes by lastEventId) instead of buffering', async () => {
    const a = await task();
    // The socket's unsent bytes: what a client that stopped reading leaves behind.
    let unsent = 0;
    const terminated: string[] = [];
    const connection: Connection = {
      kind: 'websocket',
      bufferedAmount: () => unsent,
      terminate: (reason) => terminated.push(reason),
    };
    const listeners = services.agents.timeline.updates.size;
    const caller = createCaller({
      services,
      user: { id: 'alice', role: 'user' },
      authError: null,
      connection,
    });
    const stream = await reader(await caller.tasks.onUpdate({ lastEventId: '0' }));
    await append(a, 'read');
    expect((await stream.read()).labels).toEqual(['read']);

    unsent = services.hub.maxSocketBuffer + 1;
    await append(a, 'not read');
    expect(terminated).toEqual(['task update subscriber fell too far behind']);
    expect(services.agents.timeline.updates.size).toBe(listeners);
    await stream.close();
  });

  it('refuses a lastEventId that is not an id', async () => {
    await expect(callerFor(services).tasks.onUpdate({ lastEventId: 'abc' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('lastEventId must be the id of a timeline update'),
    });
  });
});
