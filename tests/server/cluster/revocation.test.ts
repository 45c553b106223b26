// Regression: the revoked-users list was read only at start-up, so in a cluster a person revoked on one instance
// kept working on the others until they restarted. Two instances in this process on one embedded PostgreSQL.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/app';
import { mintToken } from '../../../src/server/auth';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import { connectClient, startTestServer, type TestClient, tempDir, waitFor } from '../../helpers/server';
import { TEST_SECRET } from '../../helpers/services';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
});

const started: App[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const app of started.splice(0)) await app.stop();
});

const instance = async (databaseUrl: string) => {
  const app = await startTestServer({
    AUTH_SECRET: TEST_SECRET,
    DATABASE_URL: databaseUrl,
    PROJECT_ROOT: tempDir('ocs-revoke-'),
  });
  started.push(app);
  return app;
};
const client = (app: App, token: string) => {
  const c = connectClient(app.wsUrl, { token });
  clients.push(c);
  return c;
};

describe('revocation across a cluster', () => {
  it('drops a person revoked on one instance from the others and refuses their token there until restored', async () => {
    const url = await postgres.createDatabase();
    const [a, b] = [await instance(url), await instance(url)];
    const adminOnA = client(a, await mintToken(TEST_SECRET, { user: 'root', role: 'admin' }));
    const adminOnB = client(b, await mintToken(TEST_SECRET, { user: 'root', role: 'admin' }));
    const carolToken = await mintToken(TEST_SECRET, { user: 'Carol', role: 'user' });
    const carolOnB = client(b, carolToken);
    const errors: string[] = [];
    let subscribed = false;
    carolOnB.trpc.chat.onMessage.subscribe(
      {},
      {
        onStarted: () => {
          subscribed = true;
        },
        onError: (error) => errors.push(String(error.data?.code)),
      },
    );
    await waitFor(() => subscribed, 5000, 'carol’s subscription on B');
    expect(b.services.connections.userConnections('Carol')).toBe(1);

    // Revoked on A (where she is not connected): B closes her connection and refuses her reconnect.
    expect(await adminOnA.trpc.users.revoke.mutate({ user: 'carol' })).toMatchObject({ changed: true });
    await waitFor(() => errors.includes('UNAUTHORIZED'), 10_000, 'carol’s subscription on B to be refused');
    expect(b.services.connections.userConnections('Carol')).toBe(0);
    await expect(client(b, carolToken).trpc.chat.send.mutate({ text: 'after' })).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    expect(await adminOnB.trpc.users.revoked.query()).toEqual({ users: ['carol'] });

    // Changes from both instances add up: one revoked on B, then carol restored on A.
    await adminOnB.trpc.users.revoke.mutate({ user: 'dave' });
    await waitFor(() => a.services.revoked.has('dave'), 10_000, 'A to hear of dave');
    await adminOnA.trpc.users.restore.mutate({ user: 'carol' });
    await waitFor(() => !b.services.revoked.has('carol'), 10_000, 'B to hear carol is restored');
    expect(await adminOnB.trpc.users.revoked.query()).toEqual({ users: ['dave'] });
    expect((await client(b, carolToken).trpc.chat.send.mutate({ text: 'back' })).sender).toBe('Carol');
  }, 60_000);
});
