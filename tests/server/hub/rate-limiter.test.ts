import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/server/config';
import { SendLimiter } from '../../../src/server/hub/rate-limiter';
import { TokenBucketLimiter } from '../../../src/server/ports/rate-limiter';

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

describe('SendLimiter', () => {
  const limits = (now: () => number) =>
    new SendLimiter((burst, perSecond) => new TokenBucketLimiter(burst, perSecond, now), {
      person: { burst: 20, perSecond: 2 },
      bulk: { burst: 10, perSecond: 1 },
    });

  it('lets a person send a burst of 20, then 2 a second', async () => {
    let now = 0;
    const limiter = limits(() => now);
    for (let i = 0; i < 20; i++) expect((await limiter.take('ann')).ok).toBe(true);
    expect(await limiter.take('ann')).toEqual({ ok: false, retryAfterMs: 500 });
    now = 1000;
    expect((await limiter.take('ann')).ok).toBe(true);
    expect((await limiter.take('ann')).ok).toBe(true);
    expect((await limiter.take('ann')).ok).toBe(false);
  });

  it('keeps scripts and bots to the stricter bulk limit, drawn from the same person bucket too', async () => {
    let now = 0;
    const limiter = limits(() => now);
    for (let i = 0; i < 10; i++) expect((await limiter.take('bot', 'bulk')).ok).toBe(true);
    expect(await limiter.take('bot', 'bulk')).toEqual({ ok: false, retryAfterMs: 1000 });
    // The same user at a chat client still has what is left of the person burst (20 - 10).
    for (let i = 0; i < 10; i++) expect((await limiter.take('bot')).ok).toBe(true);
    expect((await limiter.take('bot')).ok).toBe(false);
    now = 1000;
    expect((await limiter.take('bot', 'bulk')).ok).toBe(true);
    expect(limiter.hits).toBe(2);
  });

  it('never lets the bulk limit be looser than the person limit, and is off when people are unlimited', async () => {
    const strict = new SendLimiter((b, r) => new TokenBucketLimiter(b, r, () => 0), {
      person: { burst: 2, perSecond: 1 },
      bulk: { burst: 10, perSecond: 5 },
    });
    expect((await strict.take('a', 'bulk')).ok).toBe(true);
    expect((await strict.take('a', 'bulk')).ok).toBe(true);
    expect((await strict.take('a', 'bulk')).ok).toBe(false);
    const off = new SendLimiter((b, r) => new TokenBucketLimiter(b, r, () => 0), {
      person: { burst: 1, perSecond: 0 },
      bulk: { burst: 1, perSecond: 1 },
    });
    for (let i = 0; i < 50; i++) expect((await off.take('a', 'bulk')).ok).toBe(true);
  });

  it('defaults suit people: burst 20 at 2/s, bulk 10 at 1/s', () => {
    const config = loadConfig({}, []);
    expect(config.RATE_LIMIT_BURST).toBe(20);
    expect(config.RATE_LIMIT_PER_SECOND).toBe(2);
    expect(config.RATE_LIMIT_BULK_BURST).toBe(10);
    expect(config.RATE_LIMIT_BULK_PER_SECOND).toBe(1);
  });
});
