// Token rules (issue 15.7): a token without `exp` is refused, revocation matches user ids case-insensitively (and
// drops every spelling's connections), audit rows of revoke/restore name their target, `npm run token` always
// sets an expiry.
import { spawnSync } from 'node:child_process';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { mintToken } from '../../src/server/auth';
import { connectClient, startTestServer, type TestClient, waitFor } from '../helpers/server';
import { TEST_SECRET } from '../helpers/services';

let app: App;
const clients: TestClient[] = [];
beforeAll(async () => {
  app = await startTestServer({ AUTH_SECRET: TEST_SECRET });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await app.stop();
});

const client = (token: string) => {
  const c = connectClient(app.wsUrl, { token });
  clients.push(c);
  return c;
};
const history = (token: string) =>
  fetch(`${app.httpUrl}/trpc/chat.history?input=${encodeURIComponent('{}')}`, {
    headers: { authorization: `Bearer ${token}` },
  });

describe('token rules', () => {
  it('refuses a correctly signed token that has no expiry, saying why', async () => {
    const eternal = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('eve')
      .setIssuedAt()
      .sign(new TextEncoder().encode(TEST_SECRET));
    const res = await history(eternal);
    expect(res.status).toBe(401);
    expect(JSON.stringify(await res.json())).toMatch(/no expiry \(exp\)/);
    await expect(client(eternal).trpc.chat.history.query({})).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
  });

  it('revokes a user id whatever its case, dropping connections of every spelling', async () => {
    const admin = client(await mintToken(TEST_SECRET, { user: 'root', role: 'admin' }));
    const upper = client(await mintToken(TEST_SECRET, { user: 'Bob', role: 'user' }));
    await upper.trpc.chat.history.query({});
    expect(app.services.connections.userConnections('Bob')).toBe(1);

    const revoked = await admin.trpc.users.revoke.mutate({ user: 'bob' });
    expect(revoked.droppedConnections).toBe(1);
    await waitFor(() => app.services.connections.userConnections('Bob') === 0, 5000, 'Bob to be dropped');
    for (const spelling of ['bob', 'Bob', 'BOB']) {
      const res = await history(await mintToken(TEST_SECRET, { user: spelling, role: 'user' }));
      expect(res.status, spelling).toBe(401);
    }
    await admin.trpc.users.restore.mutate({ user: 'BOB' });
    expect((await history(await mintToken(TEST_SECRET, { user: 'Bob', role: 'user' }))).status).toBe(200);
  });

  it('names the target in the audit rows of revoke and restore', async () => {
    const admin = client(await mintToken(TEST_SECRET, { user: 'root', role: 'admin' }));
    await admin.trpc.users.revoke.mutate({ user: 'carol' });
    await admin.trpc.users.restore.mutate({ user: 'carol' });
    const rows = await app.services.audit.list({ before: null, limit: 10 });
    const targets = rows
      .filter((row) => row.action === 'users.revoke' || row.action === 'users.restore')
      .map((row) => [row.action, row.target]);
    expect(targets).toEqual(
      expect.arrayContaining([
        ['users.revoke', 'carol'],
        ['users.restore', 'carol'],
      ]),
    );
  });
});

describe('npm run token', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/mint-token.ts', ...args], {
      env: { ...process.env, AUTH_SECRET: TEST_SECRET },
      encoding: 'utf8',
    });

  it('always sets an expiry, and refuses an --expires that is not a positive duration', () => {
    const minted = run('--user', 'alice');
    expect(minted.status).toBe(0);
    const claims = decodeJwt(minted.stdout.trim());
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000 + 29 * 86_400);
    for (const bad of ['0', 'never', '-1d', '']) {
      const refused = run('--user', 'alice', `--expires=${bad}`);
      expect(refused.status, bad).toBe(2);
      expect(refused.stderr).toMatch(/--expires must be a duration/);
    }
  });
});
