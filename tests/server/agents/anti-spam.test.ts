import { afterEach, describe, expect, it } from 'vitest';
import { PostLimiter } from '../../../src/server/agents/post-limiter';
import type { Message } from '../../../src/shared/message';
import {
  agentServices,
  allMessages,
  callerFor,
  hire,
  say,
  stopAgentServices,
  waitForMessage,
} from './helpers';

afterEach(stopAgentServices);

describe('anti-spam limiter', () => {
  it('allows N posts per hour and one per interval, per agent', () => {
    let now = 0;
    const limiter = new PostLimiter({ perHour: 3, minIntervalMs: 2000 }, () => now);
    expect(limiter.take('bob')).toBe(true);
    now = 1000;
    expect(limiter.take('bob')).toBe(false);
    expect(limiter.take('alice')).toBe(true);
    now = 3000;
    expect(limiter.take('bob')).toBe(true);
    now = 6000;
    expect(limiter.take('bob')).toBe(true);
    now = 9000;
    expect(limiter.take('bob')).toBe(false);
    now = 3_600_001;
    expect(limiter.take('bob')).toBe(true);
    expect(limiter.dropped.get('bob')).toBe(2);
    expect(limiter.droppedTotal).toBe(2);
  });

  it('drops unsolicited help offers over the limit, counts them, but never drops replies to mentions', async () => {
    const services = await agentServices({ AGENT_POSTS_PER_HOUR: '1' });
    await hire(services, 'alice', 'developer');
    await hire(services, 'bob', 'designer');
    const asks: Message[] = [];
    for (const text of [
      'I need help with the CSS grid, any ideas?',
      'Still stuck with the CSS colors, any ideas?',
    ]) {
      asks.push(await services.hub.post({ text, sender: 'alice', senderKind: 'agent' }, 'agent'));
    }
    await waitForMessage(services, (m) => m.sender === 'bob' && m.replyTo === asks[0]?.id);
    for (let i = 0; i < 3; i++) {
      const mention = await say(services, 'carol', `@bob hello ${i}`);
      await waitForMessage(services, (m) => m.sender === 'bob' && m.replyTo === mention.id);
    }

    const stats = await callerFor(services).communication.stats();
    expect(stats.agents?.droppedPosts).toBe(1);
    expect(stats.agents?.droppedByAgent).toEqual({ bob: 1 });
    const offers = (await allMessages(services)).filter(
      (m) => m.sender === 'bob' && m.replyTo === asks[1]?.id,
    );
    expect(offers).toHaveLength(0);
  });
});
