// Regression (issue 14): after a restart the admin statistics read "no replies yet" and "Rate-limit hits 0". The
// figures shown as history now come from the database: agent reply latency from the stored messages, rate-limit
// refusals and failed calls from per-hour counter rows. Restart = the same database file opened again.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../../src/server/services';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import { tempDir } from '../../helpers/server';
import { agentServices, callerFor, hire, say, stopAgentServices, waitForMessage } from '../agents/helpers';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
});
afterEach(stopAgentServices);

const databases: [string, () => Promise<string>][] = [
  ['SQLite', async () => join(tempDir(), 'chat.db')],
  ['PostgreSQL', () => postgres.createDatabase()],
];

const admin = { id: 'boss', role: 'admin' as const };

async function restart(services: Services, env: Record<string, string>): Promise<Services> {
  await services.agents.stop();
  await services.transports.stop();
  await services.repo.close();
  return agentServices(env);
}

describe.each(databases)('statistics that survive a restart on %s', (_dialect, databaseUrl) => {
  it('keeps agent reply latency, rate-limit hits and errors on the same database', async () => {
    const env = {
      DATABASE_URL: await databaseUrl(),
      RATE_LIMIT_BURST: '1',
      RATE_LIMIT_PER_SECOND: '0.01',
    };
    const first = await agentServices(env);
    await hire(first, 'ada', 'developer');
    const ask = await say(first, 'carol', '@ada what is your status?');
    await waitForMessage(first, (m) => m.sender === 'ada' && m.replyTo === ask.id, 'the reply from ada');
    await expect(say(first, 'carol', 'one too many')).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    first.counters.errors += 1;
    const before = await callerFor(first, admin).communication.stats();
    expect(before.rateLimitHits).toBe(1);
    expect(before.errors).toBe(1);
    expect(before.agents?.responseLatency.count).toBe(1);
    expect(before.agents?.responseLatency.p50Ms).toBeGreaterThanOrEqual(0);

    const second = await restart(first, env);
    const after = await callerFor(second, admin).communication.stats();
    expect(after.rateLimitHits).toBe(1);
    expect(after.errors).toBe(1);
    expect(after.agents?.responseLatency).toEqual(before.agents?.responseLatency);
    expect(after.messages.total).toBe(before.messages.total);

    // And they go on adding up from there (on SQLite the new process starts with a full bucket, on PostgreSQL
    // the bucket itself is stored, so how many of these two are refused differs; each refusal counts).
    const sends = await Promise.allSettled([
      say(second, 'carol', 'back again'),
      say(second, 'carol', 'and again'),
    ]);
    const refused = sends.filter((r) => r.status === 'rejected').length;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect((await callerFor(second, admin).communication.stats()).rateLimitHits).toBe(1 + refused);
  });
});

describe('agent reply latency from stored messages', () => {
  it('counts only an agent\u2019s first reply to a message that mentioned it', async () => {
    const services = await agentServices();
    await hire(services, 'ada', 'developer');
    const ask = await say(services, 'carol', '@ada what is your status?');
    await waitForMessage(services, (m) => m.sender === 'ada' && m.replyTo === ask.id, 'the reply');
    // A later reply of hers to the same message, and an agent reply to a message that did not mention her.
    await services.hub.post(
      { text: 'also this', sender: 'ada', senderKind: 'agent', replyTo: ask.id },
      'agent',
    );
    const plain = await say(services, 'dave', 'no mention here');
    await services.hub.post(
      { text: 'an aside', sender: 'ada', senderKind: 'agent', replyTo: plain.id },
      'agent',
    );
    const stats = await callerFor(services, admin).communication.stats();
    expect(stats.agents?.responseLatency.count).toBe(1);
  });
});
