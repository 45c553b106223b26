// Regression: a mention's acknowledgement waited behind the previous task's worker start (the per-employee lock
// was held while opencode started, which takes seconds cold), so a second mention looked unanswered meanwhile.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../../../src/shared/message';
import { agentServices, callerFor, hire, say, stopAgentServices, waitForMessage } from '../helpers';
import { applyWorldEnv, type OpencodeWorld, opencodeWorld } from './harness';

let world: OpencodeWorld;
let restoreEnv: () => void;
const LONG = 90_000;

beforeAll(async () => {
  world = await opencodeWorld();
  restoreEnv = applyWorldEnv(world);
});

afterAll(async () => {
  await world?.model.stop();
  restoreEnv?.();
});

afterEach(() => stopAgentServices());

describe('acknowledgements with the real opencode', { timeout: 180_000 }, () => {
  it('acknowledges a second mention while the first task is still starting opencode', async () => {
    // opencode is started by this server on its first task (cold: seconds), not attached.
    const services = await agentServices({ PROJECT_ROOT: world.project, OPENCODE_URL: '' });
    await hire(services, 'alice', 'developer');
    const first = await say(services, 'carol', '@alice please create a greeting file (script:write)');
    // The first task is acknowledged and its worker is starting: the second mention comes in now.
    await waitForMessage(
      services,
      (m: Message) => m.sender === 'alice' && m.threadRoot === first.id,
      'the first ack',
      LONG,
    );
    // A task too ("please also create …" read as small talk, whose reply matched the old replyTo wait).
    const second = await say(services, 'dave', '@alice please create a second greeting file (script:write)');

    const ack = await waitForMessage(
      services,
      (m: Message) => m.sender === 'alice' && m.threadRoot === second.id,
      'the second acknowledgement',
      LONG,
    );
    await waitForMessage(
      services,
      (m: Message) => m.sender === 'alice' && m.text.startsWith('✅ Done'),
      'a result',
      LONG,
    );
    const [firstTask] = await callerFor(services)
      .tasks.list({ employee: 'alice', limit: 500 })
      .then((t) => t.slice(-1));
    const { updates } = await callerFor(services).tasks.timeline({ taskId: firstTask?.id as number });
    const running = updates.find((u) => u.event.kind === 'status' && u.event.status === 'running');
    expect(running, 'the first task started').toBeDefined();
    // The second acknowledgement did not wait for the first worker to start.
    expect(Date.parse(ack.createdAt)).toBeLessThan(Date.parse(running?.at as string));
  });
});
