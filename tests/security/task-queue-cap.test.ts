// One person cannot queue work for the agents without bound: 100 tasks.assign from one ordinary user were all
// queued. The cap counts the tasks a person has waiting; admins get more room.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_QUEUED_TASKS } from '../../src/server/agents/leader';
import { agentsRepositoryFor } from '../helpers/storage';
import {
  agentServices,
  callerFor,
  fixtureCommand,
  hire,
  say,
  stopAgentServices,
  waitForMessage,
} from '../server/agents/helpers';

afterEach(stopAgentServices);

const carol = { id: 'carol', role: 'user' as const };
const dave = { id: 'dave', role: 'user' as const };
const boss = { id: 'boss', role: 'admin' as const };

async function team() {
  const services = await agentServices({ AGENT_WORKER_COMMAND: fixtureCommand('slow-worker.mjs') });
  await hire(services, 'alice', 'developer');
  await hire(services, 'bob', 'designer');
  return services;
}

const tasksBy = async (services: Awaited<ReturnType<typeof team>>, user: string, status?: 'queued') =>
  (await callerFor(services, boss).tasks.list({ status: status ? [status] : undefined, limit: 500 })).filter(
    (t) => t.assignedBy === user,
  ).length;
const waitingBy = (services: Awaited<ReturnType<typeof team>>, user: string) =>
  tasksBy(services, user, 'queued');

describe('tasks waiting per person', () => {
  it('regression: of 100 parallel assigns from one user, at most 10 wait; the rest get TOO_MANY_REQUESTS', async () => {
    const services = await team();
    const caller = callerFor(services, carol);
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        caller.tasks.assign({ employee: i % 2 ? 'alice' : 'bob', description: `chore ${i}` }),
      ),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    // Each agent may have started one of them meanwhile: those run, they do not wait.
    expect(results.length - refused.length).toBeLessThanOrEqual(MAX_QUEUED_TASKS.user + 2);
    expect(results.length - refused.length).toBeGreaterThanOrEqual(MAX_QUEUED_TASKS.user);
    expect(await waitingBy(services, 'carol')).toBeLessThanOrEqual(MAX_QUEUED_TASKS.user);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      message:
        'carol already has 10 tasks waiting for an agent (the limit is 10): assign more once some have started',
    });
    // Nothing half-written: a refused assign left no task and no acknowledgement behind.
    expect(await tasksBy(services, 'carol')).toBe(results.length - refused.length);
  });

  it('counts each person on their own, and gives admins more room', async () => {
    const services = await team();
    for (let i = 0; i < 12; i++)
      await callerFor(services, carol)
        .tasks.assign({ employee: 'alice', description: `carol ${i}` })
        .catch(() => undefined);
    expect(
      (await callerFor(services, dave).tasks.assign({ employee: 'alice', description: 'dave' })).task,
    ).toMatchObject({ status: 'queued', assignedBy: 'dave' });
    const admin = callerFor(services, boss);
    for (let i = 0; i < MAX_QUEUED_TASKS.user + 5; i++)
      await admin.tasks.assign({ employee: 'bob', description: `boss ${i}` });
    expect(await waitingBy(services, 'boss')).toBeGreaterThan(MAX_QUEUED_TASKS.user);
  });

  it('regression: a mention over the cap queues nothing, and the agent says why in the chat', async () => {
    const services = await team();
    const caller = callerFor(services, carol);
    // One task runs; then carol fills her waiting room.
    for (let i = 0; i <= MAX_QUEUED_TASKS.user; i++)
      await caller.tasks.assign({ employee: 'alice', description: `chore ${i}` });
    expect(await waitingBy(services, 'carol')).toBe(MAX_QUEUED_TASKS.user);

    const mention = await say(services, 'carol', '@bob please create a logout button');

    const refusal = await waitForMessage(services, (m) => m.sender === 'bob' && m.replyTo === mention.id);
    expect(refusal.text).toBe(
      "@carol I can't take this one yet: carol already has 10 tasks waiting for an agent (the limit is 10): " +
        'assign more once some have started.',
    );
    expect(await tasksBy(services, 'carol')).toBe(MAX_QUEUED_TASKS.user + 1);
    // Someone else's mention is not counted against carol.
    const daves = await say(services, 'dave', '@bob please create a logout button');
    await waitForMessage(services, (m) => m.sender === 'bob' && m.threadRoot === daves.id);
    expect(await tasksBy(services, 'dave')).toBe(1);
  });

  it('gives an admin who mentions an agent in the chat an admin’s room', async () => {
    const services = await team();
    const admin = callerFor(services, boss);
    for (let i = 0; i <= MAX_QUEUED_TASKS.user; i++)
      await admin.tasks.assign({ employee: 'alice', description: `boss ${i}` });

    const mention = await admin.chat.send({ text: '@bob please create a logout button' });

    const ack = await waitForMessage(services, (m) => m.sender === 'bob' && m.threadRoot === mention.id);
    expect(ack.text).not.toMatch(/can't take this one/);
    expect(await waitingBy(services, 'boss')).toBeGreaterThanOrEqual(MAX_QUEUED_TASKS.user);
    expect(await tasksBy(services, 'boss')).toBe(MAX_QUEUED_TASKS.user + 2);
  });

  it('regression: tasks.continue queues within the same cap (it queued past it)', async () => {
    const services = await team();
    // A finished task of carol's with a session to continue.
    const repo = agentsRepositoryFor(services.repo);
    const done = await repo.createTask({
      employee: 'alice',
      description: 'earlier work',
      assignedBy: 'carol',
      messageId: null,
      model: '',
      mode: 'build',
      sessionId: 'ses_earlier',
    });
    await repo.updateTask(done.id, { status: 'done', finishedAt: new Date().toISOString() });
    const caller = callerFor(services, carol);
    for (let i = 0; i <= MAX_QUEUED_TASKS.user; i++)
      await caller.tasks.assign({ employee: 'alice', description: `chore ${i}` }).catch(() => undefined);
    expect(await waitingBy(services, 'carol')).toBe(MAX_QUEUED_TASKS.user);

    await expect(caller.tasks.continue({ id: done.id })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(await waitingBy(services, 'carol')).toBe(MAX_QUEUED_TASKS.user);
  });
});
