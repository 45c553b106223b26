// Origin allowlist, connection caps per IP and per user, and the per-user message rate limit, over real sockets.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../src/server/app';
import { connectClient, startTestServer, type TestClient, waitFor } from '../helpers/server';

let app: App | null = null;
const sockets: WebSocket[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await app?.stop();
  app = null;
});

const start = async (env: Record<string, string>) => {
  app = await startTestServer(env);
  return app;
};
const legacyUrl = (a: App) => `${a.wsUrl.replace(/\/ws$/, '').replace(/\/$/, '')}/legacy`;

/** Opens a raw socket; resolves to 'open' or the HTTP status the upgrade was refused with. */
function attempt(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number | 'open'; ws: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    sockets.push(ws);
    ws.once('open', () => resolve({ status: 'open', ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, ws }));
    ws.on('error', () => undefined);
  });
}

describe('origin allowlist', () => {
  it('lets a listed origin and origin-less clients upgrade, and refuses any other origin with 403', async () => {
    const a = await start({ CORS_ORIGINS: 'https://chat.example.com' });
    for (const url of [a.wsUrl, legacyUrl(a)]) {
      expect((await attempt(url, { origin: 'https://chat.example.com' })).status).toBe('open');
      expect((await attempt(url)).status).toBe('open');
      expect((await attempt(url, { origin: 'https://evil.example.net' })).status).toBe(403);
      expect((await attempt(url, { origin: 'null' })).status).toBe(403);
    }
  });

  it('answers CORS preflights only for listed origins', async () => {
    const a = await start({ CORS_ORIGINS: 'https://chat.example.com' });
    const preflight = (origin: string) =>
      fetch(`${a.httpUrl}/trpc/chat.send`, { method: 'OPTIONS', headers: { origin } });
    const good = await preflight('https://chat.example.com');
    expect(good.status).toBe(204);
    expect(good.headers.get('access-control-allow-origin')).toBe('https://chat.example.com');
    const bad = await preflight('https://evil.example.net');
    expect(bad.status).toBe(403);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('connection limit per IP', () => {
  it('refuses the upgrade over WS_MAX_CONNECTIONS_PER_IP with 429 (tRPC and legacy together) until one closes', async () => {
    const a = await start({ WS_MAX_CONNECTIONS_PER_IP: '3' });
    const open = [await attempt(a.wsUrl), await attempt(legacyUrl(a)), await attempt(a.wsUrl)];
    expect(open.map((o) => o.status)).toEqual(['open', 'open', 'open']);
    expect((await attempt(a.wsUrl)).status).toBe(429);
    expect((await attempt(legacyUrl(a))).status).toBe(429);

    open[0]?.ws.close();
    await waitFor(() => a.services.connections.ipConnections('127.0.0.1') === 2, 5000, 'the slot to free');
    expect((await attempt(a.wsUrl)).status).toBe('open');
  });
});

describe('connection limit per user', () => {
  it('closes a user’s connection over WS_MAX_CONNECTIONS_PER_USER with 1008 and leaves other users alone', async () => {
    const a = await start({ WS_MAX_CONNECTIONS_PER_USER: '2' });
    for (let i = 0; i < 2; i++) {
      const c = connectClient(a.wsUrl, { userId: 'ann' });
      clients.push(c);
      await c.trpc.presence.list.query();
    }
    expect(a.services.connections.userConnections('ann')).toBe(2);

    // A third connection as ann, speaking the tRPC protocol by hand to see the close code.
    const { ws, status } = await attempt(`${a.wsUrl}?connectionParams=1`);
    expect(status).toBe('open');
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
    ws.send(JSON.stringify({ method: 'connectionParams', data: { userId: 'ann' } }));
    expect(await closed).toEqual({
      code: 1008,
      reason: 'too many connections for ann (limit 2): close a tab or another client',
    });
    expect(a.services.connections.userConnections('ann')).toBe(2);

    const ben = connectClient(a.wsUrl, { userId: 'ben' });
    clients.push(ben);
    expect((await ben.trpc.chat.send.mutate({ text: 'ben is fine' })).sender).toBe('ben');
  });
});

describe('message rate limit', () => {
  it('refuses chat.send past the burst with TOO_MANY_REQUESTS and a retry time, per user, on tRPC and legacy', async () => {
    const a = await start({ RATE_LIMIT_BURST: '3', RATE_LIMIT_PER_SECOND: '0.01' });
    const cara = connectClient(a.wsUrl, { userId: 'cara' });
    const dan = connectClient(a.wsUrl, { userId: 'dan' });
    clients.push(cara, dan);
    for (let i = 0; i < 3; i++) await cara.trpc.chat.send.mutate({ text: `burst ${i}` });
    await expect(cara.trpc.chat.send.mutate({ text: 'one too many' })).rejects.toMatchObject({
      data: { code: 'TOO_MANY_REQUESTS', retryAfterMs: expect.any(Number) },
    });
    expect((await dan.trpc.chat.send.mutate({ text: 'dan has his own bucket' })).sender).toBe('dan');

    // The same bucket holds for cara on the legacy endpoint.
    const { ws } = await attempt(legacyUrl(a));
    const frames: { type: string; data?: { code?: string } }[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    ws.send(JSON.stringify({ type: 'auth', user_id: 'cara' }));
    await waitFor(() => frames.some((f) => f.type === 'auth_success'), 5000, 'legacy sign-in');
    ws.send(JSON.stringify({ type: 'chat_message', text: 'from legacy' }));
    await waitFor(() => frames.some((f) => f.type === 'error'), 5000, 'the legacy refusal');
    expect(frames.find((f) => f.type === 'error')?.data?.code).toBe('rate_limited');
    const stored = await a.services.repo.history(null, 50);
    expect(stored.filter((m) => m.sender === 'cara')).toHaveLength(3);
  });
});
