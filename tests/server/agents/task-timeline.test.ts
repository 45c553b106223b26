// The task timeline's storage on both dialects, its live publication (across instances on PostgreSQL), and the
// entries the command-mode runner writes while a fixture worker runs.
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TaskTimeline } from '../../../src/server/agents/task-timeline';
import type { AgentsRepository } from '../../../src/server/db/agents-repository';
import type { Repository } from '../../../src/server/db/repository';
import type { TaskEvent, TaskUpdate } from '../../../src/shared/task-timeline';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import { agentsRepositoryFor, busFor, openRepository, timelineSignalFor } from '../../helpers/storage';
import {
  agentServices,
  callerFor,
  fixtureCommand,
  hire,
  stopAgentServices,
  waitFor,
  waitForMessage,
} from './helpers';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
});
afterEach(stopAgentServices);

const logger = pino({ level: 'silent' });
const text = (t: string): TaskEvent => ({ kind: 'text', partId: t, text: t });

const dialects: [string, () => Promise<string>][] = [
  ['sqlite', async () => ':memory:'],
  ['postgres', () => postgres.createDatabase()],
];

async function newTask(agents: AgentsRepository, agent = 'alice') {
  return agents.createTask({
    employee: agent,
    description: 'write the docs',
    model: 'm/x',
    mode: 'build',
    assignedBy: 'carol',
    messageId: null,
  });
}

describe.each(dialects)('task timeline storage on %s', (_name, databaseUrl) => {
  const withAgents = async (body: (agents: AgentsRepository, repo: Repository) => Promise<void>) => {
    const repo = await openRepository(await databaseUrl());
    try {
      await body(agentsRepositoryFor(repo), repo);
    } finally {
      await repo.close();
    }
  };

  it('stores entries with increasing ids and reads them back after an id, per task or all, within a limit', () =>
    withAgents(async (agents) => {
      const a = await newTask(agents);
      const b = await newTask(agents, 'bob');
      expect(await agents.lastTaskEventId()).toBe(0);
      const first = await agents.appendTaskEvent(a, text('a1'), '2026-12-02T00:00:00.000Z');
      await agents.appendTaskEvent(b, text('b1'), '2026-12-02T00:00:01.000Z');
      const third = await agents.appendTaskEvent(a, { kind: 'status', status: 'running', reason: null }, 'x');
      expect(first).toEqual({
        id: first.id,
        taskId: a.id,
        employee: 'alice',
        at: '2026-12-02T00:00:00.000Z',
        event: text('a1'),
      });
      expect(await agents.lastTaskEventId()).toBe(third.id);

      const all = await agents.taskEventsAfter(0, 10);
      expect(all.map((u) => u.event)).toEqual([
        text('a1'),
        text('b1'),
        { kind: 'status', status: 'running', reason: null },
      ]);
      expect((await agents.taskEventsAfter(0, 10, a.id)).map((u) => u.id)).toEqual([first.id, third.id]);
      expect((await agents.taskEventsAfter(first.id, 10, a.id)).map((u) => u.id)).toEqual([third.id]);
      expect(await agents.taskEventsAfter(0, 2)).toHaveLength(2);
      expect(await agents.taskEventsAfter(third.id, 10)).toEqual([]);
    }));

  it('gives concurrent appends ids in the order they become visible (a tail by id skips none)', () =>
    withAgents(async (agents) => {
      const task = await newTask(agents);
      const saved = await Promise.all(
        Array.from({ length: 50 }, (_, i) => agents.appendTaskEvent(task, text(`t${i}`), 'x')),
      );
      const read = await agents.taskEventsAfter(0, 100, task.id);
      expect(read.map((u) => u.id)).toEqual([...saved.map((u) => u.id)].sort((x, y) => x - y));
      expect(new Set(read.map((u) => u.id)).size).toBe(50);
    }));
});

describe('task timeline publication', () => {
  it('publishes each stored entry to live subscribers at once on one instance', async () => {
    const repo = await openRepository(':memory:');
    try {
      const agents = agentsRepositoryFor(repo);
      const timeline = new TaskTimeline({ repo: agents, logger });
      const task = await newTask(agents);
      const live = timeline.updates.open();
      const stored = await timeline.append(task, text('hello'));
      expect(await live.next()).toEqual([stored]);
      expect(await agents.taskEventsAfter(0, 10)).toEqual([stored]);
      live.close();
    } finally {
      await repo.close();
    }
  });

  it('reaches subscribers on another PostgreSQL instance, in id order, without duplicates', async () => {
    const url = await postgres.createDatabase();
    const repos = [await openRepository(url), await openRepository(url)];
    try {
      const [writer, reader] = await Promise.all(
        repos.map(async (repo) => {
          const bus = await busFor(repo, logger, () => {});
          const timeline = new TaskTimeline({
            repo: agentsRepositoryFor(repo),
            logger,
            signal: timelineSignalFor(repo, bus),
          });
          await timeline.start();
          return timeline;
        }),
      );
      if (!writer || !reader) throw new Error('two instances expected');
      const task = await newTask(agentsRepositoryFor(repos[0] as Repository));
      const remote = reader.updates.open();
      const local = writer.updates.open();
      const stored: TaskUpdate[] = [];
      for (let i = 0; i < 20; i++) stored.push(await writer.append(task, text(`n${i}`)));

      const seen = async (sub: typeof remote) => {
        const got: TaskUpdate[] = [];
        while (got.length < stored.length) got.push(...((await sub.next()) ?? []));
        return got;
      };
      expect((await seen(remote)).map((u) => u.id)).toEqual(stored.map((u) => u.id));
      expect((await seen(local)).map((u) => u.id)).toEqual(stored.map((u) => u.id));
      writer.stop();
      reader.stop();
    } finally {
      for (const repo of repos) await repo.close();
    }
  });
});

describe('the command-mode runner writes the timeline', () => {
  it('records queued, running, each output line, the final status and the result of a fixture worker', async () => {
    const services = await agentServices({ AGENT_WORKER_COMMAND: fixtureCommand('progress-worker.mjs') });
    await hire(services, 'alice', 'developer');
    const { task } = await callerFor(services).tasks.assign({ employee: 'alice', description: 'build it' });
    await waitForMessage(services, (m) => m.text.startsWith('✅ Done: build it'));
    let events: TaskEvent[] = [];
    await waitFor(async () => {
      events = (await services.agents.timeline.list(task.id)).map((u) => u.event);
      return events.some((e) => e.kind === 'result');
    });

    expect(events[0]).toEqual({ kind: 'status', status: 'queued', reason: null });
    expect(events[1]).toEqual({ kind: 'status', status: 'running', reason: null });
    expect(events.filter((e) => e.kind === 'output').map((e) => e.kind === 'output' && e.line)).toEqual([
      'reading the code',
      'step 1/3: scaffolding',
      'step 2/3: wiring it up',
      'step 3/3: tests pass',
      'created src/Login.tsx',
    ]);
    expect(events.at(-2)).toEqual({ kind: 'status', status: 'done', reason: null });
    expect(events.at(-1)).toMatchObject({
      kind: 'result',
      status: 'done',
      summary: expect.stringContaining('created src/Login.tsx'),
      files: [],
    });
  });

  it('records a failed worker as failed with its reason', async () => {
    const services = await agentServices({ AGENT_WORKER_COMMAND: fixtureCommand('fail-worker.mjs') });
    await hire(services, 'alice', 'developer');
    const { task } = await callerFor(services).tasks.assign({ employee: 'alice', description: 'break it' });
    await waitForMessage(services, (m) => m.text.startsWith('❌ Failed: break it'));
    let result: TaskEvent | undefined;
    await waitFor(async () => {
      result = (await services.agents.timeline.list(task.id)).find((u) => u.event.kind === 'result')?.event;
      return result !== undefined;
    });
    expect(result).toMatchObject({
      kind: 'result',
      status: 'failed',
      summary: expect.stringMatching(/exit/),
    });
  });
});
