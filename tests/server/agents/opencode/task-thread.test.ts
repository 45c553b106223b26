// A task's talk lives in the thread of its message (issue 19), with the real opencode (scripted model): the
// acknowledgement, progress and the agent's question are thread replies, the main conversation holds the mention and
// the result (also sent to the channel), and a person's plain reply in the thread answers the only open question.
// With two asks open in one thread, a plain reply is not guessed: the agent says which to quote.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../../../src/server/services';
import type { Message } from '../../../../src/shared/message';
import { agentServices, callerFor, hire, say, stopAgentServices, waitForMessage } from '../helpers';
import { type AttachedOpencode, attachedOpencode } from './harness';

let oc: AttachedOpencode;

beforeAll(async () => {
  oc = await attachedOpencode('thread-password');
}, 120_000);

afterAll(async () => {
  await oc?.stop();
});

afterEach(() => stopAgentServices());

const LONG = 60_000;
const from = (agent: string, startsWith: string) => (m: Message) =>
  m.sender === agent && m.text.startsWith(startsWith);

async function team(...names: string[]): Promise<Services> {
  const services = await agentServices(oc.settings);
  for (const name of names) await hire(services, name, 'developer');
  return services;
}

describe("a task's talk in its thread, on the real opencode", { timeout: 150_000 }, () => {
  it('acknowledgement, progress and the question go in the thread; a plain reply there answers it', async () => {
    const services = await team('alice');
    const carol = callerFor(services, { id: 'carol', role: 'user' });
    const mention = await say(services, 'carol', '@alice please add a button (script:question)');

    const question = await waitForMessage(services, from('alice', '❓'), 'the question', LONG);
    expect(question).toMatchObject({ threadRoot: mention.id, replyTo: null });
    expect(question.alsoInChannel).toBeUndefined();
    expect(question.text).toContain('Which colour should the button be?');
    const progress = await waitForMessage(services, from('alice', '🔄'), 'a progress line', LONG);
    expect(progress.threadRoot).toBe(mention.id);

    // No quote, no mention: the only open question of the thread is answered.
    const answer = await carol.chat.send({ text: 'blue', threadRoot: mention.id });
    const done = await waitForMessage(services, from('alice', '✅ Done'), 'the result', LONG);
    expect(done.text).toContain('The team answered:');
    expect(done.text).toContain('blue');
    expect(done).toMatchObject({ threadRoot: mention.id, alsoInChannel: true });

    const thread = await carol.chat.thread({ root: mention.id });
    expect(thread.root.id).toBe(mention.id);
    const replies = thread.replies;
    expect(replies[0]).toMatchObject({ sender: 'alice', replyTo: null });
    expect(replies[0]?.text).toMatch(/I'll add a button/);
    const ids = replies.map((m) => m.id);
    for (const post of [progress, question, answer, done]) expect(ids).toContain(post.id);
    expect(ids.indexOf(question.id)).toBeLessThan(ids.indexOf(answer.id));
    expect(ids.at(-1)).toBe(done.id);
    // The main conversation: the mention and the result line, nothing else.
    const main = await carol.chat.history({ limit: 50 });
    expect(main.messages.map((m) => m.id)).toEqual([mention.id, done.id]);

    const [task] = await callerFor(services).tasks.list({ employee: 'alice' });
    const { updates } = await callerFor(services).tasks.timeline({ taskId: task?.id as number });
    expect(updates.map((u) => u.event)).toContainEqual(
      expect.objectContaining({ kind: 'answered', by: 'carol', answer: 'blue' }),
    );
  });

  it('with two asks open in one thread a plain reply is not guessed; quoting each answers it', async () => {
    const services = await team('alice', 'bob');
    const carol = callerFor(services, { id: 'carol', role: 'user' });
    // One message, two tasks: both talk in its thread.
    const mention = await say(services, 'carol', '@alice @bob please build the site (script:bash)');
    const aliceAsk = await waitForMessage(services, from('alice', '🔐'), "alice's permission ask", LONG);
    const bobAsk = await waitForMessage(services, from('bob', '🔐'), "bob's permission ask", LONG);
    expect([aliceAsk.threadRoot, bobAsk.threadRoot]).toEqual([mention.id, mention.id]);

    const plain = await carol.chat.send({ text: 'allow', threadRoot: mention.id });
    const which = await waitForMessage(
      services,
      (m) => m.senderKind === 'agent' && m.replyTo === plain.id,
      'which one to quote',
      LONG,
    );
    expect(which.threadRoot).toBe(mention.id);
    // Both asks are listed, in the order they arrived (the two agents race to ask).
    expect(which.text).toMatch(/^@carol 2 questions are open here: /);
    expect(which.text).toMatch(/\(alice, task #\d+\)/);
    expect(which.text).toMatch(/\(bob, task #\d+\)/);
    expect(which.text).toContain('Reply to the one you are answering (quote it)');

    // Naming the agent picks its ask; quoting the other answers that one.
    await carol.chat.send({ text: '@alice allow', threadRoot: mention.id });
    const aliceDone = await waitForMessage(services, from('alice', '✅ Done'), "alice's result", LONG);
    expect(aliceDone).toMatchObject({ threadRoot: mention.id, alsoInChannel: true });
    await carol.chat.send({ text: 'allow', threadRoot: mention.id, replyTo: bobAsk.id });
    const bobDone = await waitForMessage(services, from('bob', '✅ Done'), "bob's result", LONG);
    expect(bobDone).toMatchObject({ threadRoot: mention.id, alsoInChannel: true });
    expect(bobDone.text).toContain('The shell said:');
  });
});
