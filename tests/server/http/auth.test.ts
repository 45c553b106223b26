import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/app';
import { mintToken } from '../../../src/server/auth';
import { connectClient, startTestServer, type TestClient } from '../../helpers/server';
import { TEST_SECRET } from '../../helpers/services';

let app: App;
let admin: string;
let user: string;
let forged: string;
let expired: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  app = await startTestServer({ AUTH_SECRET: TEST_SECRET });
  admin = await mintToken(TEST_SECRET, { user: 'root', role: 'admin' });
  user = await mintToken(TEST_SECRET, { user: 'alice', role: 'user' });
  forged = await mintToken('another-secret-another-secret-another', { user: 'mallory', role: 'admin' });
  expired = await new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('old')
    .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
    .sign(new TextEncoder().encode(TEST_SECRET));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await app.stop();
});

const ws = (params: Record<string, string>) => {
  const client = connectClient(app.wsUrl, params);
  clients.push(client);
  return client.trpc;
};
const rest = async (path: string, token?: string, body?: unknown) => {
  const res = await fetch(`${app.httpUrl}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
};

describe('token mode over WebSocket', () => {
  it('lets a user with a valid token send as the token’s subject', async () => {
    const message = await ws({ token: user }).chat.send.mutate({ text: 'signed in' });
    expect(message.sender).toBe('alice');
  });

  it.each([
    ['no credentials', () => ({}), 'sign in: send a token'],
    ['a forged signature', () => ({ token: forged }), 'token is invalid'],
    ['an expired token', () => ({ token: expired }), 'token expired'],
    ['a chosen user id instead of a token', () => ({ userId: 'admin' }), 'sign in: send a token'],
  ])('answers %s with UNAUTHORIZED and keeps the connection usable', async (_name, params, message) => {
    const client = ws(params());
    await expect(client.chat.send.mutate({ text: 'x' })).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
      message: expect.stringContaining(message),
    });
    // Still connected: a public procedure works on the same socket.
    expect((await client.health.query()).status).toBe('healthy');
  });

  it('refuses communication.switch to a non-admin with FORBIDDEN and allows an admin', async () => {
    await expect(
      ws({ token: user }).communication.switch.mutate({ transport: 'websocket' }),
    ).rejects.toMatchObject({
      data: { code: 'FORBIDDEN' },
      message: 'only admins may do this; alice is a user',
    });
    const info = await ws({ token: admin }).communication.switch.mutate({ transport: 'websocket' });
    expect(info.type).toBe('websocket');
  });
});

describe('token mode over HTTP', () => {
  it('accepts a Bearer token and refuses a missing, forged or expired one', async () => {
    expect((await rest('/communication/info', user)).status).toBe(200);
    for (const token of [undefined, forged, expired]) {
      const { status, body } = await rest('/communication/info', token);
      expect(status).toBe(401);
      expect(body.error?.code).toBe('UNAUTHORIZED');
    }
  });

  it('keeps /health public', async () => {
    expect((await rest('/health')).status).toBe(200);
  });

  it('answers POST /communication/switch from a non-admin with 403', async () => {
    const { status, body } = await rest('/communication/switch', user, { transport_type: 'websocket' });
    expect(status).toBe(403);
    expect(body.error?.code).toBe('FORBIDDEN');
    expect((await rest('/communication/switch', admin, { transport_type: 'websocket' })).status).toBe(200);
  });
});

describe('open mode', () => {
  it('takes the user id from connectionParams and rejects an invalid one', async () => {
    const open = await startTestServer();
    const named = connectClient(open.wsUrl, { userId: 'zoe' });
    const bad = connectClient(open.wsUrl, { userId: 'no spaces allowed' });
    try {
      expect((await named.trpc.chat.send.mutate({ text: 'hi' })).sender).toBe('zoe');
      await expect(bad.trpc.chat.send.mutate({ text: 'hi' })).rejects.toMatchObject({
        data: { code: 'UNAUTHORIZED' },
      });
    } finally {
      await Promise.all([named.close(), bad.close()]);
      await open.stop();
    }
  });
});
