// Short frame fuzzing (the long run is `npm run fuzz`): malformed frames on both endpoints while a client chats.
import { describe, expect, it } from 'vitest';
import { fuzzFailures, runFrameFuzz } from '../../scripts/reliability/frame-fuzz';

describe('frame fuzzing (short)', () => {
  it('survives malformed frames on / and /legacy while a steady client loses nothing', async () => {
    const figures = await runFrameFuzz({
      frames: 4000,
      connections: 4,
      halfOpen: 10,
      seed: 8,
      steadyMinimum: 50,
    });
    console.log(`frame fuzz: ${JSON.stringify(figures)}`);
    expect(figures.frames).toBe(4000);
    expect(figures.byEndpoint.trpc).toBeGreaterThan(0);
    expect(figures.byEndpoint.legacy).toBeGreaterThan(0);
    expect(figures.steady.sent).toBeGreaterThanOrEqual(50);
    expect(fuzzFailures(figures, 150)).toEqual([]);
  }, 90_000);
});
