import { afterEach, describe, expect, it } from 'vitest';
import {
  agentServices,
  allMessages,
  callerFor,
  hire,
  mainList,
  say,
  stopAgentServices,
  threadReplies,
  waitForMessage,
} from './helpers';

afterEach(stopAgentServices);

// No worker needed for these: the default command is not installed, so a task fails right after its ack.
describe('answering mentions', () => {
  it('a mention gets a reply from that agent, as a reply to the message', async () => {
    const services = await agentServices();
    await hire(services, 'alice', 'frontend-developer');
    const message = await say(services, 'carol', 'hi @alice!');

    const reply = await waitForMessage(services, (m) => m.sender === 'alice');
    expect(reply).toMatchObject({ replyTo: message.id, senderKind: 'agent', origin: 'agent' });
    expect(reply.text).toMatch(/@carol/);
  });

  it('"@alice please create a login component" gets an acknowledgement naming the task, in its thread', async () => {
    const services = await agentServices();
    await hire(services, 'alice', 'frontend-developer');
    const message = await say(services, 'carol', '@alice please create a login component');

    const ack = await waitForMessage(services, (m) => m.sender === 'alice' && m.threadRoot === message.id);
    expect(ack.text).toMatch(/^(Got it!|On it!|Sure thing —) I'll create a login component\.$/);
    expect(ack).toMatchObject({ replyTo: null });
    expect(ack.alsoInChannel).toBeUndefined();
    expect((await threadReplies(services, message.id))[0]?.id).toBe(ack.id);
    expect((await mainList(services)).map((m) => m.id)).not.toContain(ack.id);
    const [task] = await callerFor(services).tasks.list({ employee: 'alice' });
    expect(task?.description).toBe('create a login component');
  });

  it('in a task thread, talk without a mention starts nothing; a mention with a new request does, there', async () => {
    const services = await agentServices();
    await hire(services, 'alice', 'developer');
    await hire(services, 'bob', 'developer');
    const carol = callerFor(services, { id: 'carol', role: 'user' });
    const mention = await say(services, 'carol', '@alice please create a login component');
    await waitForMessage(services, (m) => m.sender === 'alice' && m.threadRoot === mention.id, 'the ack');

    await carol.chat.send({ text: 'please also create a signup page', threadRoot: mention.id });
    const status = await carol.chat.send({ text: '@alice status?', threadRoot: mention.id });
    const answer = await waitForMessage(services, (m) => m.sender === 'alice' && m.replyTo === status.id);
    // Chatter is said where it was asked: in the thread.
    expect(answer.threadRoot).toBe(mention.id);
    expect((await callerFor(services).tasks.list({})).map((t) => t.description)).toEqual([
      'create a login component',
    ]);

    const request = await carol.chat.send({ text: '@bob please write the docs', threadRoot: mention.id });
    const ack = await waitForMessage(services, (m) => m.sender === 'bob' && m.replyTo === request.id);
    expect(ack.text).toMatch(/I'll write the docs/);
    expect(ack.threadRoot).toBe(mention.id);
    const [bobTask] = await callerFor(services).tasks.list({ employee: 'bob' });
    expect(bobTask).toMatchObject({ description: 'write the docs', messageId: request.id });
  });

  it('answers once per mentioned employee, however often the name appears', async () => {
    const services = await agentServices();
    await hire(services, 'alice', 'developer');
    await hire(services, 'bob', 'designer');
    const message = await say(services, 'carol', '@alice @bob hello there @alice, @ALICE');

    await waitForMessage(services, (m) => m.sender === 'alice');
    await waitForMessage(services, (m) => m.sender === 'bob');
    // A later message is answered too: by then the earlier replies are all committed.
    const marker = await say(services, 'carol', '@bob thanks');
    await waitForMessage(services, (m) => m.sender === 'bob' && m.replyTo === marker.id);
    const replies = (await allMessages(services)).filter((m) => m.replyTo === message.id);
    expect(replies.map((m) => m.sender).sort()).toEqual(['alice', 'bob']);
  });

  it('messages from agents do not trigger agents', async () => {
    const services = await agentServices();
    await hire(services, 'alice', 'developer');
    await hire(services, 'bob', 'developer');
    await services.hub.post(
      { text: '@bob please add a login form', sender: 'alice', senderKind: 'agent' },
      'agent',
    );
    const marker = await say(services, 'carol', '@bob hello');
    await waitForMessage(services, (m) => m.sender === 'bob' && m.replyTo === marker.id);

    expect((await allMessages(services)).filter((m) => m.sender === 'bob')).toHaveLength(1);
    expect(await callerFor(services).tasks.list({})).toEqual([]);
  });

  it('answers a status question with the current task and the queue', async () => {
    const services = await agentServices();
    await hire(services, 'alice', 'developer');
    const question = await say(services, 'carol', '@alice what are you working on?');

    const reply = await waitForMessage(services, (m) => m.sender === 'alice' && m.replyTo === question.id);
    expect(reply.text).toBe("I'm free — no task running. Nothing queued.");
  });

  it('answers a question without starting a task', async () => {
    const services = await agentServices();
    await hire(services, 'alice', 'backend-developer');
    const question = await say(services, 'carol', '@alice what is the best address format for the API?');

    const reply = await waitForMessage(services, (m) => m.sender === 'alice' && m.replyTo === question.id);
    expect(reply.text).toMatch(/@carol/);
    expect(await callerFor(services).tasks.list({})).toEqual([]);
  });

  it('ignores mentions of people who are not employees', async () => {
    const services = await agentServices();
    await hire(services, 'alice', 'developer');
    await say(services, 'carol', '@dave please add a login form');
    const marker = await say(services, 'carol', '@alice hi');
    await waitForMessage(services, (m) => m.sender === 'alice' && m.replyTo === marker.id);
    expect((await allMessages(services)).filter((m) => m.senderKind === 'agent')).toHaveLength(1);
  });

  it('reports agent response latency in communication.stats', async () => {
    const services = await agentServices();
    await hire(services, 'alice', 'developer');
    await say(services, 'carol', '@alice status?');
    await waitForMessage(services, (m) => m.sender === 'alice');

    const stats = await callerFor(services).communication.stats();
    expect(stats.agents?.responseLatency.count).toBe(1);
    expect(stats.agents?.responseLatency.p99Ms).toBeGreaterThanOrEqual(0);
    expect(stats.agents?.responder).toBe('deterministic');
  });
});
