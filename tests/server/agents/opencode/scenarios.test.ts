// Agents working through the real opencode (1.18.33) against a scripted model: results with the files changed,
// permission asks and questions answered by replying in the chat, help reaching a stuck agent, Stop, plain
// failures within a bounded time. The services attach to one shared `opencode serve` (OPENCODE_URL); the
// supervisor's own start is covered in supervisor.test.ts and restart.test.ts.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpencodeServer } from '../../../../src/server/agents/opencode/opencode-server';
import type { Services } from '../../../../src/server/services';
import type { Message } from '../../../../src/shared/message';
import { textOf } from '../../../fixtures/model-server';
import {
  agentServices,
  allMessages,
  callerFor,
  hire,
  say,
  stopAgentServices,
  waitFor,
  waitForMessage,
} from '../helpers';
import { applyWorldEnv, type OpencodeWorld, opencodeWorld } from './harness';

const PASSWORD = 'scenario-password';
let world: OpencodeWorld;
let shared: OpencodeServer;
let restoreEnv: () => void;

beforeAll(async () => {
  world = await opencodeWorld();
  restoreEnv = applyWorldEnv(world);
  shared = new OpencodeServer({
    projectRoot: world.project,
    logger: pino({ level: 'silent' }),
    password: PASSWORD,
  });
  await shared.ready();
}, 120_000);

afterAll(async () => {
  await shared?.stop();
  await world?.model.stop();
  restoreEnv?.();
});

afterEach(() => stopAgentServices());

async function team(env: Record<string, string> = {}): Promise<Services> {
  const services = await agentServices({
    PROJECT_ROOT: world.project,
    OPENCODE_URL: shared.baseUrl as string,
    // Attaching needs the server's password: a setting, as in production.
    OPENCODE_SERVER_PASSWORD: PASSWORD,
    ...env,
  });
  await hire(services, 'alice', 'developer');
  return services;
}

/** A file as the task's branch has it (`git show`). */
const onBranch = (branch: string | null | undefined, file: string) =>
  execFileSync('git', ['show', `${branch}:${file}`], { cwd: world.project, encoding: 'utf8' });

const fromAlice = (startsWith: string) => (m: Message) =>
  m.sender === 'alice' && m.text.startsWith(startsWith);
const LONG = 60_000;

/** What the model received last for the prompt with this script word: its tool results and user messages. */
function lastSeenBy(script: string): string {
  const requests = world.model
    .prompts()
    .filter((r) => r.messages.some((m) => m.role === 'user' && textOf(m).includes(`script:${script}`)));
  const last = requests[requests.length - 1];
  return (last?.messages ?? []).map((m) => `${m.role}: ${textOf(m)}`).join('\n');
}

describe('agents on the real opencode', { timeout: 120_000 }, () => {
  it('a task that writes a file ends ✅ with the file, its lines, tokens and cost, and a timeline', async () => {
    const services = await team();
    const mention = await say(services, 'carol', '@alice please create a greeting file (script:write)');
    const done = await waitForMessage(services, fromAlice('✅ Done'), 'the result', LONG);
    expect(done).toMatchObject({ threadRoot: mention.id, alsoInChannel: true });
    expect(done.text).toContain('> I wrote hello.txt with two lines.');
    expect(done.text).toMatch(/tokens in, \d+ out · \$0\.0000 · \d+\.\d s/);
    // The work is on the task's own branch (a git project), not in the project until merged.
    const [task] = await callerFor(services).tasks.list({ employee: 'alice' });
    expect(done.text).toContain(`🌿 Branch ${task?.branch} (from `);
    expect(done.text).toContain('hello.txt (+2 −0)');
    expect(onBranch(task?.branch, 'hello.txt')).toBe('hello\nworld\n');
    expect(existsSync(join(world.project, 'hello.txt'))).toBe(false);
    // Nothing of the server's own lands in the project.
    expect(existsSync(join(world.project, 'sessions'))).toBe(false);

    expect(task).toMatchObject({ status: 'done', sessionId: expect.stringMatching(/^ses_/) });
    const { updates } = await callerFor(services).tasks.timeline({ taskId: task?.id as number });
    const kinds = updates.map((u) => u.event.kind);
    expect(kinds).toEqual(expect.arrayContaining(['status', 'tool', 'step', 'text', 'result']));
    const write = updates.map((u) => u.event).filter((e) => e.kind === 'tool' && e.tool === 'write');
    expect(write.map((e) => e.kind === 'tool' && e.state)).toEqual(['pending', 'running', 'completed']);
    expect(updates.at(-1)?.event).toMatchObject({
      kind: 'result',
      status: 'done',
      files: [{ path: 'hello.txt', additions: 2, deletions: 0 }],
    });
  });

  it('a shell command asks permission in the chat; "allow" from the assigner lets it run', async () => {
    const services = await team();
    const mention = await say(services, 'carol', '@alice please build the project (script:bash)');
    const ask = await waitForMessage(services, fromAlice('🔐'), 'the permission ask', LONG);
    expect(ask.threadRoot).toBe(mention.id);
    expect(ask.text).toContain('bash: echo ran > ran.txt');
    expect(ask.text).toMatch(/task #\d+/);
    expect(ask.text).toContain('@carol or an admin may answer');

    // Someone else may not answer; they are told who may.
    await say(services, 'dave', 'allow', ask.id);
    const refused = await waitForMessage(
      services,
      (m) => m.sender === 'alice' && m.text.startsWith('@dave only'),
    );
    expect(refused.text).toContain('only @carol (who assigned the task) or an admin may answer this');

    await say(services, 'carol', 'allow', ask.id);
    const done = await waitForMessage(services, fromAlice('✅ Done'), 'the result', LONG);
    expect(done.text).toContain('The shell said:');
    const [task] = await callerFor(services).tasks.list({ employee: 'alice' });
    expect(onBranch(task?.branch, 'ran.txt')).toBe('ran\n');

    // A late answer is told who answered first.
    await say(services, 'carol', 'deny', ask.id);
    const late = await waitForMessage(
      services,
      (m) => m.sender === 'alice' && m.text.includes('already answered'),
    );
    expect(late.text).toBe('@carol @carol already answered this (allow).');
  });

  it('"deny <reason>" rejects the command and the model receives the reason', async () => {
    const services = await team({ AGENT_STUCK_AFTER_MS: '300' });
    await say(services, 'carol', '@alice please fix the build (script:bash)');
    const ask = await waitForMessage(services, fromAlice('🔐'), 'the permission ask', LONG);
    // Waiting for the answer is not being stuck: no help request while it waits, however long it takes.
    await new Promise((r) => setTimeout(r, 1200));
    const [task] = await callerFor(services).tasks.list({ employee: 'alice' });
    const deny = await say(services, 'carol', '@alice deny because we never run shell commands here', ask.id);
    await waitForMessage(
      services,
      (m) => m.sender === 'alice' && /^(✅|❌)/.test(m.text),
      'the result',
      LONG,
    );
    expect(lastSeenBy('bash')).toContain('because we never run shell commands here');
    const messages = await allMessages(services);
    const whileWaiting = messages.filter((m) => m.id > ask.id && m.id < deny.id);
    expect(whileWaiting.filter((m) => m.text.startsWith('@team I need help'))).toEqual([]);
    const { updates } = await callerFor(services).tasks.timeline({ taskId: task?.id as number });
    expect(updates.map((u) => u.event)).toContainEqual(
      expect.objectContaining({
        kind: 'answered',
        by: 'carol',
        answer: 'deny because we never run shell commands here',
      }),
    );
  });

  it("the agent's question is answered by a reply (an option's number) and the answer reaches the model", async () => {
    const services = await team();
    await say(services, 'carol', '@alice please add a button (script:question)');
    const question = await waitForMessage(services, fromAlice('❓'), 'the question', LONG);
    expect(question.text).toContain('Which colour should the button be?');
    expect(question.text).toContain('1. red — Warm\n2. blue — Calm');
    await say(services, 'carol', '2', question.id);
    const done = await waitForMessage(services, fromAlice('✅ Done'), 'the result', LONG);
    expect(done.text).toContain('The team answered:');
    expect(done.text).toContain('blue');
  });

  it('an ask nobody answers is rejected with "nobody answered", said in the chat and to the model', async () => {
    const services = await team({ AGENT_ASK_TIMEOUT_MS: '1500' });
    await say(services, 'carol', '@alice please build the release (script:bash)');
    const ask = await waitForMessage(services, fromAlice('🔐'), 'the permission ask', LONG);
    const timedOut = await waitForMessage(services, fromAlice('⌛ Nobody answered'), 'the timeout', LONG);
    expect(timedOut.replyTo).toBe(ask.id);
    await waitForMessage(
      services,
      (m) => m.sender === 'alice' && /^(✅|❌)/.test(m.text),
      'the result',
      LONG,
    );
    expect(lastSeenBy('bash')).toContain('nobody answered within 1 min');
    const [task] = await callerFor(services).tasks.list({ employee: 'alice' });
    const { updates } = await callerFor(services).tasks.timeline({ taskId: task?.id as number });
    const askEntry = updates.map((u) => u.event).find((e) => e.kind === 'ask');
    expect(askEntry).toMatchObject({ ask: 'permission', messageId: ask.id });
    await expect(
      callerFor(services, { id: 'boss', role: 'admin' }).tasks.answer({
        askId: askEntry?.kind === 'ask' ? askEntry.askId : '',
        answer: 'allow',
      }),
    ).rejects.toThrow(/already closed: nobody answered/);
  });

  it('a stuck agent asks the team, and a teammate’s reply reaches it as a follow-up prompt', async () => {
    const services = await team({ AGENT_STUCK_AFTER_MS: '1000' });
    await say(services, 'carol', '@alice please fix the layout (script:stuck)');
    const help = await waitForMessage(
      services,
      (m) => m.sender === 'alice' && m.text.startsWith('@team'),
      'help',
      LONG,
    );
    await say(services, 'carol', 'use a flex column for the sidebar', help.id);
    const done = await waitForMessage(services, fromAlice('✅ Done'), 'the result', LONG);
    expect(done.text).toContain('Thanks, I used the help: Help from your teammate @carol: use a flex column');
  });

  it('Stop aborts the session mid-stream: idle at once, ⏹ in the chat', async () => {
    const services = await team();
    await say(services, 'carol', '@alice please write the docs (script:slow)');
    await waitFor(() => services.agents.runner.active('alice') !== null, LONG, 'the task running');
    await waitFor(() => lastSeenBy('slow') !== '', LONG, 'the model streaming');
    const stopped = await callerFor(services, { id: 'carol', role: 'user' }).tasks.stop({
      employee: 'alice',
    });
    expect(stopped.status).toBe('cancelled');
    expect(services.agents.runner.active('alice')).toBeNull();
    await waitForMessage(services, fromAlice('⏹ Stopped'), 'the stop', LONG);
  });

  it('a provider that refuses the API key fails the task saying so', async () => {
    const services = await team();
    await callerFor(services, { id: 'carol', role: 'user' }).tasks.assign({
      employee: 'alice',
      description: 'script:hello say hi',
      model: 'mock/unauthorized',
    });
    const failed = await waitForMessage(services, fromAlice('❌ Failed'), 'the failure', LONG);
    expect(failed.text).toContain(
      'the model provider refused the API key (HTTP 401: Incorrect API key provided)',
    );
    expect(failed.text).not.toContain('Unexpected server error');
    // The raw error is for the task log: no progress line in the chat shows opencode's JSON.
    const fromHer = (await allMessages(services)).filter((m) => m.sender === 'alice');
    expect(fromHer.filter((m) => m.text.includes('{"name"'))).toEqual([]);
  });

  it('an unknown model is refused with the models there are', async () => {
    const services = await team({ AGENT_MODEL: 'mock/nosuch' });
    const mention = await say(services, 'carol', '@alice please create a hello page (script:hello)');
    const failed = await waitForMessage(services, fromAlice("I can't start work"), 'the failure', LONG);
    expect(failed).toMatchObject({ threadRoot: mention.id, alsoInChannel: true });
    expect(failed.text).toBe(
      "I can't start work: the model mock/nosuch is not available (available: mock/failing, mock/scripted, mock/silent, mock/unauthorized)",
    );
    await expect(
      callerFor(services, { id: 'carol', role: 'user' }).tasks.assign({
        employee: 'alice',
        description: 'x',
        model: 'mock/other',
      }),
    ).rejects.toThrow(
      'the model mock/other is not available (available: mock/failing, mock/scripted, mock/silent, mock/unauthorized)',
    );
  });

  it('a provider failing with retries shows them, makes the agent ask for help, then fails in bounded time', async () => {
    // A task's first prompt in a new worktree starts an opencode instance for that directory: time for retries.
    const services = await team({ AGENT_STUCK_AFTER_MS: '1000', AGENT_MODEL_TIMEOUT_MS: '15000' });
    const { task } = await callerFor(services, { id: 'carol', role: 'user' }).tasks.assign({
      employee: 'alice',
      description: 'create a hello page (script:hello)',
      model: 'mock/failing',
    });
    await waitForMessage(
      services,
      (m) => m.sender === 'alice' && m.text.startsWith('@team I need help'),
      'help',
      LONG,
    );
    const failed = await waitForMessage(services, fromAlice('❌ Failed'), 'the failure', LONG);
    expect(failed.text).toContain(`the model provider did not answer within 15 s (tried ${world.model.url})`);
    const { updates } = await callerFor(services).tasks.timeline({ taskId: task.id });
    expect(updates.map((u) => u.event)).toContainEqual(
      expect.objectContaining({ kind: 'retry', attempt: 1, nextAt: expect.any(String) }),
    );
  });

  it('an admin who did not assign the task answers by replying in the chat (the role of their signed-in call)', async () => {
    const services = await team();
    await say(services, 'carol', '@alice please build the site (script:bash)');
    const ask = await waitForMessage(services, fromAlice('🔐'), 'the permission ask', LONG);
    await callerFor(services, { id: 'root', role: 'admin' }).chat.send({ text: 'allow', replyTo: ask.id });
    await waitForMessage(services, fromAlice('✅ Done'), 'the result', LONG);
    const [task] = await callerFor(services).tasks.list({ employee: 'alice' });
    const { updates } = await callerFor(services).tasks.timeline({ taskId: task?.id as number });
    expect(updates.map((u) => u.event)).toContainEqual(
      expect.objectContaining({ kind: 'answered', by: 'root', answer: 'allow' }),
    );
  });

  it('attaching takes the password from the settings (not the environment); a wrong one is said plainly', async () => {
    const right = await team();
    await right.agents.driver?.server.ready();
    expect(right.agents.workerInfo().opencode?.state).toBe('ready');
    const wrong = await agentServices({
      PROJECT_ROOT: world.project,
      OPENCODE_URL: shared.baseUrl as string,
      OPENCODE_SERVER_PASSWORD: 'not-the-password',
    });
    await expect(wrong.agents.driver?.server.ready()).rejects.toThrow(
      'opencode refused our password (HTTP 401): set OPENCODE_SERVER_PASSWORD to the server’s',
    );
  });

  it('a provider that never answers fails within AGENT_MODEL_TIMEOUT_MS, naming where it tried', async () => {
    const services = await team({ AGENT_MODEL_TIMEOUT_MS: '3000' });
    await callerFor(services, { id: 'carol', role: 'user' }).tasks.assign({
      employee: 'alice',
      description: 'script:hello say hi',
      model: 'mock/silent',
    });
    const failed = await waitForMessage(services, fromAlice('❌ Failed'), 'the failure', LONG);
    expect(failed.text).toContain(`the model provider did not answer within 3 s (tried ${world.model.url})`);
  });

  // Last: "always" approves `echo *` for the rest of this shared opencode server's life.
  it('an admin answers with tasks.answer (the buttons), and the chat post is then settled', async () => {
    const services = await team();
    await say(services, 'carol', '@alice please build the app (script:bash)');
    const ask = await waitForMessage(services, fromAlice('🔐'), 'the permission ask', LONG);
    const [task] = await callerFor(services).tasks.list({ employee: 'alice' });
    const { updates } = await callerFor(services).tasks.timeline({ taskId: task?.id as number });
    const entry = updates.map((u) => u.event).find((e) => e.kind === 'ask');
    const askId = entry?.kind === 'ask' ? entry.askId : '';
    const answered = await callerFor(services, { id: 'boss', role: 'admin' }).tasks.answer({
      askId,
      answer: 'always',
    });
    expect(answered).toMatchObject({ askId, taskId: task?.id, answer: 'always', by: 'boss' });
    await waitForMessage(services, fromAlice('✅ Done'), 'the result', LONG);
    await say(services, 'carol', 'allow', ask.id);
    await waitForMessage(
      services,
      (m) => m.sender === 'alice' && m.text === '@carol @boss already answered this (always).',
    );
  });
});
