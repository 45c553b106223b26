import { afterEach, describe, expect, it } from 'vitest';
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

describe('tasks and workers', () => {
  it('runs a worker for a mentioned task and reports done with the last output lines', async () => {
    const services = await agentServices({
      AGENT_WORKER_COMMAND: fixtureCommand('progress-worker.mjs', '{prompt}'),
    });
    await hire(services, 'alice', 'frontend-developer');
    const mention = await say(services, 'carol', '@alice please create a login component');

    const ack = await waitForMessage(
      services,
      (m) => m.sender === 'alice' && m.replyTo === mention.id,
      'the ack',
    );
    expect(ack.text).toMatch(/I'll create a login component/);
    expect(ack.senderKind).toBe('agent');
    expect(ack.origin).toBe('agent');
    const done = await waitForMessage(services, (m) =>
      m.text.startsWith('✅ Done: create a login component'),
    );
    expect(done.replyTo).toBe(mention.id);
    expect(done.text).toContain('> created src/Login.tsx');

    const [task] = await callerFor(services).tasks.list({ employee: 'alice' });
    expect(task).toMatchObject({ status: 'done', exitCode: 0, assignedBy: 'carol', messageId: mention.id });
    const log = await callerFor(services).tasks.log({ id: task?.id as number });
    expect(log.lines.map((l) => l.line)).toEqual([
      'reading the code',
      'step 1/3: scaffolding',
      'step 2/3: wiring it up',
      'step 3/3: tests pass',
      '',
      'created src/Login.tsx',
    ]);
    // Several lines within 30 s: exactly one progress post.
    const progress = (await allMessages(services)).filter((m) => m.text.startsWith('🔄'));
    expect(progress).toHaveLength(1);
    expect(progress[0]?.text).toContain('reading the code');
  });
});
