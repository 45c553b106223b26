import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../../src/server/app';
import type { Message } from '../../../src/shared/message';
import { connectClient, startTestServer, type TestClient, waitFor } from '../../helpers/server';

let app: App;
let sender: TestClient;
beforeAll(async () => {
  // A small socket-buffer limit so a stalled reader trips it after a few dozen messages.
  app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' }, { hub: { maxSocketBuffer: 64 * 1024 } });
  sender = connectClient(app.wsUrl, { userId: 'sender' });
});
afterAll(async () => {
  await sender.close();
  await app.stop();
});

/** Speaks the tRPC ws protocol by hand so the test can stop reading from the socket. */
async function subscribe(lastEventId?: string) {
  const ws = new WebSocket(app.wsUrl);
  const received: Message[] = [];
  const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as {
      result?: { type: string; data?: { data: { messages: Message[] } } };
    };
    if (frame.result?.type === 'data') received.push(...(frame.result.data?.data.messages ?? []));
  });
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(
    JSON.stringify({
      id: 1,
      method: 'subscription',
      params: { path: 'chat.onMessage', input: lastEventId ? { lastEventId } : {} },
    }),
  );
  return { ws, received, closed };
}

describe('a subscriber that stops reading', () => {
  it('is disconnected instead of buffered without bound, and resumes by lastEventId losing nothing', async () => {
    const slow = await subscribe();
    await waitFor(() => app.services.hub.messages.size === 1, 5000, 'subscription');
    // Stop reading: the server's send buffer for this socket can only grow now.
    const socket = (slow.ws as unknown as { _socket: import('node:net').Socket })._socket;
    socket.pause();

    const sent: Message[] = [];
    const text = 'x'.repeat(4000);
    for (let i = 0; i < 20_000 && app.services.hub.messages.size > 0; i++) {
      sent.push(await sender.trpc.chat.send.mutate({ text: `${i} ${text}` }));
    }
    expect(app.services.hub.messages.size).toBe(0);
    socket.resume();
    await slow.closed;
    expect(slow.received.length).toBeLessThan(sent.length);

    const lastEventId = String(slow.received.at(-1)?.id ?? 0);
    const again = await subscribe(lastEventId);
    const tail = await sender.trpc.chat.send.mutate({ text: 'after the cut' });
    sent.push(tail);
    await waitFor(() => again.received.some((m) => m.id === tail.id), 5000, 'resumed delivery');
    expect([...slow.received, ...again.received].map((m) => m.id)).toEqual(sent.map((m) => m.id));
    // Cutting off a slow reader is the plan working, not a server failure.
    expect(app.services.counters.errors).toBe(0);
    again.ws.close();
  });
});
