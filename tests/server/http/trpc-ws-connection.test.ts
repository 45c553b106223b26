// The lean tRPC WebSocket handler against the wire protocol @trpc/client speaks, frame by frame over a raw socket:
// connectionParams, batched requests, subscriptions (started / data with tracked ids / stop -> stopped), errors
// that keep the socket open, PING/PONG. The client-level behaviour is covered by every integration test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../../src/server/app';
import { startTestServer, waitFor } from '../../helpers/server';

let app: App;
beforeAll(async () => {
  app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
});
afterAll(async () => {
  await app.stop();
});

interface Frame {
  id: number | string | null;
  result?: { type: string; id?: string; data?: unknown };
  error?: { code: number; message: string; data: { code: string } };
  method?: string;
}

/** A raw socket that sends connectionParams first (as createWSClient does) and records every frame. */
async function rawClient(userId: string) {
  const ws = new WebSocket(`${app.wsUrl}?connectionParams=1`);
  const frames: (Frame | string)[] = [];
  ws.on('message', (data) => {
    const text = String(data);
    frames.push(text === 'PONG' ? text : (JSON.parse(text) as Frame));
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ method: 'connectionParams', data: { userId } }));
  const json = () => frames.filter((f): f is Frame => typeof f !== 'string');
  return {
    ws,
    frames,
    send: (value: unknown) => ws.send(typeof value === 'string' ? value : JSON.stringify(value)),
    of: (id: number) => json().filter((f) => f.id === id),
    waitFor: (check: (frames: Frame[]) => boolean, what: string) => waitFor(() => check(json()), 5000, what),
  };
}

describe('tRPC over WebSocket (wire protocol)', () => {
  it('answers a batch of requests in one frame with one response each, in the client’s ids', async () => {
    const c = await rawClient('batcher');
    c.send([
      { id: 1, method: 'mutation', params: { path: 'chat.send', input: { text: 'one' } } },
      { id: 2, method: 'mutation', params: { path: 'chat.send', input: { text: 'two' } } },
      { id: 3, method: 'query', params: { path: 'presence.list', input: undefined } },
    ]);
    await c.waitFor((f) => [1, 2, 3].every((id) => f.some((x) => x.id === id)), 'three answers');
    const sent = [c.of(1)[0], c.of(2)[0]].map((f) => (f?.result?.data as { text: string } | undefined)?.text);
    expect(sent).toEqual(['one', 'two']);
    expect(c.of(3)[0]?.result?.type).toBe('data');
    c.ws.close();
  });

  it('streams a subscription: started, data with tracked ids (resumable), and stopped after a stop', async () => {
    const c = await rawClient('streamer');
    c.send({ id: 7, method: 'subscription', params: { path: 'chat.onMessage', input: undefined } });
    await c.waitFor((f) => f.some((x) => x.id === 7 && x.result?.type === 'started'), 'started');
    await app.services.hub.post({ text: 'live one', sender: 'someone', senderKind: 'user' }, 'api');
    await c.waitFor((f) => f.some((x) => x.id === 7 && x.result?.type === 'data'), 'data');
    const data = c.of(7).find((f) => f.result?.type === 'data');
    const batch = data?.result?.data as { id: string; data: { messages: { id: number; text: string }[] } };
    expect(batch.data.messages.map((m) => m.text)).toEqual(['live one']);
    expect(data?.result?.id).toBe(String(batch.data.messages[0]?.id));

    c.send({ id: 7, method: 'subscription.stop' });
    await c.waitFor((f) => f.some((x) => x.id === 7 && x.result?.type === 'stopped'), 'stopped');
    const before = c.of(7).length;
    await app.services.hub.post({ text: 'after stop', sender: 'someone', senderKind: 'user' }, 'api');
    await new Promise((r) => setTimeout(r, 100));
    expect(c.of(7).length).toBe(before);
    expect(app.services.hub.messages.size).toBe(0);
    c.ws.close();
  });

  it('refuses a second subscription under a live id with BAD_REQUEST and keeps the first', async () => {
    const c = await rawClient('dup');
    const subscribe = {
      id: 9,
      method: 'subscription',
      params: { path: 'chat.onActivity', input: undefined },
    };
    c.send(subscribe);
    await c.waitFor((f) => f.some((x) => x.id === 9 && x.result?.type === 'started'), 'started');
    c.send(subscribe);
    await c.waitFor((f) => f.some((x) => x.id === 9 && x.error), 'duplicate refused');
    expect(c.of(9).find((f) => f.error)?.error?.message).toBe('Duplicate id 9');
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.ws.close();
  });

  it('answers bad frames with PARSE_ERROR and an unknown path with NOT_FOUND, keeping the socket open', async () => {
    const c = await rawClient('clumsy');
    c.send('not json');
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    c.send({ id: 4, method: 'query', params: { path: 'no.such', input: undefined } });
    await c.waitFor((f) => f.filter((x) => x.error).length === 3, 'three errors');
    const errors = (c.frames as Frame[]).filter((f) => f.error).map((f) => f.error?.data.code);
    expect(errors.sort()).toEqual(['NOT_FOUND', 'PARSE_ERROR', 'PARSE_ERROR']);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.send('PING');
    await waitFor(() => c.frames.includes('PONG'), 2000, 'PONG');
    c.ws.close();
  });

  it('ends every subscription of a socket that closes', async () => {
    const c = await rawClient('leaver');
    const before = app.services.hub.messages.size;
    c.send({ id: 1, method: 'subscription', params: { path: 'chat.onMessage', input: undefined } });
    await c.waitFor((f) => f.some((x) => x.id === 1 && x.result?.type === 'started'), 'started');
    expect(app.services.hub.messages.size).toBe(before + 1);
    c.ws.terminate();
    await waitFor(() => app.services.hub.messages.size === before, 2000, 'subscription released');
  });
});
