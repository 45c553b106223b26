// The running task's transitions against a real database: each one stores what it changes, and the ones its phase
// does not allow are refused (a stuck task is not stuck again, a stop is asked once, an end is recorded once).
import { afterEach, describe, expect, it } from 'vitest';
import { IllegalTransitionError, RunningTask } from '../../../src/server/agents/running-task';
import type { TaskExit, TaskWorker } from '../../../src/server/agents/task-worker';
import { agentsRepositoryFor } from '../../helpers/storage';
import { agentServices, stopAgentServices } from './helpers';

afterEach(() => stopAgentServices());

/** The worker at the edge: it never exits by itself and never waits for a person. */
const idleWorker = (): TaskWorker => ({
  pid: 4242,
  exited: new Promise<TaskExit>(() => {}),
  stop: async () => ({ code: null, signal: 'SIGTERM', stopped: true }),
  help: () => false,
});

async function runningTask() {
  const services = await agentServices();
  const repo = agentsRepositoryFor(services.repo);
  await repo.createTask({
    employee: 'alice',
    description: 'fix the build',
    model: '',
    mode: 'build',
    assignedBy: 'carol',
    messageId: null,
  });
  const task = await repo.claimNextTask('alice', new Date().toISOString());
  if (!task) throw new Error('the task was not claimed');
  return { repo, run: new RunningTask(repo, task, { worker: idleWorker() }) };
}

describe('RunningTask', () => {
  it('starts running, live, not stuck, with no progress yet', async () => {
    const { run } = await runningTask();
    expect(run.phase).toBe('running');
    expect(run.live).toBe(true);
    expect(run.stuck).toBe(false);
    expect(run.progress).toBeNull();
    expect(run.task.status).toBe('running');
  });

  it('becomes stuck once and stores it; is working again once unstuck; refuses to unstick twice', async () => {
    const { repo, run } = await runningTask();
    expect(await run.becomeStuck()).toBe(true);
    expect(run.task.status).toBe('stuck');
    expect((await repo.getTask(run.task.id))?.status).toBe('stuck');
    expect(await run.becomeStuck()).toBe(false);
    expect(run.unstick()).toBe(true);
    expect(run.stuck).toBe(false);
    expect(run.unstick()).toBe(false);
    await expect.poll(async () => (await repo.getTask(run.task.id))?.status).toBe('running');
  });

  it('keeps the first reason when a stop is asked twice', async () => {
    const { run } = await runningTask();
    expect(run.requestStop('stopped by carol')).toBe(true);
    expect(run.phase).toBe('stopping');
    expect(run.live).toBe(true);
    expect(run.requestStop('alice was fired by boss')).toBe(false);
    expect(run.stopReason).toBe('stopped by carol');
  });

  it('once exited refuses to be stuck, stopped or exited again, and its timer does not fire', async () => {
    const { run } = await runningTask();
    let fired = false;
    run.watch(10, () => {
      fired = true;
    });
    run.exited();
    expect(run.live).toBe(false);
    expect(await run.becomeStuck()).toBe(false);
    expect(run.requestStop('too late')).toBe(false);
    expect(() => run.exited()).toThrow(IllegalTransitionError);
    run.watch(1, () => {
      fired = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(fired).toBe(false);
  });

  it('records its end once, only after the exit, then its branch, then settles once with the final task', async () => {
    const { repo, run } = await runningTask();
    await expect(run.record({ status: 'done' })).rejects.toThrow(IllegalTransitionError);
    expect(() => run.settled()).toThrow(IllegalTransitionError);
    run.exited();
    await expect(
      run.committed({
        kind: 'branch',
        state: 'open',
        branch: 'agent/alice/1',
        base: 'main',
        commit: 'abc123',
        files: [],
        by: null,
        mergeCommit: null,
        conflicts: [],
      }),
    ).rejects.toThrow(IllegalTransitionError);
    const done = await run.record({ status: 'done', exitCode: 0, finishedAt: new Date().toISOString() });
    expect(done.status).toBe('done');
    await expect(run.record({ status: 'failed' })).rejects.toThrow(IllegalTransitionError);
    const committed = await run.committed({
      kind: 'branch',
      state: 'open',
      branch: 'agent/alice/1',
      base: 'main',
      commit: 'abc123',
      files: [],
      by: null,
      mergeCommit: null,
      conflicts: [],
    });
    expect(committed).toMatchObject({ status: 'done', branchState: 'open', commitSha: 'abc123' });
    expect(run.settled()).toBe(committed);
    expect(await run.finished).toBe(committed);
    expect(() => run.settled()).toThrow(IllegalTransitionError);
    expect((await repo.getTask(run.task.id))?.branchState).toBe('open');
  });

  it('settles from exited without a record (shutdown leaves the task running)', async () => {
    const { run } = await runningTask();
    run.exited();
    expect(run.settled().status).toBe('running');
    expect((await run.finished).status).toBe('running');
  });

  it('keeps the last 20 meaningful lines and the latest as progress, stored with the log batch', async () => {
    const { repo, run } = await runningTask();
    for (let i = 1; i <= 25; i++) run.heard(i % 2 ? 'stdout' : 'stderr', `line ${i}`);
    expect(run.tail).toHaveLength(20);
    expect(run.tail[0]).toEqual({ stream: 'stderr', line: 'line 6' });
    expect(run.progress).toBe('line 25');
    expect(run.queueLog('stdout', 'line 24')).toBe(true);
    expect(run.queueLog('stdout', 'line 25')).toBe(false);
    run.queueTimeline({ kind: 'output', stream: 'stdout', line: 'line 25' });
    const batch = run.takePending();
    expect(batch.lines.map((l) => l.line)).toEqual(['line 24', 'line 25']);
    expect(batch.entries).toHaveLength(1);
    expect(run.takePending()).toEqual({ lines: [], entries: [] });
    expect(run.queueLog('stdout', 'next')).toBe(true);
    await run.saveProgress();
    expect((await repo.getTask(run.task.id))?.progress).toBe('line 25');
  });
});
