import type { Unsubscribable } from '@trpc/server/observable';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../../src/server/app';
import type { ActivityEvent } from '../../../src/shared/activity';
import type { Message } from '../../../src/shared/message';
import {
  collectMessages,
  connectClient,
  startTestServer,
  type TestClient,
  waitFor,
} from '../../helpers/server';

let app: App;
const clients: TestClient[] = [];
const subscriptions: Unsubscribable[] = [];

beforeAll(async () => {
  app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
});
afterAll(async () => {
  for (const s of subscriptions) s.unsubscribe();
  await Promise.all(clients.map((c) => c.close()));
  await app.stop();
});

function join(userId: string): TestClient {
  const client = connectClient(app.wsUrl, { userId });
  clients.push(client);
  return client;
}

function collect(client: TestClient, lastEventId?: string) {
  const collected = collectMessages(client, lastEventId);
  subscriptions.push(collected.subscription);
  return collected;
}

/** A raw ws client for frames @trpc/client would never send. */
async function rawSocket(): Promise<{ ws: WebSocket; frames: unknown[]; closed: Promise<number> }> {
  const ws = new WebSocket(app.wsUrl);
  const frames: unknown[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}

describe('chat over a real WebSocket', () => {
  it('two users see each other’s messages live', async () => {
    const alice = join('alice');
    const bob = join('bob');
    const aliceView = collect(alice);
    const bobView = collect(bob);
    await Promise.all([aliceView.started(), bobView.started()]);
    const sent = await alice.trpc.chat.send.mutate({ text: 'hello @bob' });
    const reply = await bob.trpc.chat.send.mutate({ text: 'hi alice', replyTo: sent.id });
    await waitFor(() => aliceView.received.length >= 2 && bobView.received.length >= 2);
    for (const view of [aliceView, bobView]) {
      expect(view.received.map((m) => [m.id, m.sender, m.origin])).toEqual([
        [sent.id, 'alice', 'websocket'],
        [reply.id, 'bob', 'websocket'],
      ]);
    }
    expect(bobView.received[1]?.replyTo).toBe(sent.id);
  });

  it('typing reaches the other user, not the sender', async () => {
    const carol = join('carol');
    const dave = join('dave');
    const seen: Record<string, ActivityEvent[]> = { carol: [], dave: [] };
    let ready = 0;
    for (const [name, client] of [
      ['carol', carol],
      ['dave', dave],
    ] as const) {
      subscriptions.push(
        client.trpc.chat.onActivity.subscribe(undefined, {
          onStarted: () => ready++,
          onData: (event) => seen[name]?.push(event),
        }),
      );
    }
    await waitFor(() => ready === 2);
    await carol.trpc.chat.setTyping.mutate({ isTyping: true });
    await waitFor(() => seen.dave?.some((e) => e.type === 'typing' && e.user === 'carol') ?? false);
    // A later marker proves carol's feed was delivered past the point where her own typing would be.
    await dave.trpc.chat.setTyping.mutate({ isTyping: true });
    await waitFor(() => seen.carol?.some((e) => e.type === 'typing' && e.user === 'dave') ?? false);
    expect(seen.carol?.filter((e) => e.type === 'typing' && e.user === 'carol')).toEqual([]);
  });

  it('a client that was away while 50 messages were sent gets exactly those 50, in order, on resume', async () => {
    const erin = join('erin');
    const before = collect(erin);
    await before.started();
    const marker = await erin.trpc.chat.send.mutate({ text: 'before I leave' });
    await waitFor(() => before.received.some((m) => m.id === marker.id));
    const lastEventId = String(before.received.at(-1)?.id);
    before.subscription.unsubscribe();
    await erin.close();

    const frank = join('frank');
    const sent: Message[] = [];
    for (let i = 0; i < 50; i++) sent.push(await frank.trpc.chat.send.mutate({ text: `while away ${i}` }));

    const back = join('erin');
    const resumed = collect(back, lastEventId);
    await resumed.started();
    const live = await frank.trpc.chat.send.mutate({ text: 'after resume' });
    await waitFor(() => resumed.received.some((m) => m.id === live.id));
    expect(resumed.received.map((m) => m.id)).toEqual([...sent.map((m) => m.id), live.id]);
  });

  it('answers bad input with the right code and keeps the connection usable', async () => {
    const gina = join('gina');
    await expect(gina.trpc.chat.send.mutate({ text: '   ' })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
      message: 'text: Message text is empty: type something before sending',
    });
    await expect(gina.trpc.chat.send.mutate({ text: 'x'.repeat(5000) })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
    });
    await expect(gina.trpc.chat.send.mutate({ text: 'hi', replyTo: 999_999 })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
      message: 'replyTo: message 999999 does not exist',
    });
    await expect(gina.trpc.chat.send.mutate({ text: 42 as unknown as string })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
    });
    const ok = await gina.trpc.chat.send.mutate({ text: 'still here' });
    expect(ok.sender).toBe('gina');
  });

  it('answers a non-JSON frame and an unknown procedure with errors and keeps the socket open', async () => {
    const { ws, frames } = await rawSocket();
    ws.send('this is not json');
    ws.send(JSON.stringify({ id: 1, method: 'query', params: { path: 'chat.nope', input: {} } }));
    ws.send(JSON.stringify({ id: 2, method: 'query', params: { path: 'health', input: {} } }));
    await waitFor(() => frames.length >= 3);
    const codes = (frames as { id: number | null; error?: { data: { code: string } } }[]).map((f) => [
      f.id,
      f.error?.data.code ?? 'ok',
    ]);
    expect(codes).toEqual([
      [null, 'PARSE_ERROR'],
      [1, 'NOT_FOUND'],
      [2, 'ok'],
    ]);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('closes a connection that sends a frame over 64 KiB with 1009, writing nothing', async () => {
    const before = await app.services.repo.lastMessageId();
    const { ws, closed } = await rawSocket();
    const text = 'z'.repeat(70 * 1024);
    ws.send(JSON.stringify({ id: 1, method: 'mutation', params: { path: 'chat.send', input: { text } } }));
    expect(await closed).toBe(1009);
    expect(await app.services.repo.lastMessageId()).toBe(before);
  });

  it('refuses a browser Origin that is not allowed, and allows the server’s own', async () => {
    const refused = new WebSocket(app.wsUrl, { origin: 'https://evil.example' });
    const status = await new Promise<number>((resolve) =>
      refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(403);
    const own = new WebSocket(app.wsUrl, { origin: app.httpUrl });
    await new Promise((resolve, reject) => {
      own.once('open', resolve);
      own.once('error', reject);
    });
    own.close();
  });
});
