// Agents across instances on one PostgreSQL: hire, fire, assign and stop on an instance that does not run the
// agents reach the one that does at once; tasks run once and their results are posted once; every instance lists
// the same roster and tasks from the shared tables.
import pg from 'pg';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { OpencodeServer } from '../../../src/server/agents/opencode/opencode-server';
import { LOCKS } from '../../../src/server/db/pg/locks';
import type { Message } from '../../../src/shared/message';
import { connectClient, tempDir, waitFor } from '../../helpers/server';
import { fixtureCommand } from '../agents/helpers';
import { opencodeWorld } from '../agents/opencode/harness';
import { clusterFixture, type Instance, startInstance, stopInstance } from './helpers';

const { instances, clients, createDatabase } = clusterFixture();

/**
 * Two instances on a fresh database. `leader` starts first and takes the agents role at start-up (the other finds
 * the lock taken); `other` never runs the agents while the leader lives.
 */
async function cluster(worker: string) {
  const url = await createDatabase();
  const env = { AGENT_WORKER_COMMAND: fixtureCommand(worker), PROJECT_ROOT: tempDir('ocs-cluster-agents-') };
  const leader = await startInstance(url, env);
  const other = await startInstance(url, env);
  instances.push(leader, other);
  const onLeader = connectClient(leader.wsUrl, { userId: 'boss' });
  const onOther = connectClient(other.wsUrl, { userId: 'boss' });
  clients.push(onLeader, onOther);
  const seen: Message[] = [];
  onLeader.trpc.chat.onMessage.subscribe(undefined, { onData: (e) => seen.push(...e.data.messages) });
  await waitFor(() => onLeader.ws.connection?.state === 'open', 5000);
  return { leader, other, onLeader, onOther, seen, databaseUrl: url };
}

const rest = async (instance: Instance, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${instance.httpUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-user-id': 'boss' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** Posts a marker through each instance and waits for both: whatever was committed before them has been seen. */
async function settle(c: Awaited<ReturnType<typeof cluster>>): Promise<void> {
  const a = await c.onLeader.trpc.chat.send.mutate({ text: 'marker from the leader' });
  const b = await c.onOther.trpc.chat.send.mutate({ text: 'marker from the other' });
  await waitFor(() => c.seen.some((m) => m.id === a.id) && c.seen.some((m) => m.id === b.id), 10_000);
}

describe('agents across instances', () => {
  it('answers a mention of an employee hired a moment ago on the other instance, exactly once', async () => {
    const c = await cluster('progress-worker.mjs');
    const hired = await c.onOther.trpc.employees.hire.mutate({ name: 'grace', role: 'developer' });
    expect(hired).toMatchObject({ name: 'grace', status: 'idle', queued: 0 });

    const mention = await c.onOther.trpc.chat.send.mutate({ text: '@grace what are you working on?' });
    await waitFor(
      () => c.seen.some((m) => m.sender === 'grace' && m.replyTo === mention.id),
      15_000,
      'answer',
    );
    await settle(c);
    expect(c.seen.filter((m) => m.sender === 'grace' && m.replyTo === mention.id)).toHaveLength(1);

    // Both instances list her from the shared tables, and show her in presence.
    for (const client of [c.onLeader, c.onOther]) {
      expect((await client.trpc.employees.list.query()).map((e) => e.name)).toEqual(['grace']);
      await waitFor(
        async () =>
          (await client.trpc.presence.list.query()).some((p) => p.name === 'grace' && p.kind === 'agent'),
        5000,
        'grace in presence',
      );
    }
  });

  it('runs a task assigned through the other instance’s REST API once and posts its result once', async () => {
    const c = await cluster('progress-worker.mjs');
    await c.onOther.trpc.employees.hire.mutate({ name: 'linus', role: 'developer' });
    const assigned = await rest(c.other, 'POST', '/tasks', { name: 'linus', task: 'build the login page' });
    expect(assigned.status).toBe(200);
    const taskId = (assigned.body.task as { id: number }).id;

    await waitFor(
      async () => (await c.onOther.trpc.tasks.list.query({ employee: 'linus' }))[0]?.status === 'done',
      20_000,
      'the task to finish',
    );
    await waitFor(() => c.seen.some((m) => m.sender === 'linus' && m.text.startsWith('✅ Done')), 10_000);
    await settle(c);
    const fromLinus = c.seen.filter((m) => m.sender === 'linus');
    expect(fromLinus.filter((m) => m.text.startsWith('@boss'))).toHaveLength(1);
    expect(fromLinus.filter((m) => m.text.startsWith('✅ Done: build the login page'))).toHaveLength(1);
    const tasks = await c.onLeader.trpc.tasks.list.query({ employee: 'linus' });
    expect(tasks.map((t) => [t.id, t.status])).toEqual([[taskId, 'done']]);
    // One run: the worker's log holds its output once.
    const log = await c.onOther.trpc.tasks.log.query({ id: taskId });
    expect(log.lines.filter((l) => l.line === 'created src/Login.tsx')).toHaveLength(1);
  });

  it('stops and fires through the other instance: the worker on the leader stops and the name goes quiet', async () => {
    const c = await cluster('slow-worker.mjs');
    await c.onLeader.trpc.employees.hire.mutate({ name: 'rob', role: 'developer' });
    await c.onOther.trpc.tasks.assign.mutate({ employee: 'rob', description: 'run for ever' });
    await waitFor(
      async () => (await c.onOther.trpc.employees.list.query())[0]?.status === 'working',
      15_000,
      'rob working, seen from the other instance',
    );
    const status = await c.onOther.trpc.tasks.status.query();
    expect(status.active.map((t) => t.employee)).toEqual(['rob']);

    const stopped = await rest(c.other, 'DELETE', '/tasks/rob');
    expect(stopped.body.task).toMatchObject({ status: 'cancelled', reason: 'stopped by boss' });
    await waitFor(() => c.seen.some((m) => m.sender === 'rob' && m.text.startsWith('⏹ Stopped')), 10_000);

    await c.onOther.trpc.tasks.assign.mutate({ employee: 'rob', description: 'run for ever again' });
    await waitFor(
      async () => (await c.onOther.trpc.tasks.status.query()).active.length === 1,
      15_000,
      'the second task running',
    );
    const fired = await rest(c.other, 'DELETE', '/employees/rob');
    expect(fired.body).toMatchObject({ success: true, name: 'rob', stoppedTask: { status: 'cancelled' } });
    expect(await c.onLeader.trpc.employees.list.query()).toEqual([]);

    const mention = await c.onLeader.trpc.chat.send.mutate({ text: '@rob are you still there?' });
    await settle(c);
    expect(c.seen.filter((m) => m.sender === 'rob' && m.id > mention.id)).toEqual([]);
    expect(c.seen.filter((m) => m.sender === 'rob' && m.text.startsWith('⏹ Stopped'))).toHaveLength(1);
  });

  it('answers a stop on the other instance with NOT_FOUND when nothing runs', async () => {
    const c = await cluster('slow-worker.mjs');
    await c.onOther.trpc.employees.hire.mutate({ name: 'ada', role: 'developer' });
    const res = await rest(c.other, 'DELETE', '/tasks/ada');
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).toContain('ada has no running task to stop');
  });

  it('forwards tasks.answer made on the other instance to the agents leader, with its outcome', async () => {
    const world = await opencodeWorld();
    const password = 'cluster-asks';
    const opencode = new OpencodeServer({
      projectRoot: world.project,
      logger: pino({ level: 'silent' }),
      password,
      env: { ...process.env, ...world.env },
    });
    try {
      await opencode.ready();
      const url = await createDatabase();
      const env = {
        PROJECT_ROOT: world.project,
        OPENCODE_URL: opencode.baseUrl as string,
        OPENCODE_SERVER_PASSWORD: password,
      };
      const leader = await startInstance(url, env);
      const other = await startInstance(url, env);
      instances.push(leader, other);
      const onLeader = connectClient(leader.wsUrl, { userId: 'boss' });
      const onOther = connectClient(other.wsUrl, { userId: 'carol' });
      clients.push(onLeader, onOther);
      const seen: Message[] = [];
      onLeader.trpc.chat.onMessage.subscribe(undefined, { onData: (e) => seen.push(...e.data.messages) });
      await waitFor(() => onLeader.ws.connection?.state === 'open', 5000);

      // The leader's refusal comes back as is (here: no such ask), not as a timeout.
      await expect(
        onOther.trpc.tasks.answer.mutate({ askId: 'per_none', answer: 'allow' }),
      ).rejects.toMatchObject({
        data: { code: 'NOT_FOUND' },
        message: expect.stringContaining('there is no open question or permission request per_none'),
      });

      await onLeader.trpc.employees.hire.mutate({ name: 'ada', role: 'developer' });
      await onOther.trpc.chat.send.mutate({ text: '@ada please build the docs (script:bash)' });
      await waitFor(() => seen.some((m) => m.sender === 'ada' && m.text.startsWith('🔐')), 60_000, 'the ask');
      const [task] = await onOther.trpc.tasks.list.query({ employee: 'ada' });
      const { updates } = await onOther.trpc.tasks.timeline.query({ taskId: task?.id as number });
      const ask = updates.map((u) => u.event).find((e) => e.kind === 'ask');
      const askId = ask?.kind === 'ask' ? ask.askId : '';
      const answered = await onOther.trpc.tasks.answer.mutate({ askId, answer: 'allow' });
      expect(answered).toEqual({ askId, taskId: task?.id, answer: 'allow', by: 'carol' });
      await waitFor(
        () => seen.some((m) => m.sender === 'ada' && m.text.startsWith('✅ Done')),
        60_000,
        'done',
      );
    } finally {
      await opencode.stop();
      await world.model.stop();
    }
  }, 180_000);

  it('answers, once, a mention made while no instance ran the agents, when the other takes over', async () => {
    const c = await cluster('progress-worker.mjs');
    await c.onOther.trpc.employees.hire.mutate({ name: 'grace', role: 'developer' });
    await settle(c);
    const seen: Message[] = [];
    c.onOther.trpc.chat.onMessage.subscribe(undefined, { onData: (e) => seen.push(...e.data.messages) });

    // The leader dies; the test holds the agents role itself (granted once the dead leader's session is gone), so
    // the mention below is committed while no instance runs the agents.
    stopInstance(c.leader);
    const role = new pg.Client({ connectionString: c.databaseUrl });
    await role.connect();
    await role.query('SELECT pg_advisory_lock($1)', [LOCKS.agents]);
    const mention = await c.onOther.trpc.chat.send.mutate({ text: '@grace what are you working on?' });
    await role.end();

    await waitFor(
      () => seen.some((m) => m.sender === 'grace' && m.replyTo === mention.id),
      15_000,
      'the answer from the instance that took over',
    );
    const marker = await c.onOther.trpc.chat.send.mutate({ text: 'marker' });
    await waitFor(() => seen.some((m) => m.id === marker.id), 10_000);
    expect(seen.filter((m) => m.sender === 'grace' && m.replyTo === mention.id)).toHaveLength(1);
  });
});
