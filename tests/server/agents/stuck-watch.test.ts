// Stuck detection against a real database and hub: a person's ask that arrives while the "stuck" status is being
// written means the agent waits for a person, so it must not ask the team for help (issue 16).
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { PostLimiter } from '../../../src/server/agents/post-limiter';
import { Roster } from '../../../src/server/agents/roster';
import { RunningTask } from '../../../src/server/agents/running-task';
import { StuckWatch } from '../../../src/server/agents/stuck-watch';
import type { TaskExit, TaskWorker } from '../../../src/server/agents/task-worker';
import { Voice } from '../../../src/server/agents/voice';
import { agentsRepositoryFor } from '../../helpers/storage';
import { agentServices, allMessages, stopAgentServices, waitFor } from './helpers';

afterEach(() => stopAgentServices());

/** The coding agent at the edge: silent, and asking a person from the `askAfter`-th look on. */
function askingWorker(askAfter: number): TaskWorker {
  let looks = 0;
  return {
    pid: undefined,
    exited: new Promise<TaskExit>(() => {}),
    stop: async () => ({ code: null, signal: null, stopped: true }),
    help: () => false,
    waiting: () => ++looks >= askAfter,
  };
}

describe('StuckWatch', () => {
  it('does not ask the team for help when an ask opened while the stuck status was being written', async () => {
    const services = await agentServices();
    const repo = agentsRepositoryFor(services.repo);
    const task = await repo.createTask({
      employee: 'alice',
      description: 'fix the build',
      model: '',
      mode: 'opencode',
      assignedBy: 'carol',
      messageId: null,
    });
    const logger = pino({ level: 'silent' });
    const voice = new Voice(services.hub, logger, new PostLimiter({ perHour: 100, minIntervalMs: 0 }));
    // The first look (when the timer fires) sees no ask; the ask arrives during the status write.
    const run = new RunningTask(repo, task, { worker: askingWorker(2) });
    run.heard('stdout', 'asks the team: bash');
    const statuses: string[] = [];
    const watch = new StuckWatch({
      repo,
      roster: new Roster(services.hub),
      voice,
      logger,
      stuckAfterMs: 50,
      timeline: {
        append: async (_task, event) => {
          if (event.kind === 'status') statuses.push(event.status);
          return { id: statuses.length, taskId: task.id, event, at: new Date().toISOString() } as never;
        },
      },
    });
    watch.arm(run);
    // Decided once the timeline says stuck (asking for help) or working (waiting for the person).
    await waitFor(() => statuses.length > 0, 5000, 'the watch to decide');
    run.exited();
    expect(statuses).toEqual(['running']);
    expect(run.stuck).toBe(false);
    expect((await repo.getTask(task.id))?.status).toBe('running');
    const help = (await allMessages(services)).filter((m) => m.text.startsWith('@team I need help'));
    expect(help).toEqual([]);
  });
});
