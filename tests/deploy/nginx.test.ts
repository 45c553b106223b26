import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PRODUCTION_NGINX, renderNginxConf, TEMPLATE } from '../../scripts/nginx-conf';
import type { App } from '../../src/server/app';
import { PING_MS } from '../../src/server/limits';
import { freePort } from '../helpers/process';
import { connectClient, startTestServer, tempDir, waitFor } from '../helpers/server';

const template = readFileSync(TEMPLATE, 'utf8');
const SCRAPE_TOKEN = 'nginx-test-scrape-token-1234';

let app: App;
let nginx: Nginx;
let base: string;

interface Nginx {
  child: ChildProcess;
  exited: boolean;
  stop(): Promise<void>;
}

/** Starts nginx in the foreground with `conf` and waits until it answers on `address`. */
async function startNginx(prefix: string, conf: string, address: string): Promise<Nginx> {
  let output = '';
  const child = spawn(
    'nginx',
    ['-p', prefix, '-c', conf, '-e', join(prefix, 'logs', 'startup.log'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const state: Nginx = {
    child,
    exited: false,
    async stop() {
      if (state.exited) return;
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGQUIT');
      await done;
    },
  };
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  child.once('exit', () => {
    state.exited = true;
  });
  let up = false;
  const probe = () =>
    fetch(`http://${address}/health`).then(
      () => {
        up = true;
      },
      () => {},
    );
  await waitFor(
    () => {
      if (state.exited) throw new Error(`nginx exited:\n${output}`);
      if (!up) void probe();
      return up;
    },
    15_000,
    'nginx to listen',
  );
  return state;
}

beforeAll(async () => {
  // Separate HTTP and WebSocket ports, as in production.
  app = await startTestServer({ WEBSOCKET_PORT: String(await freePort()), METRICS_TOKEN: SCRAPE_TOKEN });
  const prefix = tempDir('ocs-nginx-');
  const client = join(prefix, 'client');
  mkdirSync(join(client, 'assets'), { recursive: true });
  writeFileSync(join(client, 'index.html'), '<!doctype html><title>OpenCode-Slack</title>');
  writeFileSync(join(client, 'assets', 'app-1234.js'), 'console.log("client")');
  for (const dir of ['logs', 'var', 'run']) mkdirSync(join(prefix, dir));
  // nginx started as root serves files as an unprivileged worker: the temp folders must be readable.
  for (const dir of [prefix, client, join(client, 'assets')]) chmodSync(dir, 0o755);
  const port = await freePort();
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    renderNginxConf(template, {
      OCS_LISTEN: `127.0.0.1:${port}`,
      OCS_HTTP_UPSTREAM: new URL(app.httpUrl).host,
      OCS_WS_UPSTREAM: new URL(app.wsUrl).host,
      OCS_CLIENT_ROOT: client,
      OCS_NGINX_RUN: join(prefix, 'run'),
      OCS_NGINX_LOG: join(prefix, 'logs'),
      OCS_NGINX_VAR: join(prefix, 'var'),
    }),
  );
  nginx = await startNginx(prefix, conf, `127.0.0.1:${port}`);
  base = `127.0.0.1:${port}`;
});

afterAll(async () => {
  await nginx?.stop();
  await app?.stop();
});

describe('deploy/nginx.conf', () => {
  it('is the template rendered with the production defaults, and nginx accepts it', () => {
    expect(readFileSync('deploy/nginx.conf', 'utf8')).toBe(renderNginxConf(template, PRODUCTION_NGINX));
    const prefix = tempDir('ocs-nginx-t-');
    const check = spawnSync('nginx', ['-t', '-p', prefix, '-c', join(process.cwd(), 'deploy/nginx.conf')], {
      encoding: 'utf8',
    });
    expect(check.stderr).toContain('syntax is ok');
  });

  it('keeps WebSockets open longer than the server ping interval', () => {
    for (const path of ['/ws', '/legacy']) {
      const block = new RegExp(`location = ${path} \\{([^}]*)\\}`).exec(template)?.[1] ?? '';
      expect(block).toContain('proxy_pass http://opencode_ws;');
      const seconds = Number(/proxy_read_timeout (\d+)s;/.exec(block)?.[1]);
      expect(seconds * 1000).toBeGreaterThan(2 * PING_MS);
      // A proxy_set_header here would drop the server-level Upgrade/Connection headers.
      expect(block).not.toContain('proxy_set_header');
    }
    expect(template).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(template).toContain('proxy_set_header Connection $connection_upgrade;');
  });

  it('carries a tRPC subscription and mutation over /ws', async () => {
    const client = connectClient(`ws://${base}/ws`, { userId: 'paz' });
    const received: string[] = [];
    const sub = client.trpc.chat.onMessage.subscribe(
      {},
      { onData: (event) => received.push(...event.data.messages.map((m) => m.text)) },
    );
    await waitFor(() => app.services.hub.messages.size === 1, 10_000, 'subscription through nginx');
    await client.trpc.chat.send.mutate({ text: 'through the proxy' });
    await waitFor(() => received.includes('through the proxy'), 10_000, 'message through nginx');
    sub.unsubscribe();
    await client.close();
  });

  it('passes REST calls under /api and at their own paths, and tRPC over HTTP under /trpc', async () => {
    const health = await fetch(`http://${base}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'healthy' });

    const switched = await fetch(`http://${base}/api/communication/switch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ transport_type: 'websocket' }),
    });
    expect(await switched.json()).toMatchObject({ success: true, transport: 'websocket' });

    const strict = await fetch(`http://${base}/health?strict=1`);
    expect(strict.status).toBe(200);

    const sent = await fetch(`http://${base}/trpc/chat.send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'quin' },
      body: JSON.stringify({ text: 'over http via nginx' }),
    });
    expect(((await sent.json()) as { result: { data: { origin: string } } }).result.data.origin).toBe('api');
  });

  it('tells the web client to use /ws on the proxy origin', async () => {
    const res = await fetch(`http://${base}/config.json`);
    expect(await res.json()).toMatchObject({ ws: { sameOrigin: true, path: '/ws' } });
  });

  it('carries the legacy JSON protocol over /legacy', async () => {
    const ws = new WebSocket(`ws://${base}/legacy`);
    const frames: { type: string }[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ type: 'ping' }));
    await waitFor(() => frames.some((f) => f.type === 'pong'), 10_000, 'pong through nginx');
    ws.close();
  });

  it('serves the client files, falling back to index.html for client routes', async () => {
    const page = await fetch(`http://${base}/rooms/general`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>OpenCode-Slack</title>');
    const asset = await fetch(`http://${base}/assets/app-1234.js`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log("client")');
    expect((await fetch(`http://${base}/assets/missing.js`)).status).toBe(404);
  });

  it('serves /metrics to the host itself, with the scrape token (a forwarded request is no operator)', async () => {
    expect((await fetch(`http://${base}/metrics`)).status).toBe(403);
    const res = await fetch(`http://${base}/metrics`, {
      headers: { authorization: `Bearer ${SCRAPE_TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('ocs_messages_total');
  });
});

describe('deploy/nginx-cluster.conf', () => {
  /** The cluster conf aimed at the test server (app1..app3 resolve only inside docker compose; stderr may be a pipe). */
  function localClusterConf(prefix: string, port: number, perIp: number): string {
    const conf = join(prefix, 'nginx-cluster.conf');
    writeFileSync(
      conf,
      readFileSync('deploy/nginx-cluster.conf', 'utf8')
        .replace(/app\d:8765/g, new URL(app.wsUrl).host)
        .replace(/app\d:8080/g, new URL(app.httpUrl).host)
        .replace('pid /run/nginx.pid;', `pid ${join(prefix, 'nginx.pid')};`)
        .replace('error_log /dev/stderr', `error_log ${join(prefix, 'logs', 'error.log')}`)
        .replace('listen 80;', `listen 127.0.0.1:${port};`)
        .replace(/limit_conn ws_per_ip \d+;/g, `limit_conn ws_per_ip ${perIp};`),
    );
    return conf;
  }

  const open = (url: string) =>
    new Promise<{ socket: WebSocket; status: number }>((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve({ socket, status: 101 }));
      socket.once('unexpected-response', (_req, res) => resolve({ socket, status: res.statusCode ?? 0 }));
      socket.once('error', reject);
    });

  it('passes nginx -t and caps open WebSockets per address over /ws and /legacy together, with 429', async () => {
    const prefix = tempDir('ocs-nginx-cluster-');
    mkdirSync(join(prefix, 'logs'));
    const port = await freePort();
    const conf = localClusterConf(prefix, port, 2);
    const check = spawnSync('nginx', ['-t', '-p', prefix, '-c', conf], { encoding: 'utf8' });
    expect(check.stderr).toContain('syntax is ok');

    const proxy = await startNginx(prefix, conf, `127.0.0.1:${port}`);
    const sockets: WebSocket[] = [];
    try {
      const first = await open(`ws://127.0.0.1:${port}/ws`);
      const second = await open(`ws://127.0.0.1:${port}/legacy`);
      sockets.push(first.socket, second.socket);
      expect([first.status, second.status]).toEqual([101, 101]);
      const third = await open(`ws://127.0.0.1:${port}/ws`);
      sockets.push(third.socket);
      expect(third.status).toBe(429);
      // The cap counts open connections: one closing makes room again.
      await new Promise((resolve) => {
        first.socket.once('close', resolve);
        first.socket.close();
      });
      const again = await open(`ws://127.0.0.1:${port}/ws`);
      sockets.push(again.socket);
      expect(again.status).toBe(101);
    } finally {
      for (const socket of sockets) socket.terminate();
      await proxy.stop();
    }
  });
});
