import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/server';
import {
  agentServices,
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
    await waitForMessage(before, (m) => m.sender === 'alice' && m.replyTo === second.id);
    await before.agents.stop();
    await before.repo.close();

    const after = await agentServices(env);
    const notice = await waitForMessage(after, (m) => m.text.startsWith('⚠️ Interrupted: build the API'));
    expect(notice).toMatchObject({ sender: 'alice', replyTo: first.id });
    await waitFor(() => after.agents.runner.active('alice')?.task.description === 'write the docs');
    const tasks = await callerFor(after).tasks.list({ employee: 'alice' });
    expect(tasks.map((t) => [t.description, t.status])).toEqual([
      ['write the docs', 'running'],
      ['build the API', 'interrupted'],
    ]);
    expect((await callerFor(after).employees.list()).map((e) => e.name)).toEqual(['alice']);
  });
});
