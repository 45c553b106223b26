import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  agentServices,
  allMessages,
  callerFor,
  fixtureCommand,
  hire,
  mainList,
  say,
  stopAgentServices,
  threadReplies,
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
      (m) => m.sender === 'alice' && m.threadRoot === mention.id,
      'the ack in the thread of the mention',
    );
    expect(ack.text).toMatch(/I'll create a login component/);
    expect(ack.senderKind).toBe('agent');
    expect(ack.origin).toBe('agent');
    const done = await waitForMessage(services, (m) =>
      m.text.startsWith('✅ Done: create a login component'),
    );
    // The result lives in the task's thread and is also shown in the main conversation.
    expect(done).toMatchObject({ threadRoot: mention.id, alsoInChannel: true });
    expect(done.text).toContain('> created src/Login.tsx');
    expect((await mainList(services)).map((m) => m.id)).toEqual([mention.id, done.id]);

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
    expect(progress[0]?.threadRoot).toBe(mention.id);
    expect((await threadReplies(services, mention.id)).map((m) => m.id)).toEqual([
      ack.id,
      progress[0]?.id,
      done.id,
    ]);
  });
});

describe('a task assigned through tasks.assign', () => {
  it('has its acknowledgement as its message: progress and result go in that thread, the result also in the main list', async () => {
    const services = await agentServices({
      AGENT_WORKER_COMMAND: fixtureCommand('progress-worker.mjs', '{prompt}'),
    });
    await hire(services, 'alice', 'frontend-developer');
    const { task } = await callerFor(services, { id: 'carol', role: 'user' }).tasks.assign({
      employee: 'alice',
      description: 'create a login component',
    });

    const ack = await waitForMessage(services, (m) => m.sender === 'alice' && m.text.startsWith('@carol'));
    expect(ack.threadRoot).toBeUndefined();
    expect(task.messageId).toBe(ack.id);
    const done = await waitForMessage(services, (m) =>
      m.text.startsWith('✅ Done: create a login component'),
    );
    expect(done).toMatchObject({ threadRoot: ack.id, alsoInChannel: true });
    const thread = await threadReplies(services, ack.id);
    expect(thread.map((m) => [...m.text][0])).toEqual(['🔄', '✅']);
    expect((await mainList(services)).map((m) => m.id)).toEqual([ack.id, done.id]);
    const [stored] = await callerFor(services).tasks.list({ employee: 'alice' });
    expect(stored?.messageId).toBe(ack.id);
  });
});

describe('progress throttling', () => {
  it('posts at most one progress line per 30 s per agent, even across back-to-back tasks', async () => {
    const services = await agentServices({ AGENT_WORKER_COMMAND: fixtureCommand('progress-worker.mjs') });
    await hire(services, 'alice', 'developer');
    await callerFor(services).tasks.assign({ employee: 'alice', description: 'first job' });
    await callerFor(services).tasks.assign({ employee: 'alice', description: 'second job' });
    await waitForMessage(services, (m) => m.text.startsWith('✅ Done: second job'));

    const progress = (await allMessages(services)).filter((m) => m.text.startsWith('🔄'));
    expect(progress.map((m) => m.text)).toEqual(['🔄 first job: reading the code']);
  });
});

describe('worker failures and control', () => {
  it('reports a failing worker with its exit code and last error line', async () => {
    const services = await agentServices({ AGENT_WORKER_COMMAND: fixtureCommand('fail-worker.mjs') });
    await hire(services, 'tess', 'tester');
    await say(services, 'carol', '@tess can you fix the tests');

    const failed = await waitForMessage(services, (m) => m.text.startsWith('❌ Failed'));
    expect(failed.text).toBe('❌ Failed: fix the tests (exit 3)\nError: 2 tests failed in login.test.ts');
    const [task] = await callerFor(services).tasks.list({ employee: 'tess' });
    expect(task).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(task?.reason).toContain('Error: 2 tests failed');
  });

  it('tells chat users plainly that no coding agent is set up, and keeps the reason for admins', async () => {
    // No AGENT_WORKER_COMMAND: tasks go to opencode, here an OPENCODE_URL nothing answers on.
    const services = await agentServices();
    await hire(services, 'alice', 'developer');
    const mention = await say(services, 'carol', '@alice please add a login form');

    const plain = await waitForMessage(services, (m) => m.text.startsWith("I can't start work"));
    expect(plain.text).toBe(
      "I can't start work: no coding agent is set up on this server — an admin can see why in Admin → Agents",
    );
    expect(plain).toMatchObject({ threadRoot: mention.id, alsoInChannel: true });
    await waitFor(() => services.agents.runner.active('alice') === null);
    const [task] = await callerFor(services).tasks.list({ employee: 'alice' });
    expect(task?.status).toBe('failed');
    expect(task?.reason).toMatch(/could not reach the opencode server at http:\/\/127\.0\.0\.1:9/);
    const worker = await callerFor(services, { id: 'boss', role: 'admin' }).tasks.worker();
    expect(worker).toMatchObject({ mode: 'opencode', opencode: { state: 'unavailable', attached: true } });
    expect(worker.opencode?.lastError).toMatch(/could not reach the opencode server/);
    await expect(callerFor(services, { id: 'carol', role: 'user' }).tasks.worker()).rejects.toThrow(/admin/i);
  });

  it('queues a second task behind the running one, says so, and starts it when the first is stopped', async () => {
    const services = await agentServices({ AGENT_WORKER_COMMAND: fixtureCommand('slow-worker.mjs') });
    await hire(services, 'alice', 'developer');
    await say(services, 'carol', '@alice please build the API');
    await waitFor(() => services.agents.runner.active('alice') !== null, 5000, 'first task running');
    const second = await say(services, 'carol', '@alice please write the docs');

    const ack = await waitForMessage(services, (m) => m.sender === 'alice' && m.threadRoot === second.id);
    expect(ack.text).toMatch(/write the docs/);
    expect(ack.text).toMatch(/queued, position 2|queued at position 2/);
    const queued = await callerFor(services).tasks.list({ employee: 'alice', status: ['queued'] });
    expect(queued.map((t) => t.description)).toEqual(['write the docs']);

    const stopped = await callerFor(services, { id: 'carol', role: 'user' }).tasks.stop({
      employee: 'alice',
    });
    expect(stopped).toMatchObject({
      description: 'build the API',
      status: 'cancelled',
      reason: 'stopped by carol',
    });
    await waitForMessage(services, (m) => m.text === '⏹ Stopped: build the API');
    await waitFor(() => services.agents.runner.active('alice')?.task.description === 'write the docs');
  });

  it('stops the whole process group, children included', async () => {
    const services = await agentServices({ AGENT_WORKER_COMMAND: fixtureCommand('slow-worker.mjs') });
    await hire(services, 'alice', 'developer');
    await callerFor(services).tasks.assign({ employee: 'alice', description: 'run the dev server' });
    let line = '';
    await waitFor(() => {
      line = services.agents.runner.active('alice')?.progress ?? '';
      return line.startsWith('worker');
    });
    const [, workerPid, childPid] = /worker (\d+) child (\d+)/.exec(line) ?? [];
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive(Number(childPid))).toBe(true);

    await callerFor(services).tasks.stop({ employee: 'alice' });
    expect(alive(Number(workerPid))).toBe(false);
    await waitFor(() => !alive(Number(childPid)), 5000, 'the child to be gone');
  });

  it('passes placeholders as single argv entries and runs in PROJECT_ROOT with a session folder', async () => {
    const services = await agentServices({
      AGENT_WORKER_COMMAND: `${fixtureCommand('argv-worker.mjs')} --model {model} --task {task}`,
    });
    await hire(services, 'alice', 'developer');
    const { task } = await callerFor(services).tasks.assign({
      employee: 'alice',
      description: 'fix "quotes"; rm -rf / && echo $HOME',
      model: 'local/test-model',
    });
    await waitForMessage(services, (m) => m.text.startsWith('✅ Done'));
    const { lines } = await callerFor(services).tasks.log({ id: task.id });
    const seen = JSON.parse(lines[0]?.line ?? '{}');
    expect(seen.argv).toEqual([
      '--model',
      'local/test-model',
      '--task',
      'fix "quotes"; rm -rf / && echo $HOME',
    ]);
    expect(seen.cwd).toBe(services.config.PROJECT_ROOT);
    // Tools that read their directory from PWD (opencode does) must see the project too.
    expect(seen.pwd).toBe(services.config.PROJECT_ROOT);
    // `opencode run` and the like read stdin to EOF before starting: it is closed unless the template asks.
    expect(seen.stdin).toBe('closed');
    // The server's own files go to the data directory, never into the user's project.
    expect(seen.helpFile).toBe(`${services.config.DATA_DIR}/sessions/alice/help.md`);
    expect(existsSync(join(services.config.PROJECT_ROOT, 'sessions'))).toBe(false);
  });

  it('keeps stdin open for help only when the template says {stdin_help}', async () => {
    const services = await agentServices({
      AGENT_WORKER_COMMAND: `${fixtureCommand('argv-worker.mjs')} {stdin_help} --task {task}`,
    });
    await hire(services, 'alice', 'developer');
    const { task } = await callerFor(services).tasks.assign({ employee: 'alice', description: 'read help' });
    await waitForMessage(services, (m) => m.text.startsWith('✅ Done'));
    const { lines } = await callerFor(services).tasks.log({ id: task.id });
    const seen = JSON.parse(lines[0]?.line ?? '{}');
    expect(seen.argv).toEqual(['--task', 'read help']);
    expect(seen.stdin).toBe('pipe');
  });

  it('never lets a value from people become an option of the worker (issue 15.5)', async () => {
    const services = await agentServices({
      AGENT_WORKER_COMMAND: `${fixtureCommand('argv-worker.mjs')} --model {model} --mode {mode} {task}`,
    });
    await hire(services, 'alice', 'developer');
    const caller = callerFor(services);
    await expect(
      caller.tasks.assign({ employee: 'alice', description: 'x', model: '--version' }),
    ).rejects.toThrow(/model must be provider\/model/);
    await expect(
      caller.tasks.assign({ employee: 'alice', description: 'x', mode: '--help' }),
    ).rejects.toThrow(/mode must be a single word/);
    await expect(
      callerFor(services, { id: 'boss', role: 'admin' }).employees.hire({
        name: 'bob',
        role: 'developer',
        model: '-rf/x',
      }),
    ).rejects.toThrow(/model must be provider\/model/);
    const { task } = await caller.tasks.assign({
      employee: 'alice',
      description: '--help; then fix it',
      model: 'local/m',
      mode: 'plan',
    });
    await waitForMessage(services, (m) => m.text.startsWith('✅ Done'));
    const { lines } = await caller.tasks.log({ id: task.id });
    expect(JSON.parse(lines[0]?.line ?? '{}').argv).toEqual([
      '--model',
      'local/m',
      '--mode',
      'plan',
      'help; then fix it',
    ]);
  });
});
