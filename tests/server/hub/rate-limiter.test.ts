import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from '../../../src/server/hub/rate-limiter';

describe('TokenBucketLimiter', () => {
  it('allows a burst, then one per refill interval, and says how long to wait', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(3, 1, () => now);
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 1000 });
    now = 400;
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 600 });
    now = 1000;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.hits).toBe(2);
  });

  it('keeps a bucket per key', () => {
    const limiter = new TokenBucketLimiter(1, 1, () => 0);
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('b').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('is off when the rate is 0', () => {
    const limiter = new TokenBucketLimiter(1, 0, () => 0);
    for (let i = 0; i < 100; i++) expect(limiter.take('a').ok).toBe(true);
  });
});
