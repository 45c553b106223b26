// The agents' mention router sees an edit as a change, never as a new message: editing a message an agent already
// answered (even to mention it again, or another agent) does not ask it again.
import { afterEach, describe, expect, it } from 'vitest';
import { agentServices, allMessages, hire, say, stopAgentServices, waitForMessage } from './helpers';

afterEach(stopAgentServices);

describe('edits and the agents', () => {
  it('an edit of an answered mention does not trigger the agent again', async () => {
    const services = await agentServices();
    await hire(services, 'alice', 'developer');
    await hire(services, 'bob', 'designer');
    const message = await say(services, 'carol', 'hi @alice!');
    await waitForMessage(services, (m) => m.sender === 'alice' && m.replyTo === message.id);

    await services.hub.edit({ id: message.id, text: 'hi @alice and @bob, again!' }, 'carol');
    // A later mention is answered: by then anything the edit could have started would have been routed first.
    const marker = await say(services, 'carol', '@alice ping');
    await waitForMessage(services, (m) => m.sender === 'alice' && m.replyTo === marker.id);
    const answers = (await allMessages(services)).filter((m) => m.replyTo === message.id);
    expect(answers.map((m) => m.sender)).toEqual(['alice']);
    const [edited] = await services.repo.getMessages([message.id]);
    expect(edited?.mentions).toEqual(['alice', 'bob']);
  });
});
