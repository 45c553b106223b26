// /health tells strangers nothing (issue 14): status and up/down per component for anyone; paths, sizes, versions
// and errors only to operators; never a connection string or password, on SQLite and on PostgreSQL.
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { mintToken } from '../../src/server/auth';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { connectClient, startTestServer } from '../helpers/server';
import { TEST_SECRET } from '../helpers/services';

const METRICS_TOKEN = 'scrape-token-5d1c7e2a9b4f';
const DB_PASSWORD = 'Pw-9f8e7d6c5b4a-health';

const get = async (app: App, path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${app.httpUrl}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> };
};

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The whole public answer: a status, and one `{ status }` per component. */
function expectPublicOnly(body: Record<string, unknown>): void {
  expect(Object.keys(body).sort()).toEqual(['components', 'detailed', 'status']);
  expect(body.detailed).toBe(false);
  for (const component of Object.values(body.components as Record<string, object>))
    expect(Object.keys(component)).toEqual(['status']);
}

describe('health on SQLite, token mode', () => {
  let app: App;
  beforeAll(async () => {
    app = await startTestServer({ AUTH_SECRET: TEST_SECRET, METRICS_TOKEN });
  });
  afterAll(() => app.stop());

  it('shows strangers only status and up/down per component, over HTTP and tRPC', async () => {
    const anonymous = await get(app, '/health');
    expect(anonymous.status).toBe(200);
    expectPublicOnly(anonymous.body);
    expect(anonymous.text).not.toMatch(/path|bytes|version|uptime|\/tmp|\.db/i);

    const client = connectClient(app.wsUrl, {});
    const viaWs = await client.trpc.health.query();
    await client.close();
    expectPublicOnly(viaWs as unknown as Record<string, unknown>);
  });

  it('shows a signed-in non-admin the public view too', async () => {
    const token = await mintToken(TEST_SECRET, { user: 'una', role: 'user' });
    expectPublicOnly((await get(app, '/health', bearer(token))).body);
  });

  it('shows admins and the scrape token the details', async () => {
    const admin = await mintToken(TEST_SECRET, { user: 'ada', role: 'admin' });
    for (const headers of [bearer(admin), bearer(METRICS_TOKEN)]) {
      const { body } = await get(app, '/health', headers);
      expect(body).toMatchObject({ detailed: true, version: expect.any(String) });
      expect(body.components).toMatchObject({ disk: { status: expect.stringMatching(/up|low/) } });
    }
    const client = connectClient(app.wsUrl, { token: admin });
    const viaWs = await client.trpc.health.query();
    await client.close();
    expect(viaWs.detailed).toBe(true);
  });
});

describe('health in open mode', () => {
  let app: App;
  beforeAll(async () => {
    app = await startTestServer();
  });
  afterAll(() => app.stop());

  it('gives the details to a caller on this machine, not to one a local proxy forwards', async () => {
    expect((await get(app, '/health')).body.detailed).toBe(true);
    expectPublicOnly((await get(app, '/health', { 'x-forwarded-for': '203.0.113.9' })).body);
    expectPublicOnly((await get(app, '/health', { 'x-real-ip': '203.0.113.9' })).body);
  });
});

describe('health on PostgreSQL', () => {
  let postgres: TestPostgres;
  let url: string;
  beforeAll(async () => {
    postgres = await startPostgres();
    // A role with a password of its own, so a leak is found by grepping for it.
    const adminUrl = await postgres.createDatabase();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const database = new URL(adminUrl).pathname.slice(1);
    await admin.query(`CREATE ROLE ocs_health LOGIN PASSWORD '${DB_PASSWORD}'`);
    await admin.query(`ALTER DATABASE ${database} OWNER TO ocs_health`);
    await admin.end();
    const parsed = new URL(adminUrl);
    url = `postgres://ocs_health:${DB_PASSWORD}@${parsed.host}/${database}`;
  }, 120_000);
  afterAll(() => postgres.stop());

  it('never shows the connection string or its password, healthy or down, in answers or logs', async () => {
    let logs = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs += String(chunk);
        done();
      },
    });
    const app = await startTestServer(
      { AUTH_SECRET: TEST_SECRET, DATABASE_URL: url },
      { logger: pino({ level: 'trace' }, sink) },
    );
    try {
      const admin = bearer(await mintToken(TEST_SECRET, { user: 'ada', role: 'admin' }));
      const healthy = await get(app, '/health', admin);
      expect(healthy.body.status).toBe('healthy');
      // The database is a server: no disk of ours to check, and the URL is never taken for a path.
      expect(healthy.body.components).toMatchObject({
        database: { status: 'up' },
        disk: { status: 'absent' },
      });
      expectPublicOnly((await get(app, '/health')).body);

      await app.services.repo.close();
      const down = await get(app, '/health', admin);
      expect(down.body.status).toBe('degraded');
      for (const text of [healthy.text, down.text, logs]) {
        expect(text).not.toContain(DB_PASSWORD);
        expect(text).not.toContain('postgres://');
      }
    } finally {
      await app.stop().catch(() => {});
    }
  });
});
