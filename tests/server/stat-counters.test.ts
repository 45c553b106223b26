// Stored counters stay out of the way of what they count: a burst of refusals becomes one write per counter and
// hour, and nothing added before a read or a shutdown is missing from it. On a real (in-memory SQLite) database.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Repository } from '../../src/server/db/repository';
import { StatCounters } from '../../src/server/stat-counters';
import { openRepository, statsRepositoryFor } from '../helpers/storage';

const repos: Repository[] = [];
afterEach(async () => {
  for (const repo of repos.splice(0)) await repo.close();
});

/** The real stats storage, its writes counted on the way through. */
async function countedStore() {
  const repo = await openRepository(':memory:');
  repos.push(repo);
  const store = statsRepositoryFor(repo);
  let writes = 0;
  const bump = store.bump.bind(store);
  store.bump = (...args) => {
    writes += 1;
    return bump(...args);
  };
  return { store, writes: () => writes };
}

describe('StatCounters', () => {
  it('coalesces a burst into one write per counter and hour, and reads include everything added', async () => {
    const { store, writes } = await countedStore();
    const counters = new StatCounters(
      store,
      pino({ level: 'silent' }),
      () => new Date('2026-12-02T03:00:00Z'),
    );
    for (let i = 0; i < 500; i++) counters.add('rate_limit_hits');
    counters.add('errors', 2);
    expect(await counters.totals()).toEqual({ rate_limit_hits: 500, telegram_rate_limit_hits: 0, errors: 2 });
    expect(writes()).toBe(2);
  });

  it('waits for counts added while a write is under way', async () => {
    const { store } = await countedStore();
    const counters = new StatCounters(store, pino({ level: 'silent' }));
    counters.add('rate_limit_hits');
    await Promise.resolve();
    counters.add('rate_limit_hits', 4);
    await counters.flushed();
    expect((await store.totals()).rate_limit_hits).toBe(5);
  });
});
