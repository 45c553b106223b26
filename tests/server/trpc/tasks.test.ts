import { afterEach, describe, expect, it } from 'vitest';
import {
  agentServices,
  callerFor,
  fixtureCommand,
  gitProject,
  hire,
  stopAgentServices,
  waitFor,
  waitForMessage,
} from '../agents/helpers';

afterEach(stopAgentServices);

const admin = { id: 'boss', role: 'admin' as const };
const carol = { id: 'carol', role: 'user' as const };
const dave = { id: 'dave', role: 'user' as const };

describe('tasks router', () => {
  it('assigns a task, which the agent acknowledges in chat and runs', async () => {
    const services = await agentServices({ AGENT_WORKER_COMMAND: fixtureCommand('progress-worker.mjs') });
    await hire(services, 'alice', 'developer');
    const { task, ahead } = await callerFor(services, carol).tasks.assign({
      employee: 'alice',
      description: 'Add a login form',
      mode: 'plan',
    });
    expect(ahead).toBe(0);
    expect(task).toMatchObject({
      employee: 'alice',
      description: 'Add a login form',
      status: 'running',
      assignedBy: 'carol',
      // Its acknowledgement is its message: the task's talk goes in that message's thread.
      messageId: expect.any(Number),
      mode: 'plan',
      // AGENT_MODEL unset and none chosen at hire: '' stored, opencode's configured default runs it.
      model: '',
    });
    const ack = await waitForMessage(services, (m) => m.sender === 'alice');
    expect(ack.text).toMatch(/^@carol (Got it!|On it!|Sure thing —) I'll add a login form\.$/);
    expect(ack.id).toBe(task.messageId);
    await waitForMessage(services, (m) => m.text.startsWith('✅ Done: Add a login form'));
    const [done] = await callerFor(services, carol).tasks.list({ status: ['done'] });
    expect(done?.finishedAt).toBeTruthy();
    expect(done?.startedAt).toBeTruthy();
  });

  it('lists tasks newest first, filtered by employee and status', async () => {
    // A git project: each employee's task runs at once on its own branch (without git they take turns).
    const services = await agentServices({
      AGENT_WORKER_COMMAND: fixtureCommand('slow-worker.mjs'),
      PROJECT_ROOT: gitProject(),
    });
    await hire(services, 'alice', 'developer');
    await hire(services, 'bob', 'designer');
    const caller = callerFor(services, carol);
    await caller.tasks.assign({ employee: 'alice', description: 'one' });
    await caller.tasks.assign({ employee: 'alice', description: 'two' });
    await caller.tasks.assign({ employee: 'bob', description: 'three' });

    expect((await caller.tasks.list({ employee: 'alice' })).map((t) => [t.description, t.status])).toEqual([
      ['two', 'queued'],
      ['one', 'running'],
    ]);
    expect((await caller.tasks.list({ status: ['running'] })).map((t) => t.description)).toEqual([
      'three',
      'one',
    ]);
    expect((await caller.tasks.list()).length).toBe(3);
    const status = await caller.tasks.status();
    expect(status.active.map((t) => t.description)).toEqual(['one', 'three']);
    expect(status.queue.map((t) => t.description)).toEqual(['two']);
    expect(status.agents.map((a) => [a.name, a.status, a.queued])).toEqual([
      ['alice', 'working', 1],
      ['bob', 'working', 0],
    ]);
  });

  it('rejects bad input with clear messages and writes nothing', async () => {
    const services = await agentServices();
    await hire(services, 'alice', 'developer');
    const caller = callerFor(services, carol);
    await expect(caller.tasks.assign({ employee: 'ghost', description: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'there is no employee named ghost; hire one first (employees.hire)',
    });
    await expect(caller.tasks.assign({ employee: 'alice', description: '  ' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('description is empty'),
    });
    await expect(caller.tasks.log({ id: 999 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'there is no task #999',
    });
    await expect(caller.tasks.stop({ employee: 'alice' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'alice has no running task to stop',
    });
    expect(await caller.tasks.list()).toEqual([]);
  });

  it('lets the assigner or an admin stop a task, nobody else', async () => {
    const services = await agentServices({ AGENT_WORKER_COMMAND: fixtureCommand('slow-worker.mjs') });
    await hire(services, 'alice', 'developer');
    await callerFor(services, carol).tasks.assign({ employee: 'alice', description: 'long job' });
    await callerFor(services, carol).tasks.assign({ employee: 'alice', description: 'second job' });

    await expect(callerFor(services, dave).tasks.stop({ employee: 'alice' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: "only an admin or carol (who assigned it) may stop alice's task",
    });
    expect(services.agents.runner.active('alice')?.task.description).toBe('long job');
    const stopped = await callerFor(services, carol).tasks.stop({ employee: 'alice' });
    expect(stopped).toMatchObject({ status: 'cancelled', reason: 'stopped by carol' });

    await waitFor(() => services.agents.runner.active('alice')?.task.description === 'second job');
    const second = await callerFor(services, admin).tasks.stop({ employee: 'alice' });
    expect(second).toMatchObject({
      description: 'second job',
      status: 'cancelled',
      reason: 'stopped by boss',
    });
  });

  it('reads the full task log in pages', async () => {
    const services = await agentServices({ AGENT_WORKER_COMMAND: fixtureCommand('progress-worker.mjs') });
    await hire(services, 'alice', 'developer');
    const { task } = await callerFor(services, carol).tasks.assign({ employee: 'alice', description: 'job' });
    await waitForMessage(services, (m) => m.text.startsWith('✅ Done: job'));

    const first = await callerFor(services, carol).tasks.log({ id: task.id, limit: 4 });
    expect(first.lines.map((l) => l.line)).toEqual([
      'reading the code',
      'step 1/3: scaffolding',
      'step 2/3: wiring it up',
      'step 3/3: tests pass',
    ]);
    const rest = await callerFor(services, carol).tasks.log({ id: task.id, after: first.nextAfter ?? 0 });
    expect(rest.lines.map((l) => l.line)).toEqual(['', 'created src/Login.tsx']);
    expect(rest.nextAfter).toBeNull();
    expect(rest.task.status).toBe('done');
  });

  it('firing an employee stops its worker and cancels its queue', async () => {
    const services = await agentServices({ AGENT_WORKER_COMMAND: fixtureCommand('slow-worker.mjs') });
    await hire(services, 'alice', 'developer');
    await callerFor(services, carol).tasks.assign({ employee: 'alice', description: 'one' });
    await callerFor(services, carol).tasks.assign({ employee: 'alice', description: 'two' });

    const fired = await callerFor(services, admin).employees.fire({ name: 'alice' });
    expect(fired.cancelledTasks).toBe(1);
    expect(fired.stoppedTask).toMatchObject({ description: 'one', status: 'cancelled' });
    expect(services.agents.runner.active('alice')).toBeNull();
    expect((await callerFor(services, carol).tasks.list()).map((t) => t.status)).toEqual([
      'cancelled',
      'cancelled',
    ]);
  });
});
