// Restarts with the real opencode: a server restart mid-task marks it interrupted with a way to continue the same
// session; the opencode server dying mid-task says so and is started again; a session still busy on an attached
// opencode server is followed again after our restart.
import { dirname, join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpencodeServer } from '../../../../src/server/agents/opencode/opencode-server';
import type { Services } from '../../../../src/server/services';
import type { Message } from '../../../../src/shared/message';
import { tempDir } from '../../../helpers/server';
import { agentServices, callerFor, hire, say, stopAgentServices, waitFor, waitForMessage } from '../helpers';
import { applyWorldEnv, type OpencodeWorld, opencodeWorld } from './harness';

let world: OpencodeWorld;
let restoreEnv: () => void;
const LONG = 90_000;
const fromAlice = (start: string) => (m: Message) => m.sender === 'alice' && m.text.startsWith(start);

beforeAll(async () => {
  world = await opencodeWorld();
  restoreEnv = applyWorldEnv(world);
});

afterAll(async () => {
  await world?.model.stop();
  restoreEnv?.();
});

afterEach(() => stopAgentServices());

/**
 * Services on a database file and data directory (so a second start sees the first one's tasks and worktrees, as
 * after a real restart), opencode started by the server.
 */
async function server(db: string, env: Record<string, string> = {}): Promise<Services> {
  return agentServices({
    PROJECT_ROOT: world.project,
    DATABASE_URL: db,
    DATA_DIR: dirname(db),
    OPENCODE_URL: '',
    ...env,
  });
}

/** Waits until the model received a prompt after `before` (this task's, not an earlier test's). */
const streamingAfter = (before: number) => () => world.model.prompts().length > before;

describe('restarts with the real opencode', { timeout: 180_000 }, () => {
  it('a restart mid-task says interrupted; "@alice continue" by reply prompts the same session again', async () => {
    const db = join(tempDir('ocs-restart-'), 'chat.db');
    const first = await server(db);
    await hire(first, 'alice', 'developer');
    const before = world.model.prompts().length;
    await say(first, 'carol', '@alice please write the report (script:resume)');
    await waitFor(streamingAfter(before), LONG, 'the model streaming');
    const [running] = await callerFor(first).tasks.list({ employee: 'alice' });
    expect(running?.sessionId).toMatch(/^ses_/);
    await first.agents.stop();

    const second = await server(db);
    const interrupted = await waitForMessage(second, fromAlice('⚠️ Interrupted'), 'the interruption', LONG);
    expect(interrupted.text).toContain(
      'Reply to this message with "@alice continue" to pick it up where it stopped.',
    );
    await say(second, 'carol', '@alice continue', interrupted.id);
    const done = await waitForMessage(second, fromAlice('✅ Done'), 'the result', LONG);
    expect(done.text).toContain('Picked it up again and finished.');
    const tasks = await callerFor(second).tasks.list({ employee: 'alice' });
    expect(tasks.map((t) => [t.status, t.sessionId])).toEqual([
      ['done', running?.sessionId],
      ['interrupted', running?.sessionId],
    ]);
  });

  it('opencode dying mid-task: the task is said interrupted, opencode starts again, tasks.continue goes on', async () => {
    const services = await server(join(tempDir('ocs-restart-'), 'chat.db'));
    await hire(services, 'alice', 'developer');
    const before = world.model.prompts().length;
    await say(services, 'carol', '@alice please write the summary (script:resume)');
    await waitFor(streamingAfter(before), LONG, 'the model streaming');
    const pid = services.agents.workerInfo().opencode?.pid as number;
    process.kill(pid, 'SIGKILL');
    const interrupted = await waitForMessage(services, fromAlice('⚠️ Interrupted'), 'the interruption', LONG);
    expect(interrupted.text).toContain("the coding agent's server stopped (opencode serve exited (SIGKILL))");
    await waitFor(() => services.agents.workerInfo().opencode?.state === 'ready', LONG, 'opencode again');
    const [task] = await callerFor(services).tasks.list({ employee: 'alice' });
    expect(task?.status).toBe('interrupted');
    await callerFor(services, { id: 'carol', role: 'user' }).tasks.continue({ id: task?.id as number });
    const done = await waitForMessage(services, fromAlice('✅ Done'), 'the result', LONG);
    expect(done.text).toContain('Picked it up again and finished.');
  });

  it('a session still busy on an attached opencode server is followed again after a restart', async () => {
    const password = 'attach-password';
    const external = new OpencodeServer({
      projectRoot: world.project,
      logger: pino({ level: 'silent' }),
      password,
    });
    try {
      await external.ready();
      const db = join(tempDir('ocs-restart-'), 'chat.db');
      const env = { OPENCODE_URL: external.baseUrl as string, OPENCODE_SERVER_PASSWORD: password };
      const first = await server(db, env);
      await hire(first, 'alice', 'developer');
      const before = world.model.prompts().length;
      await say(first, 'carol', '@alice please write the changelog (script:resume)');
      await waitFor(streamingAfter(before), LONG, 'the model streaming');
      await first.agents.stop();
      const second = await server(db, env);
      const done = await waitForMessage(second, fromAlice('✅ Done'), 'the result', LONG);
      expect(done.text).toContain('> working working');
      const messages = await second.repo.history(null, 50);
      expect(messages.some((m) => m.text.startsWith('⚠️ Interrupted'))).toBe(false);
    } finally {
      await external.stop();
    }
  });
});
