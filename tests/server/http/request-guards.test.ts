// Request guards (issue 15.3, 15.4, 15.7): the server answers only to host names it serves (DNS rebinding), writes
// need an allowed Origin and a JSON body (cross-site no-cors fetches), malformed URLs are 400s logged at debug,
// and a request head that never ends is cut after a few seconds.
import { request } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/app';
import { HEADERS_TIMEOUT_MS } from '../../../src/server/http/server';
import { freePort } from '../../helpers/process';
import { startTestServer } from '../../helpers/server';

let logs: { level: number; msg: string }[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
    done();
  },
});

let app: App;
let wsApp: App;
beforeAll(async () => {
  const logger = pino({ level: 'debug' }, sink);
  app = await startTestServer({ ALLOWED_HOSTS: 'chat.example.com' }, { logger });
  // The WebSocket on its own port, as in production.
  wsApp = await startTestServer({ WEBSOCKET_PORT: String(await freePort()) }, { logger });
});
afterAll(async () => {
  await app.stop();
  await wsApp.stop();
});
beforeEach(() => {
  logs = [];
});

interface Answer {
  status: number;
  body: string;
}

/** A raw request (fetch will not send a Host header of our choosing). */
function send(
  base: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += String(d);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    // An upgrade the server refuses is answered with a plain response, which node reports here.
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 101, body: '' });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const upgradeHeaders = (host: string) => ({
  host,
  connection: 'Upgrade',
  upgrade: 'websocket',
  'sec-websocket-version': '13',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
});

describe('Host names (DNS rebinding)', () => {
  it('refuses a host name it does not serve, on REST, tRPC and the WebSocket upgrade (both ports)', async () => {
    const evil = { host: 'evil.example' };
    expect((await send(app.httpUrl, { path: '/status', headers: evil })).status).toBe(421);
    expect((await send(app.httpUrl, { path: '/health', headers: evil })).status).toBe(421);
    expect((await send(app.httpUrl, { path: '/trpc/health', headers: evil })).status).toBe(421);
    const refused = await send(app.httpUrl, { path: '/ws', headers: upgradeHeaders('evil.example') });
    expect(refused.status).toBe(421);
    const wsPort = new URL(wsApp.wsUrl).port;
    const ownPort = await send(wsApp.wsUrl.replace('ws:', 'http:'), {
      path: `/`,
      headers: upgradeHeaders(`evil.example:${wsPort}`),
    });
    expect(ownPort.status).toBe(421);
  });

  it('answers to loopback names, IP literals and ALLOWED_HOSTS', async () => {
    const port = new URL(app.httpUrl).port;
    for (const host of [
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      '[::1]',
      '192.0.2.7:8080',
      'chat.example.com',
    ])
      expect((await send(app.httpUrl, { path: '/health', headers: { host } })).status, host).toBe(200);
    const upgraded = await send(app.httpUrl, { path: '/ws', headers: upgradeHeaders(`localhost:${port}`) });
    expect(upgraded.status).toBe(101);
  });
});

describe('cross-site writes', () => {
  const hire = (headers: Record<string, string>, name: string) =>
    send(app.httpUrl, {
      method: 'POST',
      path: '/employees',
      headers: { host: new URL(app.httpUrl).host, ...headers },
      body: JSON.stringify({ name, role: 'developer' }),
    });
  const hired = async (name: string) =>
    (await app.services.agents.list()).some((agent) => agent.name === name);

  it("refuses another origin's no-cors text/plain POST to REST and tRPC, and hires nobody", async () => {
    const evil = { origin: 'https://evil.example', 'content-type': 'text/plain' };
    expect(await hire(evil, 'mallory')).toMatchObject({ status: 403 });
    const viaTrpc = await send(app.httpUrl, {
      method: 'POST',
      path: '/trpc/employees.hire',
      headers: evil,
      body: JSON.stringify({ name: 'mallory', role: 'developer' }),
    });
    expect(viaTrpc.status).toBe(403);
    // A browser that sends no Origin still says where the request came from.
    expect(
      await hire({ 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' }, 'mallory'),
    ).toMatchObject({
      status: 403,
    });
    expect(await hired('mallory')).toBe(false);
  });

  it('accepts only JSON bodies on POST, even without an Origin (curl)', async () => {
    const plain = await hire({ 'content-type': 'text/plain' }, 'trent');
    expect(plain.status).toBe(415);
    expect(JSON.parse(plain.body).error.message).toMatch(/Content-Type: application\/json/);
    expect(await hired('trent')).toBe(false);
    expect((await hire({ 'content-type': 'application/json' }, 'trent')).status).toBe(200);
    expect(await hired('trent')).toBe(true);
  });

  it('accepts a JSON POST from its own page (same origin)', async () => {
    const own = new URL(app.httpUrl).origin;
    const answer = await hire(
      { origin: own, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      'peggy',
    );
    expect(answer.status).toBe(200);
  });
});

describe('malformed URLs', () => {
  it('answers 400 to GET /%ZZ, DELETE /employees/%ZZ and an upgrade to /%ZZ, logged at debug only', async () => {
    expect((await send(app.httpUrl, { path: '/%ZZ' })).status).toBe(400);
    expect((await send(app.httpUrl, { method: 'DELETE', path: '/employees/%ZZ' })).status).toBe(400);
    expect((await send(app.httpUrl, { path: '/%ZZ', headers: upgradeHeaders('127.0.0.1') })).status).toBe(
      400,
    );
    expect(logs.filter((line) => line.level >= 40)).toEqual([]);
    expect(logs.some((line) => line.level === 20 && /malformed/.test(line.msg))).toBe(true);
  });
});

describe('slow request heads', () => {
  it(
    'closes a half-sent upgrade request after the header timeout, not after a minute',
    async () => {
      const { hostname, port } = new URL(app.httpUrl);
      const socket = connect(Number(port), hostname);
      let answer = '';
      socket.on('data', (d) => {
        answer += String(d);
      });
      socket.write(`GET /ws HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\n`);
      await new Promise((resolve) => socket.once('close', resolve));
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    },
    HEADERS_TIMEOUT_MS + 10_000,
  );
});
