// tasks.diff / tasks.merge / tasks.discard through createCaller: who may, unknown tasks, tasks without a branch, and
// the audit rows of merges and discards. Branches on a real git repository are in agents/opencode/side-by-side.
import { afterEach, describe, expect, it } from 'vitest';
import {
  agentServices,
  callerFor,
  fixtureCommand,
  hire,
  stopAgentServices,
  waitForMessage,
} from '../agents/helpers';

afterEach(stopAgentServices);

const admin = { id: 'boss', role: 'admin' as const };
const carol = { id: 'carol', role: 'user' as const };
const dave = { id: 'dave', role: 'user' as const };

/** A finished task assigned by carol, in a project that is not a git repository. */
async function finishedTask() {
  const services = await agentServices({ AGENT_WORKER_COMMAND: fixtureCommand('progress-worker.mjs') });
  await hire(services, 'alice', 'developer');
  const { task } = await callerFor(services, carol).tasks.assign({
    employee: 'alice',
    description: 'Add a form',
  });
  await waitForMessage(services, (m) => m.text.startsWith('✅ Done: Add a form'));
  return { services, task };
}

describe('task branches through the router', () => {
  it('an unknown task is NOT_FOUND for diff, merge and discard', async () => {
    const services = await agentServices();
    const caller = callerFor(services, admin);
    await expect(caller.tasks.diff({ id: 999 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'there is no task #999',
    });
    await expect(caller.tasks.merge({ id: 999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(caller.tasks.discard({ id: 999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('someone who neither assigned the task nor is an admin is FORBIDDEN, told who may', async () => {
    const { services, task } = await finishedTask();
    const caller = callerFor(services, dave);
    const message = `only an admin or carol (who assigned task #${task.id}) may merge alice's branch`;
    await expect(caller.tasks.merge({ id: task.id })).rejects.toMatchObject({ code: 'FORBIDDEN', message });
    await expect(caller.tasks.diff({ id: task.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(caller.tasks.discard({ id: task.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a task without an open branch is PRECONDITION_FAILED, and the refused merge is audited', async () => {
    const { services, task } = await finishedTask();
    await expect(callerFor(services, carol).tasks.merge({ id: task.id })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: expect.stringContaining(`task #${task.id} has no open branch`),
    });
    await expect(callerFor(services, admin).tasks.diff({ id: task.id })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    const { entries } = await callerFor(services, admin).audit.list({ action: 'tasks.merge' });
    expect(entries).toMatchObject([
      { actor: 'carol', action: 'tasks.merge', target: String(task.id), outcome: 'error' },
    ]);
  });
});
