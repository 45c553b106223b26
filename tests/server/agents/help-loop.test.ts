import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../../src/shared/activity';
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

// One second of silence: long enough that a slow node start-up on a busy machine does not count as stuck.
const helpEnv = () => ({
  // The fixture reads help from stdin, which stays open only with {stdin_help}.
  AGENT_WORKER_COMMAND: fixtureCommand('help-worker.mjs', '{stdin_help}'),
  AGENT_STUCK_AFTER_MS: '1000',
});

describe('help loop', () => {
  it('closes: stuck agent asks, a CSS expert suggests, the worker gets it and finishes', async () => {
    const services = await agentServices(helpEnv());
    const statuses: ActivityEvent[] = [];
    services.hub.onEvent((e) => {
      if (e.type === 'activity' && e.activity.type === 'agent-status') statuses.push(e.activity);
    });
    await hire(services, 'alice', 'frontend-developer');
    await hire(services, 'bob', 'designer');
    await hire(services, 'dave', 'devops');
    const mention = await say(services, 'carol', '@alice please fix the CSS on the login page');

    const help = await waitForMessage(services, (m) => m.sender === 'alice' && m.text.startsWith('@team'));
    expect(help.text).toBe(
      '@team I need help with fix the CSS on the login page. So far: looking at the CSS layout. Any ideas?',
    );
    const suggestion = await waitForMessage(services, (m) => m.sender === 'bob' && m.replyTo === help.id);
    expect(suggestion.text).toMatch(/^@alice .*CSS/);
    const thanks = await waitForMessage(services, (m) => m.sender === 'alice' && m.replyTo === suggestion.id);
    expect(thanks.text).toBe('Thanks @bob — passing that on.');
    const done = await waitForMessage(services, (m) => m.text.startsWith('✅ Done: fix the CSS'));
    expect(done.text).toContain('> applied the fix');
    // The whole exchange lives in the task's thread; the main conversation has the mention and the result only.
    const thread = (await threadReplies(services, mention.id)).map((m) => m.id);
    for (const post of [help, suggestion, thanks, done]) expect(thread).toContain(post.id);
    expect((await mainList(services)).map((m) => m.id)).toEqual([mention.id, done.id]);

    // devops has no CSS expertise: no answer from dave.
    const all = await allMessages(services);
    expect(all.filter((m) => m.sender === 'dave')).toHaveLength(0);
    expect(all.filter((m) => m.sender === 'bob')).toHaveLength(1);
    const helpFile = readFileSync(join(services.config.DATA_DIR ?? '', 'sessions/alice/help.md'), 'utf8');
    expect(helpFile).toContain('## From @bob');
    expect(helpFile).toContain(suggestion.text);
    const [task] = await callerFor(services).tasks.list({ employee: 'alice' });
    const log = await callerFor(services).tasks.log({ id: task?.id as number });
    expect(log.lines.some((l) => l.stream === 'help' && l.line.startsWith('@bob:'))).toBe(true);
    expect(log.lines.some((l) => l.line.startsWith('got help: Help from @bob:'))).toBe(true);
    const aliceStatuses = statuses.flatMap((s) =>
      s.type === 'agent-status' && s.agent === 'alice' ? [s.status] : [],
    );
    expect(aliceStatuses).toEqual(['idle', 'working', 'stuck', 'working', 'idle']);
  });

  it('answers the seed help request "I\'m stuck with this CSS issue, any ideas?" with a CSS suggestion', async () => {
    // A worker that stays silent whatever it is told, so alice stays stuck.
    const services = await agentServices({
      AGENT_WORKER_COMMAND: fixtureCommand('slow-worker.mjs'),
      AGENT_STUCK_AFTER_MS: '300',
    });
    await hire(services, 'alice', 'backend-developer');
    await hire(services, 'bob', 'designer');
    await hire(services, 'tess', 'tester');
    await callerFor(services).tasks.assign({ employee: 'alice', description: 'polish the settings page' });
    await waitFor(() => services.agents.roster.status('alice') === 'stuck', 5000, 'alice to be stuck');

    const request = await services.hub.post(
      { text: "I'm stuck with this CSS issue, any ideas?", sender: 'alice', senderKind: 'agent' },
      'agent',
    );
    const suggestion = await waitForMessage(
      services,
      (m) => m.sender === 'bob' && m.replyTo === request.id,
      'a suggestion from bob',
    );
    expect(suggestion.text).toContain('CSS');
    expect(suggestion.text).toContain('devtools');
  });

  it("passes a person's plain reply in the stuck agent's task thread to its worker", async () => {
    const services = await agentServices(helpEnv());
    await hire(services, 'alice', 'developer');
    const mention = await say(services, 'carol', '@alice please fix the build');
    await waitFor(() => services.agents.roster.status('alice') === 'stuck', 5000, 'alice to be stuck');

    const hint = await callerFor(services, { id: 'carol', role: 'user' }).chat.send({
      text: 'try deleting node_modules/.cache first',
      threadRoot: mention.id,
    });
    const thanks = await waitForMessage(services, (m) => m.sender === 'alice' && m.replyTo === hint.id);
    expect(thanks).toMatchObject({ text: 'Thanks @carol — passing that on.', threadRoot: mention.id });
    const done = await waitForMessage(services, (m) => m.text.startsWith('✅ Done: fix the build'));
    expect(done.text).toContain('got help: Help from @carol: try deleting node_modules/.cache first');
  });

  it("passes a person's mention of the stuck agent to its worker", async () => {
    const services = await agentServices(helpEnv());
    await hire(services, 'alice', 'developer');
    await callerFor(services).tasks.assign({ employee: 'alice', description: 'untangle the build' });
    await waitFor(() => services.agents.roster.status('alice') === 'stuck', 5000, 'alice to be stuck');

    const hint = await say(services, 'carol', '@alice try deleting node_modules/.cache first');
    const thanks = await waitForMessage(services, (m) => m.sender === 'alice' && m.replyTo === hint.id);
    expect(thanks.text).toBe('Thanks @carol — passing that on.');
    const done = await waitForMessage(services, (m) => m.text.startsWith('✅ Done: untangle the build'));
    expect(done.text).toContain('got help: Help from @carol: @alice try deleting node_modules/.cache first');
  });
});
