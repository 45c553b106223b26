// Reconnect timing: jittered exponential backoff (clients spread out, never a tight loop, capped), and the gate
// tRPC's wsClient waits on before each reconnect, which the page's online/visibilitychange cut short.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  backoffDelayMs,
  ReconnectGate,
} from '../../../src/client/lib/reconnect';

describe('backoffDelayMs', () => {
  it('doubles per attempt between half and all of the step, up to the cap', () => {
    const low = [0, 1, 2, 3, 4, 5, 10].map((a) => backoffDelayMs(a, () => 0));
    const high = [0, 1, 2, 3, 4, 5, 10].map((a) => backoffDelayMs(a, () => 1));
    expect(low).toEqual([125, 250, 500, 1000, 2000, 2000, 2000]);
    expect(high).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000]);
    expect(BACKOFF_BASE_MS).toBe(250);
    expect(BACKOFF_CAP_MS).toBe(4000);
  });

  it('spreads clients that lost the same server over the step instead of one instant', () => {
    let seed = 42;
    // A small deterministic generator stands in for Math.random in many tabs.
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const third = Array.from({ length: 200 }, () => backoffDelayMs(3, random));
    expect(Math.min(...third)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...third)).toBeLessThanOrEqual(2000);
    expect(new Set(third).size).toBeGreaterThan(100);
    // With Math.random itself, two clients practically never pick the same instant.
    const clients = Array.from({ length: 50 }, () => backoffDelayMs(4));
    expect(new Set(clients).size).toBeGreaterThan(40);
  });
});

describe('ReconnectGate', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('connects at once the first time, waits the jittered backoff before a retry, and says how long', async () => {
    const scheduled: number[] = [];
    const gate = new ReconnectGate('ws://chat/ws', { onRetryScheduled: (d) => scheduled.push(d) }, () => 0.5);
    expect(await gate.url()).toBe('ws://chat/ws');

    expect(gate.retryDelayMs(2)).toBe(0);
    let resolved = false;
    void gate.url().then(() => {
      resolved = true;
    });
    await vi.advanceTimersByTimeAsync(749);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(resolved).toBe(true);
    expect(scheduled).toEqual([750]);
  });

  it('retries at once when woken (network or tab back) instead of at the end of the wait', async () => {
    const gate = new ReconnectGate('ws://chat/ws', {}, () => 1);
    gate.retryDelayMs(10);
    let resolved = false;
    void gate.url().then(() => {
      resolved = true;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(resolved).toBe(false);
    expect(gate.wake()).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(resolved).toBe(true);
    // Nothing to wake once connected.
    expect(gate.wake()).toBe(false);
  });

  it('a wake that comes while a connect attempt is on its way cuts the next wait short, but only soon after', async () => {
    const gate = new ReconnectGate('ws://chat/ws', {}, () => 1);
    // The network comes back while an attempt is failing: no wait is in progress to end.
    expect(gate.wake()).toBe(false);
    gate.retryDelayMs(10);
    let resolved = false;
    void gate.url().then(() => {
      resolved = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(resolved).toBe(true);
    // Used once: the retry after it waits its backoff again.
    gate.retryDelayMs(10);
    resolved = false;
    void gate.url().then(() => {
      resolved = true;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(resolved).toBe(false);
    gate.wake();
    await vi.advanceTimersByTimeAsync(0);
    // A wake long before a later disconnect (the tab shown while connected) does not skip that wait.
    gate.wake();
    await vi.advanceTimersByTimeAsync(60_000);
    gate.retryDelayMs(10);
    resolved = false;
    void gate.url().then(() => {
      resolved = true;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(resolved).toBe(false);
  });

  it('stops waiting when the client closes', async () => {
    const gate = new ReconnectGate('ws://chat/ws', {}, () => 1);
    gate.retryDelayMs(3);
    const url = gate.url();
    gate.close();
    await expect(url).resolves.toBe('ws://chat/ws');
    gate.retryDelayMs(3);
    await expect(gate.url()).resolves.toBe('ws://chat/ws');
  });
});
