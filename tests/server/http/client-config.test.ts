// GET /config.json tells the web client where the WebSocket is and which sign-in to offer, per deployment.
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/app';
import { startTestServer } from '../../helpers/server';
import { TEST_SECRET } from '../../helpers/services';

const apps: App[] = [];
afterAll(async () => {
  for (const app of apps) await app.stop();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function start(env: Record<string, string> = {}) {
  const app = await startTestServer(env);
  apps.push(app);
  return app;
}

describe('GET /config.json', () => {
  it('points at /ws on the page origin when WebSocket and HTTP share a port', async () => {
    const app = await start();
    const res = await fetch(`${app.httpUrl}/config.json`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ authMode: 'open', ws: { sameOrigin: true, path: '/ws' } });
  });

  it('names the WebSocket port when it has its own, unless the request came through a proxy', async () => {
    const wsPort = await freePort();
    const app = await start({ PORT: '0', WEBSOCKET_PORT: String(wsPort), AUTH_SECRET: TEST_SECRET });
    const direct = await (await fetch(`${app.httpUrl}/config.json`)).json();
    expect(direct).toEqual({ authMode: 'token', ws: { sameOrigin: false, port: wsPort, path: '/' } });
    const proxied = await (
      await fetch(`${app.httpUrl}/config.json`, { headers: { 'x-forwarded-for': '10.0.0.1' } })
    ).json();
    expect(proxied).toEqual({ authMode: 'token', ws: { sameOrigin: true, path: '/ws' } });
  });
});
