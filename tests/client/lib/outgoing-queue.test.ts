// The outgoing queue against a stand-in server with the real token bucket: nothing typed is lost, the order holds,
// rate-limited sends wait retryAfterMs and go again with the same clientId, refusals stay with Retry / Discard.
import { beforeEach, describe, expect, it } from 'vitest';
import { classifySendError, OutgoingQueue } from '../../../src/client/lib/outgoing-queue';
import { type PendingMessage, useChatStore } from '../../../src/client/stores/chatStore';
import { TokenBucketLimiter } from '../../../src/server/ports/rate-limiter';
import type { Message } from '../../../src/shared/message';
import { parseText } from '../../../src/shared/parse';

const store = () => useChatStore.getState();

/** The server's side of chat.send: the real token bucket, commits once per clientId, answers like tRPC does. */
class StandInServer {
  now = 0;
  readonly stored: Message[] = [];
  readonly attempts: string[] = [];
  readonly limiter: TokenBucketLimiter;
  /** Texts it refuses with BAD_REQUEST. */
  refuse = new Set<string>();
  /** Sends it drops without an answer (the connection goes down under them), then it is back. */
  dropNext = 0;

  constructor(burst: number, perSecond: number) {
    this.limiter = new TokenBucketLimiter(burst, perSecond, () => this.now);
  }

  send = async (m: PendingMessage): Promise<Message> => {
    this.attempts.push(m.tempId);
    if (this.dropNext > 0) {
      this.dropNext -= 1;
      throw new Error('WebSocket closed');
    }
    const taken = this.limiter.take('alice');
    if (!taken.ok)
      throw Object.assign(new Error('sending too fast'), {
        data: { code: 'TOO_MANY_REQUESTS', retryAfterMs: taken.retryAfterMs },
      });
    if (this.refuse.has(m.text))
      throw Object.assign(new Error('replyTo: message 99 does not exist'), { data: { code: 'BAD_REQUEST' } });
    const existing = this.stored.find((s) => s.clientId === m.tempId);
    if (existing) return existing;
    const message: Message = {
      id: this.stored.length + 1,
      text: m.text,
      sender: 'alice',
      senderKind: 'user',
      ...parseText(m.text),
      replyTo: m.replyTo,
      origin: 'websocket',
      createdAt: new Date(this.now).toISOString(),
      clientId: m.tempId,
    };
    this.stored.push(message);
    return message;
  };
}

let sleeps: number[];
let connected: () => void;
let connectedWaits: number;

function startQueue(server: StandInServer): OutgoingQueue {
  return new OutgoingQueue({
    store: useChatStore,
    send: server.send,
    // The clock moves only when the queue waits: a wait of retryAfterMs is exactly long enough.
    sleep: async (ms) => {
      sleeps.push(ms);
      server.now += ms;
    },
    whenConnected: () =>
      new Promise<void>((resolve) => {
        connectedWaits += 1;
        connected = resolve;
      }),
    errorText: (e) => (e as Error).message,
  });
}

function type(texts: string[]): void {
  for (const [i, text] of texts.entries())
    store().addPending({ tempId: `t${i}`, text, replyTo: null, sender: 'alice', createdAt: '' });
}

/** Lets the queue's promise chains run to their next wait. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  store().reset();
  store().setMe({ id: 'alice', role: 'user' });
  sleeps = [];
  connectedWaits = 0;
});

describe('outgoing queue', () => {
  it('delivers 14 quick lines past a burst of 3 at 1/s: all stored once, in order, each waiting its turn', async () => {
    const server = new StandInServer(3, 1);
    const lines = Array.from({ length: 14 }, (_, i) => `line ${i + 1}`);
    type(lines);
    const queue = startQueue(server);
    await expect.poll(() => server.stored.length).toBe(14);
    queue.stop();

    expect(server.stored.map((m) => m.text)).toEqual(lines);
    expect(new Set(server.stored.map((m) => m.clientId)).size).toBe(14);
    // 11 sends met the limit, each waited the server's retryAfterMs (1 s) once and then went out.
    expect(sleeps).toEqual(Array(11).fill(1000));
    expect(server.attempts).toHaveLength(25);
    expect(store().pending).toEqual([]);
    expect(store().order).toEqual(server.stored.map((m) => m.id));
  });

  it('shows a rate-limited message as waiting while later ones stay queued behind it', async () => {
    const server = new StandInServer(1, 1);
    let release: () => void = () => {};
    const queue = new OutgoingQueue({
      store: useChatStore,
      send: server.send,
      sleep: (ms) =>
        new Promise<void>((resolve) => {
          release = () => {
            server.now += ms;
            resolve();
          };
        }),
      whenConnected: async () => {},
      errorText: String,
    });
    type(['one', 'two', 'three']);
    await expect.poll(() => store().pending.map((p) => p.status)).toEqual(['waiting', 'queued']);
    expect(server.stored.map((m) => m.text)).toEqual(['one']);
    release();
    await expect.poll(() => store().pending.map((p) => p.status)).toEqual(['waiting']);
    release();
    await expect.poll(() => server.stored.map((m) => m.text)).toEqual(['one', 'two', 'three']);
    queue.stop();
  });

  it('keeps a refused message as failed with the reason, goes on with the rest, and retries it with the same clientId', async () => {
    const server = new StandInServer(100, 10);
    server.refuse.add('bad one');
    type(['first', 'bad one', 'third']);
    const queue = startQueue(server);
    await expect.poll(() => server.stored.map((m) => m.text)).toEqual(['first', 'third']);
    expect(store().pending).toMatchObject([
      { tempId: 't1', status: 'failed', error: 'replyTo: message 99 does not exist' },
    ]);

    server.refuse.clear();
    store().retryPending('t1');
    await expect.poll(() => server.stored.map((m) => m.text)).toEqual(['first', 'third', 'bad one']);
    expect(server.stored[2]?.clientId).toBe('t1');
    expect(store().pending).toEqual([]);
    queue.stop();
  });

  it('discards a failed message only when asked', async () => {
    const server = new StandInServer(100, 10);
    server.refuse.add('nope');
    type(['nope']);
    const queue = startQueue(server);
    await expect.poll(() => store().pending[0]?.status).toBe('failed');
    await settle();
    expect(store().pending).toHaveLength(1);
    store().dropPending('t0');
    expect(store().pending).toEqual([]);
    expect(server.stored).toEqual([]);
    queue.stop();
  });

  it('sends again with the same clientId once connected when the connection dropped under a send', async () => {
    const server = new StandInServer(100, 10);
    server.dropNext = 1;
    type(['through the outage', 'after it']);
    const queue = startQueue(server);
    await expect.poll(() => connectedWaits).toBe(1);
    expect(store().pending.map((p) => p.status)).toEqual(['waiting', 'queued']);
    connected();
    await expect.poll(() => server.stored.map((m) => m.text)).toEqual(['through the outage', 'after it']);
    expect(server.attempts).toEqual(['t0', 't0', 't1']);
    queue.stop();
  });

  it('does not send again a message whose stored copy arrived on the stream while it waited', async () => {
    const server = new StandInServer(100, 10);
    server.dropNext = 1;
    type(['committed, answer lost']);
    const queue = startQueue(server);
    await expect.poll(() => connectedWaits).toBe(1);
    // The first try was committed after all; the live stream brings it before the connection is back.
    store().addMessages([
      {
        id: 1,
        text: 'committed, answer lost',
        sender: 'alice',
        senderKind: 'user',
        ...parseText('committed, answer lost'),
        replyTo: null,
        origin: 'websocket',
        createdAt: new Date(0).toISOString(),
        clientId: 't0',
      },
    ]);
    connected();
    await settle();
    await settle();
    expect(server.attempts).toEqual(['t0']);
    expect(store().pending).toEqual([]);
    queue.stop();
  });
});

describe('classifySendError', () => {
  it('tells the rate limit, a lost answer and a refusal apart', () => {
    expect(classifySendError({ data: { code: 'TOO_MANY_REQUESTS', retryAfterMs: 1500 } })).toEqual({
      kind: 'rate-limited',
      waitMs: 1500,
    });
    expect(classifySendError(new Error('WebSocket closed'))).toEqual({ kind: 'unanswered' });
    expect(classifySendError({ data: { code: 'FORBIDDEN' } })).toEqual({
      kind: 'refused',
      code: 'FORBIDDEN',
    });
  });
});
