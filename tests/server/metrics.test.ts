import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/server/metrics';

describe('Metrics', () => {
  it('regression: reports event-loop lag on the first scrape (the monitor starts with the app, not at the scrape)', async () => {
    const metrics = new Metrics({
      connections: () => ({}),
      rateLimitHits: () => 0,
      telegramOutboxDepth: () => null,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const text = await metrics.render();
    // An empty delay histogram reports its sentinel minimum (about 9.2e9 s) instead of a measured delay.
    const min = Number(/^nodejs_eventloop_lag_min_seconds (\S+)$/m.exec(text)?.[1]);
    expect(min).toBeGreaterThan(0);
    expect(min).toBeLessThan(1);
  });
});
