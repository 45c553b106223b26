// Regressions (issue 14): an agent whose task failed stayed "idle" with no sign of it, and an agent hired a
// moment ago appeared without its role until a reload. Both now travel with the live activity events.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../../src/shared/activity';
import { tempDir } from '../../helpers/server';
import { agentServices, callerFor, fixtureCommand, hire, say, stopAgentServices, waitFor } from './helpers';

afterEach(stopAgentServices);

const reader = { id: 'carol', role: 'user' as const };

function activityOf(services: Awaited<ReturnType<typeof agentServices>>): ActivityEvent[] {
  const events: ActivityEvent[] = [];
  services.hub.onEvent((e) => {
    if (e.type === 'activity') events.push(e.activity);
  });
  return events;
}

describe('agent status after a failed task', () => {
  it('marks the agent with its failed task, live and in presence, until its next task starts', async () => {
    const services = await agentServices({ AGENT_WORKER_COMMAND: fixtureCommand('fail-worker.mjs') });
    const events = activityOf(services);
    await hire(services, 'ada', 'developer');
    const presenceOfAda = async () =>
      (await callerFor(services, reader).presence.list()).find((p) => p.name === 'ada');

    await say(services, 'carol', '@ada please add a login form');
    // The worker's exit marks the failure a moment before the runner sets the agent idle again.
    await waitFor(
      async () => {
        const ada = await presenceOfAda();
        return ada?.failedTask != null && ada.status === 'idle';
      },
      10_000,
      'the failure mark',
    );
    const [first] = await callerFor(services, reader).tasks.list({ employee: 'ada' });
    expect(first?.status).toBe('failed');
    expect(await presenceOfAda()).toMatchObject({ status: 'idle', failedTask: first?.id });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'agent-status', agent: 'ada', failedTask: first?.id }),
    );

    // The next task clears the mark while it runs (and this one fails too, so the mark comes back with its id).
    const before = events.length;
    await say(services, 'carol', '@ada please add a logout button');
    await waitFor(
      async () => {
        const tasks = await callerFor(services, reader).tasks.list({ employee: 'ada' });
        return tasks.length === 2 && (await presenceOfAda())?.failedTask === tasks[0]?.id;
      },
      10_000,
      'the second failure',
    );
    const later = events.slice(before).filter((e) => e.type === 'agent-status' && e.agent === 'ada');
    expect(later).toContainEqual(expect.objectContaining({ status: 'working', failedTask: null }));
  });

  it('keeps the mark through a roster reload from the tables (how a cluster instance resyncs)', async () => {
    const services = await agentServices({ AGENT_WORKER_COMMAND: fixtureCommand('fail-worker.mjs') });
    await hire(services, 'ada', 'developer');
    await say(services, 'carol', '@ada please add a login form');
    const marked = async () =>
      (await callerFor(services, reader).presence.list()).find((p) => p.name === 'ada')?.failedTask ?? null;
    await waitFor(async () => (await marked()) !== null, 10_000, 'the failure mark');
    const id = await marked();
    const { roster } = services.agents;
    roster.mirror(roster.all(), []);
    expect(await marked()).toBe(id);
  });
});

describe('agent status after a restart', () => {
  it('still shows that the last task failed when the server comes back on the same database', async () => {
    const env = {
      AGENT_WORKER_COMMAND: fixtureCommand('fail-worker.mjs'),
      DATABASE_URL: join(tempDir(), 'chat.db'),
    };
    const first = await agentServices(env);
    await hire(first, 'ada', 'developer');
    // Two failed tasks: the mark is the newer one's.
    await say(first, 'carol', '@ada please add a login form');
    await say(first, 'carol', '@ada please add a logout button');
    await waitFor(
      async () => (await callerFor(first, reader).tasks.list({ status: ['failed'] })).length === 2,
      10_000,
      'the failed tasks',
    );
    const [failed] = await callerFor(first, reader).tasks.list({ status: ['failed'] });
    await first.agents.stop();
    await first.transports.stop();
    await first.repo.close();

    const second = await agentServices(env);
    const ada = (await callerFor(second, reader).presence.list()).find((p) => p.name === 'ada');
    expect(ada).toMatchObject({ status: 'idle', failedTask: failed?.id });
  });
});

describe('a hire seen live', () => {
  it('announces the agent with its role, so clients show it without a reload', async () => {
    const services = await agentServices();
    const events = activityOf(services);
    await hire(services, 'ada', 'frontend-developer');
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'presence',
        user: 'ada',
        kind: 'agent',
        online: true,
        role: 'frontend-developer',
      }),
    );
  });
});
