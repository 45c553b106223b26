// The attacks that grew the server's memory, against the real server: a batch of 790 history calls, a thousand
// subscriptions on one connection, and an activity subscriber that stopped reading while events keep coming.
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { RawWebSocket } from '../helpers/raw-ws';
import { startTestServer, waitFor } from '../helpers/server';

let app: App | null = null;
const raws: RawWebSocket[] = [];
afterEach(async () => {
  for (const raw of raws.splice(0)) raw.destroy();
  await app?.stop();
  app = null;
});

/** A raw client in open mode (no connectionParams: the anonymous user). */
async function open(a: App) {
  const raw = await RawWebSocket.open(a.wsUrl);
  raws.push(raw);
  return raw;
}
const calls = (n: number, from: number, method: string, path: string, input?: unknown) =>
  JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: from + i, method, params: { path, input } })));

type Frame = { id: number; result?: { type: string }; error?: { message: string; data: { code: string } } };

describe('memory one client cannot grow', () => {
  it('regression: a frame of 790 chat.history calls is refused whole with PAYLOAD_TOO_LARGE, naming the limit', async () => {
    app = await startTestServer();
    const raw = await open(app);
    raw.sendText(calls(790, 1, 'query', 'chat.history', { limit: 200 }));
    await waitFor(() => raw.texts.length === 790, 10_000, '790 answers');
    const frames = raw.json<Frame>();
    expect(frames.every((f) => f.error?.data.code === 'PAYLOAD_TOO_LARGE')).toBe(true);
    expect(frames[0]?.error?.message).toBe(
      'a frame may hold at most 50 calls and this one has 790: send them in smaller batches',
    );
  });

  it('follows WS_MAX_BATCH', async () => {
    app = await startTestServer({ WS_MAX_BATCH: '100' });
    const raw = await open(app);
    raw.sendText(calls(100, 1, 'query', 'chat.history', { limit: 1 }));
    await waitFor(() => raw.texts.length === 100, 10_000, '100 answers');
    expect(raw.json<Frame>().every((f) => f.result?.type === 'data')).toBe(true);
  });

  it('regression: of 1,000 subscriptions asked on one connection, 32 start and the rest are refused', async () => {
    app = await startTestServer();
    const raw = await open(app);
    for (let i = 0; i < 20; i++) raw.sendText(calls(50, i * 50 + 1, 'subscription', 'chat.onMessage'));
    await waitFor(() => raw.texts.length === 1000, 10_000, '1,000 answers');
    const frames = raw.json<Frame>();
    expect(frames.filter((f) => f.result?.type === 'started')).toHaveLength(32);
    expect(frames.filter((f) => f.error?.data.code === 'TOO_MANY_REQUESTS')).toHaveLength(968);
    expect(app.services.hub.messages.size).toBe(32);
  });

  it('regression: an activity subscriber that stops reading is cut by its socket buffer, not buffered without bound', async () => {
    // A small socket-buffer limit so the cut comes after a few megabytes, not gigabytes.
    app = await startTestServer({}, { hub: { maxSocketBuffer: 64 * 1024 } });
    const raw = await open(app);
    raw.sendText(calls(1, 1, 'subscription', 'chat.onActivity'));
    await waitFor(() => app?.services.hub.activity.size === 1, 5000, 'the subscription');
    raw.stopReading();

    // Events as agents publish them (every subscriber gets each one); the pump drains between them.
    const task = 'y'.repeat(4000);
    const { hub } = app.services;
    for (let i = 0; i < 20_000 && hub.activity.size > 0; i++) {
      hub.publishActivity({ type: 'agent-status', agent: 'alice', status: 'working', task, at: 'now' });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(hub.activity.size).toBe(0);
    raw.startReading();
    await waitFor(() => raw.ended, 5000, 'the socket to be dropped');
  });
});
