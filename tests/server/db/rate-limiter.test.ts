// The per-user send limit across instances: on PostgreSQL every instance draws from one bucket per person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repository } from '../../../src/server/db/repository';
import { TokenBucketLimiter } from '../../../src/server/ports/rate-limiter';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import { openRepository, rateLimiterFor } from '../../helpers/storage';

let postgres: TestPostgres;
const repos: Repository[] = [];
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const repo of repos) await repo.close();
  await postgres?.stop();
});

describe('rateLimiterFor', () => {
  it('keeps the in-memory bucket for one SQLite process', async () => {
    const repo = await openRepository(':memory:');
    repos.push(repo);
    expect(rateLimiterFor(repo, 3, 1)).toBeInstanceOf(TokenBucketLimiter);
  });

  it('shares one bucket per person between instances on PostgreSQL', async () => {
    const url = await postgres.createDatabase();
    const [a, b] = [await openRepository(url), await openRepository(url)];
    repos.push(a, b);
    // A slow refill, so the test's own pace cannot add a token.
    const [onA, onB] = [rateLimiterFor(a, 3, 0.01), rateLimiterFor(b, 3, 0.01)];

    const taken = [await onA.take('pat'), await onB.take('pat'), await onA.take('pat')];
    expect(taken.map((t) => t.ok)).toEqual([true, true, true]);
    const refused = await onB.take('pat');
    expect(refused.ok).toBe(false);
    expect(refused.ok ? 0 : refused.retryAfterMs).toBeGreaterThan(90_000);
    expect(onB.hits).toBe(1);
    // Someone else has a bucket of their own.
    expect((await onB.take('quinn')).ok).toBe(true);
  });

  it('never lets concurrent takes from two instances exceed the burst', async () => {
    const url = await postgres.createDatabase();
    const [a, b] = [await openRepository(url), await openRepository(url)];
    repos.push(a, b);
    const [onA, onB] = [rateLimiterFor(a, 5, 0.01), rateLimiterFor(b, 5, 0.01)];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? onA : onB).take('rush')));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
  });
});

describe.each([
  ['sqlite', async () => ':memory:'],
  ['postgres', () => postgres.createDatabase()],
])('the send limit on %s', (_name, databaseUrl) => {
  it('takes the burst, then refuses with the wait until the next token, and keeps per-key buckets apart', async () => {
    const repo = await openRepository(await databaseUrl());
    repos.push(repo);
    const limiter = rateLimiterFor(repo, 2, 0.01);
    expect([(await limiter.take('pat')).ok, (await limiter.take('pat')).ok]).toEqual([true, true]);
    const refused = await limiter.take('pat');
    expect(refused.ok).toBe(false);
    // One token at 0.01 a second: about 100 s, less whatever refilled while the test ran.
    expect(refused.ok ? 0 : refused.retryAfterMs).toBeGreaterThan(90_000);
    expect(refused.ok ? 0 : refused.retryAfterMs).toBeLessThanOrEqual(100_000);
    expect((await limiter.take('pat')).ok).toBe(false);
    expect(limiter.hits).toBe(2);
    expect((await limiter.take('quinn')).ok).toBe(true);
  });
});
