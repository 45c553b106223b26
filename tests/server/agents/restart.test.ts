import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CATCH_UP_MS } from '../../../src/server/agents/mention-router';
import { tempDir } from '../../helpers/server';
import {
  agentServices,
  allMessages,
  callerFor,
  fixtureCommand,
  hire,
  say,
  stopAgentServices,
  waitFor,
  waitForMessage,
} from './helpers';

afterEach(stopAgentServices);

describe('server restart', () => {
  it('marks the running task interrupted, says so, and starts the queued one again', async () => {
    const env = {
      DATABASE_URL: join(tempDir(), 'chat.db'),
      PROJECT_ROOT: tempDir(),
      AGENT_WORKER_COMMAND: fixtureCommand('slow-worker.mjs'),
    };
    const before = await agentServices(env);
    await hire(before, 'alice', 'developer');
    const first = await say(before, 'carol', '@alice please build the API');
    await waitFor(() => before.agents.runner.active('alice') !== null, 5000, 'first task running');
    const second = await say(before, 'carol', '@alice please write the docs');
    await waitForMessage(before, (m) => m.sender === 'alice' && m.threadRoot === second.id);
    await before.agents.stop();
    await before.repo.close();

    const after = await agentServices(env);
    const notice = await waitForMessage(after, (m) => m.text.startsWith('⚠️ Interrupted: build the API'));
    // How the task ended: in its thread, and in the main conversation too.
    expect(notice).toMatchObject({ sender: 'alice', threadRoot: first.id, alsoInChannel: true });
    await waitFor(() => after.agents.runner.active('alice')?.task.description === 'write the docs');
    const tasks = await callerFor(after).tasks.list({ employee: 'alice' });
    expect(tasks.map((t) => [t.description, t.status])).toEqual([
      ['write the docs', 'running'],
      ['build the API', 'interrupted'],
    ]);
    expect((await callerFor(after).employees.list()).map((e) => e.name)).toEqual(['alice']);
  });
});

describe('mentions nobody answered', () => {
  it('are answered when the agents start (a restart, a takeover), once, by the employees who had not answered', async () => {
    const services = await agentServices();
    await hire(services, 'alice', 'developer');
    await hire(services, 'bob', 'designer');
    const answered = await say(services, 'carol', '@alice @bob how are you?');
    await waitForMessage(services, (m) => m.sender === 'bob' && m.replyTo === answered.id);
    await waitForMessage(services, (m) => m.sender === 'alice' && m.replyTo === answered.id);

    await services.agents.stop();
    const missed = await say(services, 'carol', '@alice what are you working on? and @bob?');
    await services.agents.start();
    await waitForMessage(services, (m) => m.sender === 'alice' && m.replyTo === missed.id);
    await waitForMessage(services, (m) => m.sender === 'bob' && m.replyTo === missed.id);
    // Started again: everything is answered already. (stop() waits for the start-up catch-up and its replies.)
    await services.agents.stop();
    await services.agents.start();
    await services.agents.stop();

    const replies = (await allMessages(services))
      .filter((m) => m.senderKind === 'agent')
      .map((m) => `${m.sender} -> ${m.replyTo === answered.id ? 'answered' : 'missed'}`);
    expect(replies.sort()).toEqual([
      'alice -> answered',
      'alice -> missed',
      'bob -> answered',
      'bob -> missed',
    ]);
  });

  it('are left alone once older than CATCH_UP_MS', async () => {
    const services = await agentServices();
    await hire(services, 'alice', 'developer');
    await services.agents.stop();
    await say(services, 'carol', '@alice are you there?');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + CATCH_UP_MS + 1000);
      await services.agents.start();
      await services.agents.stop();
    } finally {
      vi.useRealTimers();
    }
    expect((await allMessages(services)).filter((m) => m.senderKind === 'agent')).toEqual([]);
  });
});
