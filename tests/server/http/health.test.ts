import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/app';
import type { HealthReport } from '../../../src/server/health';
import { connectClient, startTestServer } from '../../helpers/server';

let app: App;
beforeAll(async () => {
  app = await startTestServer();
});
afterAll(() => app.stop());

const health = async (query = '') => {
  const res = await fetch(`${app.httpUrl}/health${query}`);
  return { status: res.status, body: (await res.json()) as HealthReport };
};

describe('GET /health and the health procedure', () => {
  it('reports every component, uptime and version while healthy', async () => {
    const { status, body } = await health('?strict=1');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'healthy',
      version: '0.1.0',
      components: {
        database: { status: 'up', lastMessageId: 0 },
        transports: {
          status: 'up',
          active: 'websocket',
          connections: { websocket: 0, legacy: 0, telegram: 0 },
        },
        agents: {
          status: 'up',
          count: 0,
          runsHere: true,
          // Nothing started opencode yet (it starts with the first task): the reason for admins is empty.
          worker: { mode: 'opencode', state: 'idle', version: null, lastError: null },
        },
        disk: { status: expect.stringMatching(/^(up|low)$/) },
      },
    });
    expect(body.components.disk.freeBytes).toBeGreaterThan(0);
    expect(body.uptime).toBeGreaterThanOrEqual(0);
  });

  it('is the same procedure over tRPC', async () => {
    const client = connectClient(app.wsUrl, { userId: 'olga' });
    const viaTrpc = await client.trpc.health.query();
    await client.close();
    const { body } = await health();
    // Open mode, straight from this machine: the operator's view (see tests/security/health-exposure.test.ts).
    if (!viaTrpc.detailed) throw new Error('expected the detailed view on loopback in open mode');
    expect(viaTrpc.status).toBe(body.status);
    expect(Object.keys(viaTrpc.components)).toEqual(Object.keys(body.components));
    expect(viaTrpc.version).toBe(body.version);
  });

  // Runs last: it closes the database under the running server.
  it('turns degraded when the database is down, with 503 only for ?strict=1', async () => {
    await app.services.repo.close();

    const lenient = await health();
    expect(lenient.status).toBe(200);
    expect(lenient.body.status).toBe('degraded');
    expect(lenient.body.components.database.status).toBe('down');
    expect(lenient.body.components.database.error).toMatch(/not open/);

    const strict = await health('?strict=1');
    expect(strict.status).toBe(503);
    expect(strict.body.status).toBe('degraded');
  });
});
