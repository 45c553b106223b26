// What one tRPC WebSocket connection may hold is bounded: calls per frame, live subscriptions, and answers to a
// client that does not read them (the connection is not read either until it drains). Against the handler itself
// with a small router, so the figures are exact, over real sockets.
import type { AddressInfo } from 'node:net';
import { initTRPC } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { type RpcLimits, serveTrpc } from '../../src/server/http/trpc-ws-connection';
import { wsEncoder } from '../../src/server/http/ws-encoder';
import { waitFor } from '../helpers/server';

const PAGE = 'x'.repeat(32 * 1024);
const limits: RpcLimits = {
  maxBatch: 50,
  maxSubscriptions: 32,
  maxPending: 100,
  pauseAboveBytes: 256 * 1024,
  maxBufferedBytes: 64 * 1024 * 1024,
};

const t = initTRPC.create();
let calls = 0;
const router = t.router({
  page: t.procedure.query(() => {
    calls += 1;
    return PAGE;
  }),
  note: t.procedure.mutation(() => {
    calls += 1;
    return 'noted';
  }),
  idle: t.procedure.subscription(async function* ({ signal }) {
    await new Promise((resolve) => signal?.addEventListener('abort', resolve));
    yield* [];
  }),
});

let wss: WebSocketServer;
let url: string;
beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  const rpc = {
    router,
    encoder: wsEncoder,
    createContext: async () => ({}),
    onError: () => undefined,
    limits,
  };
  wss.on('connection', (socket) => serveTrpc(socket, rpc, false));
  await new Promise((resolve) => wss.once('listening', resolve));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const client of wss.clients) client.terminate();
  await new Promise((resolve) => wss.close(resolve));
});

interface Frame {
  id: number;
  result?: { type: string; data?: unknown };
  error?: { message: string; data: { code: string } };
}

async function client() {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const frames: Frame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const server = [...wss.clients].at(-1) as WebSocket;
  return { ws, frames, server, send: (value: unknown) => ws.send(JSON.stringify(value)) };
}
const batch = (n: number, from: number, method: string, path: string) =>
  Array.from({ length: n }, (_, i) => ({ id: from + i, method, params: { path, input: undefined } }));

describe('one tRPC WebSocket connection', () => {
  it('regression: refuses a frame of more than 50 calls whole, each call with a clear error, and runs a frame of 50', async () => {
    const c = await client();
    calls = 0;
    c.send(batch(51, 1, 'mutation', 'note'));
    await waitFor(() => c.frames.length === 51, 5000, '51 answers');
    expect(calls).toBe(0);
    expect(new Set(c.frames.map((f) => f.error?.data.code))).toEqual(new Set(['PAYLOAD_TOO_LARGE']));
    expect(c.frames[0]?.error?.message).toBe(
      'a frame may hold at most 50 calls and this one has 51: send them in smaller batches',
    );
    expect(c.frames.map((f) => f.id).sort((a, b) => a - b)).toEqual(batch(51, 1, '', '').map((b) => b.id));

    c.send(batch(50, 100, 'mutation', 'note'));
    await waitFor(() => c.frames.length === 101, 5000, '50 more answers');
    expect(calls).toBe(50);
    c.ws.close();
  });

  it('regression: refuses subscriptions past 32 on one connection with TOO_MANY_REQUESTS; a stop frees a slot', async () => {
    const c = await client();
    c.send(batch(40, 1, 'subscription', 'idle'));
    await waitFor(() => c.frames.length === 40, 5000, '40 answers');
    const started = c.frames.filter((f) => f.result?.type === 'started');
    const refused = c.frames.filter((f) => f.error);
    expect(started).toHaveLength(32);
    expect(refused).toHaveLength(8);
    expect(refused[0]?.error).toMatchObject({
      data: { code: 'TOO_MANY_REQUESTS' },
      message: 'this connection already has 32 subscriptions (the limit): stop one before starting another',
    });

    c.send({ id: started[0]?.id, method: 'subscription.stop' });
    c.send(batch(1, 500, 'subscription', 'idle'));
    await waitFor(() => c.frames.some((f) => f.id === 500), 5000, 'the new subscription');
    expect(c.frames.find((f) => f.id === 500)?.result?.type).toBe('started');
    c.ws.close();
  });

  it('regression: stops reading a client that does not read its answers, and answers everything once it reads', async () => {
    const c = await client();
    calls = 0;
    // Stop reading: every answer can only pile up in the server's buffers now.
    const raw = (c.ws as unknown as { _socket: import('node:net').Socket })._socket;
    raw.pause();
    const frames = 40;
    for (let i = 0; i < frames; i++) c.send(batch(50, i * 50 + 1, 'query', 'page'));

    // 2,000 answers of 32 KiB would be 64 MB; the server stops reading long before.
    await waitFor(() => c.server.isPaused, 10_000, 'the server to stop reading');
    expect(calls).toBeLessThan(frames * 50);
    // At most the calls in progress when it stopped (never more than maxPending) were answered after that.
    expect(c.server.bufferedAmount).toBeLessThan(
      limits.pauseAboveBytes + limits.maxPending * PAGE.length * 1.05,
    );

    raw.resume();
    await waitFor(() => c.frames.length === frames * 50, 20_000, 'every answer');
    expect(calls).toBe(frames * 50);
    expect(new Set(c.frames.map((f) => f.id)).size).toBe(frames * 50);
    expect(c.frames.every((f) => f.result?.data === PAGE)).toBe(true);
    c.ws.close();
  });
});
