// maxPayload (64 KiB) on both WebSocket endpoints: a frame at the limit is read, one byte more closes with 1009.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../src/server/app';
import { MAX_PAYLOAD_BYTES as MAX_FRAME_BYTES } from '../../src/server/limits';
import { RawWebSocket } from '../helpers/raw-ws';
import { startTestServer, waitFor } from '../helpers/server';

let app: App | null = null;
afterEach(async () => {
  await app?.stop();
  app = null;
});

/** A server whose log lines are kept in memory, so a test can look for errors in them. */
async function serverWithLog(): Promise<{ app: App; lines: () => { level: number; msg: string }[] }> {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' }, { logger: pino({ level: 'debug' }, sink) });
  return {
    app,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

/** The tRPC WebSocket URL, or /legacy beside it (tests share one port: tRPC on /ws, legacy on /legacy). */
const endpoint = (app: App, path: string) =>
  path === '/' ? app.wsUrl : `${app.wsUrl.replace(/\/ws$/, '').replace(/\/$/, '')}/legacy`;

const openSocket = (url: string) =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws)).once('error', reject);
  });

/** A frame of exactly `bytes` bytes: a tRPC request whose text pads it out. */
function frameOf(bytes: number): string {
  const head = '{"id":1,"method":"mutation","params":{"path":"chat.send","input":{"text":"';
  const tail = '"}}}';
  return head + 'x'.repeat(bytes - head.length - tail.length) + tail;
}

describe('maxPayload', () => {
  it.each(['/', '/legacy'])('reads a frame of exactly 64 KiB on %s and answers it', async (path) => {
    const { app } = await serverWithLog();
    const ws = await openSocket(endpoint(app, path));
    const reply = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
    ws.send(frameOf(MAX_FRAME_BYTES));
    // Too long for a message (4,096 characters), but read and refused by validation, not by the socket.
    expect(await reply).toMatch(/longer than 4096 characters|bad_request|BAD_REQUEST|type/);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it.each(['/', '/legacy'])(
    'closes the connection with 1009 on a frame one byte over on %s, and the server carries on',
    async (path) => {
      const { app } = await serverWithLog();
      const ws = await openSocket(endpoint(app, path));
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.send(frameOf(MAX_FRAME_BYTES + 1));
      expect(await closed).toBe(1009);
      const again = await openSocket(app.wsUrl);
      again.close();
    },
  );

  it('does not count or log a client’s oversize frame as a server failure (regression: it was an INTERNAL_SERVER_ERROR with a stack trace)', async () => {
    const { app, lines } = await serverWithLog();
    for (let i = 0; i < 3; i++) {
      const ws = await openSocket(app.wsUrl);
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      ws.send(frameOf(MAX_FRAME_BYTES + 100));
      await closed;
    }
    expect(app.services.counters.errors).toBe(0);
    expect(lines().filter((l) => l.level >= 50)).toEqual([]);
    expect(lines().some((l) => l.msg === 'websocket client broke the protocol')).toBe(true);
  });

  it('ends the socket of a client that sent an oversize frame even if it ignores the close, on both endpoints', async () => {
    const a = await startTestServer();
    app = a;
    for (const path of ['/', '/legacy']) {
      const raw = await RawWebSocket.open(endpoint(a, path));
      raw.sendText('x'.repeat(MAX_FRAME_BYTES + 1));
      await waitFor(() => raw.closeCode !== null, 5000, `the close frame on ${path}`);
      expect(raw.closeCode).toBe(1009);
      // This client never answers the close frame: ws ends the connection itself after a protocol error.
      await waitFor(() => raw.ended, 5000, `the server to destroy the socket on ${path}`);
    }
  });
});
