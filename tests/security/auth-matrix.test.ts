// Every procedure × every kind of caller, through real connections to the real server in token mode.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { mintToken } from '../../src/server/auth';
import { connectClient, startTestServer } from '../helpers/server';
import { TEST_SECRET } from '../helpers/services';
import { fixtureCommand, gitProject } from '../server/agents/helpers';
import {
  CASES,
  type Cell,
  CONTINUER,
  type Credential,
  formatMatrix,
  routerProcedures,
  runMatrix,
  STOPPER,
  WORKER,
} from './auth-matrix';

let app: App;
let cells: Cell[];

beforeAll(async () => {
  app = await startTestServer({
    AUTH_SECRET: TEST_SECRET,
    RATE_LIMIT_PER_SECOND: '0',
    // A git project: without git the matrix's agents would take turns (issue 21) and the stopper would wait.
    PROJECT_ROOT: gitProject(),
    AGENT_WORKER_COMMAND: fixtureCommand('slow-worker.mjs'),
    AGENT_MIN_POST_INTERVAL_MS: '0',
    AGENT_POSTS_PER_HOUR: '100000',
  });
  const admin = await mintToken(TEST_SECRET, { user: 'root', role: 'admin' });
  const tokens: Record<Credential, string | null> = {
    none: null,
    user: await mintToken(TEST_SECRET, { user: 'alice', role: 'user' }),
    admin,
    forged: await mintToken('another-secret-another-secret-another-secret', {
      user: 'mallory',
      role: 'admin',
    }),
    expired: await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('old-admin')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(TEST_SECRET)),
    // An admin token, valid and unexpired, of someone an admin then removed: revocation beats the role.
    fired: await mintToken(TEST_SECRET, { user: 'fired-bob', role: 'admin' }),
  };
  for (const name of [WORKER, STOPPER, CONTINUER])
    await app.services.agents.hire({ name, role: 'developer', smartness: 'normal' }, 'root');
  const root = connectClient(app.wsUrl, { token: admin });
  try {
    await root.trpc.users.revoke.mutate({ user: 'fired-bob' });
  } finally {
    await root.close();
  }
  cells = await runMatrix(app, tokens);
  console.log(`\nAuth matrix (ws / http; 401 UNAUTHORIZED, 403 FORBIDDEN):\n${formatMatrix(cells)}\n`);
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

describe('auth matrix in token mode', () => {
  it('covers every procedure of the root router', () => {
    expect(CASES.map((c) => c.path).sort()).toEqual([...routerProcedures().keys()].sort());
  });

  it('gives every caller exactly the outcome its credentials allow, over WebSocket and HTTP', () => {
    const wrong = cells.filter((c) => c.actual !== c.expected);
    expect(wrong).toEqual([]);
    // Every procedure × 6 credentials over ws, and the non-subscriptions again over HTTP.
    const subscriptions = [...routerProcedures().values()].filter((kind) => kind === 'subscription').length;
    expect(cells).toHaveLength(CASES.length * 6 + (CASES.length - subscriptions) * 6);
  });

  it('lets nothing but health through without valid, unrevoked credentials', () => {
    const through = cells.filter(
      (c) => ['none', 'forged', 'expired', 'fired'].includes(c.credential) && c.actual === 'ok',
    );
    expect([...new Set(through.map((c) => c.path))]).toEqual(['health']);
  });
});
