import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastHistogram } from '../../src/server/delivery-histogram';

// The delivery histogram is scraped as if prom-client's Histogram had observed the same values: same lines, same
// order, same figures, so dashboards and alerts on ocs_delivery_latency_seconds see no difference.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

describe('FastHistogram', () => {
  it('scrapes exactly like prom-client’s Histogram fed the same observations', async () => {
    const theirs = new Registry();
    const reference = new Histogram({
      name: 'x_seconds',
      help: 'help text',
      labelNames: ['transport'],
      buckets: BUCKETS,
      registers: [theirs],
    });
    const ours = new Registry();
    const fast = new FastHistogram('x_seconds', 'help text', 'transport', BUCKETS);
    ours.registerMetric(fast as never);
    // Bounds themselves, between them, past the last, zero; two label values.
    const values = [0, 0.005, 0.0051, 0.01, 0.3, 1, 2.5, 9.99, 10, 10.01, 1234];
    const ws = fast.child('websocket');
    const legacy = fast.child('legacy');
    for (const v of values) {
      ws.observe(v);
      reference.labels('websocket').observe(v);
    }
    legacy.observe(0.02);
    reference.observe({ transport: 'legacy' }, 0.02);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).toContain('x_seconds_bucket{le="0.005",transport="websocket"} 2');
  });

  it('has no series before the first observation of a label value', async () => {
    const registry = new Registry();
    registry.registerMetric(new FastHistogram('y_seconds', 'h', 'transport', BUCKETS) as never);
    expect(await registry.metrics()).toBe('# HELP y_seconds h\n# TYPE y_seconds histogram\n');
  });
});
