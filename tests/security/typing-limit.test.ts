// Typing events are limited per person and coalesced: a client calling setTyping in a loop cannot make the server
// send an event per call to every subscriber (4,000 calls once grew the server by gigabytes).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Services } from '../../src/server/services';
import type { ActivityEvent } from '../../src/shared/activity';
import { callerFor, createTestServices } from '../helpers/services';

let services: Services;
let typing: { user: string; isTyping: boolean }[];
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  services = await createTestServices();
  typing = [];
  services.hub.onEvent((event) => {
    const activity = event.type === 'activity' ? (event.activity as ActivityEvent) : null;
    if (activity?.type === 'typing') typing.push({ user: activity.user, isTyping: activity.isTyping });
  });
});
afterEach(async () => {
  vi.useRealTimers();
  services.hub.close();
  await services.repo.close();
});

describe('typing events', () => {
  it('regression: 4,000 setTyping calls from one user in a burst become two events, the last state included', async () => {
    const mallory = callerFor(services, { id: 'mallory', role: 'user' });
    for (let i = 0; i < 4_000; i++) await mallory.chat.setTyping({ isTyping: i % 2 === 0 });
    // The burst ended on "not typing": that state goes out once the gap is over, nothing else does.
    expect(typing).toEqual([{ user: 'mallory', isTyping: true }]);
    await vi.advanceTimersByTimeAsync(300);
    expect(typing).toEqual([
      { user: 'mallory', isTyping: true },
      { user: 'mallory', isTyping: false },
    ]);
  });

  it('sends at most four events a second per person while the state keeps changing', async () => {
    const bob = callerFor(services, { id: 'bob', role: 'user' });
    for (let ms = 0; ms < 2_000; ms += 10) {
      await bob.chat.setTyping({ isTyping: (ms / 10) % 2 === 0 });
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(typing.length).toBeGreaterThanOrEqual(4);
    expect(typing.length).toBeLessThanOrEqual(9);
  });

  it('drops a repeat of the same state within a second and passes the client’s 2 s refresh', async () => {
    const ann = callerFor(services, { id: 'ann', role: 'user' });
    await ann.chat.setTyping({ isTyping: true });
    await vi.advanceTimersByTimeAsync(500);
    await ann.chat.setTyping({ isTyping: true });
    expect(typing).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_500);
    await ann.chat.setTyping({ isTyping: true });
    expect(typing).toHaveLength(2);
  });

  it('limits each person on their own', async () => {
    const [ann, bob] = ['ann', 'bob'].map((id) => callerFor(services, { id, role: 'user' }));
    await ann?.chat.setTyping({ isTyping: true });
    await bob?.chat.setTyping({ isTyping: true });
    expect(typing.map((t) => t.user)).toEqual(['ann', 'bob']);
  });

  it('sends nothing of a person after presence said they left (no stale "typing")', async () => {
    const leave = services.hub.presence.connect('carl');
    const carl = callerFor(services, { id: 'carl', role: 'user' });
    await carl.chat.setTyping({ isTyping: false });
    await carl.chat.setTyping({ isTyping: true }); // inside the gap: would go out when it ends
    leave();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(typing).toEqual([
      { user: 'carl', isTyping: false },
      { user: 'carl', isTyping: false },
    ]);
  });
});
