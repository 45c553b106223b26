// The wire protocol @trpc/client speaks, frame by frame over a raw socket, against both handlers WS_HANDLER selects:
// the lean one (ours) and tRPC's own applyWSSHandler. connectionParams, batched requests, subscriptions (started /
// data with tracked ids / resume / stop -> stopped), errors that keep the socket open, PING/PONG, and a real
// @trpc/client round trip. An upgrade of tRPC or ws that changes the protocol makes the two disagree here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { App } from '../../../src/server/app';
import { ConfigError } from '../../../src/server/config';
import { rawFramesRefusal, serveTrpcOn } from '../../../src/server/http/trpc-ws-connection';
import { appRouter } from '../../../src/server/trpc/root';
import { connectClient, startTestServer, waitFor } from '../../helpers/server';
import { testConfig } from '../../helpers/services';

let app: App;

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

describe.each([['lean'], ['trpc']])('tRPC over WebSocket, %s handler (wire protocol)', (handler) => {
  beforeAll(async () => {
    app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0', WS_HANDLER: handler });
  });
  afterAll(async () => {
    await app.stop();
  });

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
  it('resumes a subscription after lastEventId: replays only what came after it, then goes live', async () => {
    const first = await app.services.hub.post(
      { text: 'before', sender: 'someone', senderKind: 'user' },
      'api',
    );
    await app.services.hub.post({ text: 'missed', sender: 'someone', senderKind: 'user' }, 'api');
    const c = await rawClient('resumer');
    const params = { path: 'chat.onMessage', input: undefined, lastEventId: String(first.id) };
    c.send({ id: 3, method: 'subscription', params });
    await app.services.hub.post({ text: 'live', sender: 'someone', senderKind: 'user' }, 'api');
    const texts = () =>
      c
        .of(3)
        .filter((f) => f.result?.type === 'data')
        .flatMap(
          (f) =>
            (f.result?.data as { data: { messages: { text: string }[] } } | undefined)?.data.messages ?? [],
        )
        .map((m) => m.text);
    await c.waitFor(() => texts().includes('live'), 'the live message');
    expect(texts()).toEqual(['missed', 'live']);
    c.ws.close();
  });

  it('answers invalid input with BAD_REQUEST and the tRPC error shape (zod issues in the message)', async () => {
    const c = await rawClient('typo');
    c.send({ id: 5, jsonrpc: '2.0', method: 'mutation', params: { path: 'chat.send', input: { text: 42 } } });
    await c.waitFor((f) => f.some((x) => x.id === 5), 'answer');
    const answer = c.of(5)[0] as Frame & { jsonrpc?: string };
    expect(answer.jsonrpc).toBe('2.0');
    expect(answer.error?.data.code).toBe('BAD_REQUEST');
    expect(answer.error?.code).toBe(-32600);
    c.ws.close();
  });

  it('refuses malformed connectionParams with PARSE_ERROR (id null) and closes the socket', async () => {
    const ws = new WebSocket(`${app.wsUrl}?connectionParams=1`);
    const frames: Frame[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    const closed = new Promise((resolve) => ws.once('close', resolve));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send('{not json');
    await closed;
    expect(frames).toHaveLength(1);
    expect(frames[0]?.id).toBeNull();
    expect(frames[0]?.error?.data.code).toBe('PARSE_ERROR');
  });

  it('serves @trpc/client end to end: a send is acknowledged and reaches a subscriber of another connection', async () => {
    const listener = connectClient(app.wsUrl, { userId: 'listener' });
    const poster = connectClient(app.wsUrl, { userId: 'poster' });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      listener.trpc.chat.onMessage.subscribe(undefined, {
        onStarted: () => resolve(),
        onError: reject,
        onData: ({ data }) => seen.push(...data.messages.map((m) => m.text)),
      });
    });
    const sent = await poster.trpc.chat.send.mutate({ text: 'over the wire' });
    expect(sent.sender).toBe('poster');
    await waitFor(() => seen.includes('over the wire'), 5000, 'delivery');
    await Promise.all([listener.close(), poster.close()]);
  });
});

describe('WS_HANDLER', () => {
  it('refuses to start the lean handler on a server with permessage-deflate on, naming the fix', () => {
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: true });
    expect(rawFramesRefusal(wss)).toMatch(/permessage-deflate off.*WS_HANDLER=trpc/);
    const options = {
      router: appRouter,
      encoder: { encode: JSON.stringify },
      createContext: async () => ({}),
    };
    expect(() => serveTrpcOn(wss, { ...options, onError: () => {} }, () => {})).toThrow(/permessage-deflate/);
    expect(wss.listenerCount('connection')).toBe(0);
    expect(rawFramesRefusal(new WebSocketServer({ noServer: true, perMessageDeflate: false }))).toBeNull();
  });

  it('defaults to lean and refuses anything but lean or trpc with one line naming the setting', () => {
    expect(testConfig().WS_HANDLER).toBe('lean');
    expect(testConfig({ WS_HANDLER: ' TRPC ' }).WS_HANDLER).toBe('trpc');
    expect(() => testConfig({ WS_HANDLER: 'fast' })).toThrow(ConfigError);
    expect(() => testConfig({ WS_HANDLER: 'fast' })).toThrow(
      /WS_HANDLER must be lean \(the default\) or trpc/,
    );
  });

  it('trpc selects tRPC’s own handler: a batch over WS_MAX_BATCH is served whole (the lean handler refuses it)', async () => {
    const calls = Array.from({ length: 3 }, (_, i) => ({
      id: i + 1,
      method: 'query',
      params: { path: 'presence.list', input: undefined },
    }));
    const answers: Record<string, string[]> = {};
    for (const handler of ['lean', 'trpc']) {
      app = await startTestServer({ WS_HANDLER: handler, WS_MAX_BATCH: '2' });
      try {
        const c = await rawClient(`batcher-${handler}`);
        c.send(calls);
        await c.waitFor((f) => f.filter((x) => typeof x.id === 'number').length === 3, 'three answers');
        answers[handler] = [1, 2, 3].map((id) => c.of(id)[0]?.error?.data.code ?? 'ok');
        c.ws.close();
      } finally {
        await app.stop();
      }
    }
    expect(answers).toEqual({
      lean: ['PAYLOAD_TOO_LARGE', 'PAYLOAD_TOO_LARGE', 'PAYLOAD_TOO_LARGE'],
      trpc: ['ok', 'ok', 'ok'],
    });
  });
});
