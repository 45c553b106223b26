// Short chaos run (the long one is `npm run chaos`): 1,000 messages, one SIGKILL, random disconnects, a 5 s
// Telegram outage; every view, the database and the Telegram chat must hold each message once, in order.
import { describe, expect, it } from 'vitest';
import { runChaos } from '../../scripts/reliability/chaos';

describe('chaos (short)', () => {
  it('loses, duplicates and reorders nothing through a SIGKILL, disconnects and a Telegram outage', async () => {
    const f = await runChaos({
      messages: 1000,
      trpcClients: 20,
      legacyClients: 2,
      kills: 1,
      telegramDownMs: 5000,
      seed: 8,
      drainMs: 40_000,
    });
    console.log(`chaos: ${JSON.stringify(f)}`);
    expect(f.restarts).toBe(1);
    expect(f.details).toEqual([]);
    expect({
      stored: f.stored,
      telegram: f.telegram,
      lost: f.lost,
      duplicated: f.duplicated,
      reordered: f.reordered,
    }).toEqual({
      stored: 1000,
      telegram: 1000,
      lost: 0,
      duplicated: 0,
      reordered: 0,
    });
  }, 90_000);
});
