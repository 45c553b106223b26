// Chaos-run clients: tRPC clients that resume their stream by lastEventId, and legacy clients that backfill over
// HTTP after a reconnect. Each keeps its view (what it saw) and sends its quota exactly once, also across a
// SIGKILL: tRPC clients retry with the same clientId (the server commits it once); the legacy protocol has no such
// key, so a legacy send that failed is looked up in the history (the old process is dead: absent = never committed).
import WebSocket from 'ws';
import type { Message } from '../../src/shared/message';
import { connectClient, type TestClient } from '../../tests/helpers/server';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ClientFigures {
  name: string;
  sent: number;
  /** Ids in the order this client saw them (live; plus backfill for legacy). */
  view: number[];
  /** Live ids out of order or repeated within one connection (legacy) or over the resumed stream (tRPC). */
  reordered: number;
  duplicated: number;
  disconnects: number;
  retries: number;
}

type HistoryPage = { messages: Message[]; nextCursor: number | null };

/** Looks for `text` among the messages after `floor`, newest pages first. */
async function findAfter(page: (cursor: number | null) => Promise<HistoryPage>, text: string, floor: number) {
  let cursor: number | null = null;
  while (true) {
    const { messages, nextCursor } = await page(cursor);
    const hit = messages.find((m) => m.text === text && m.id > floor);
    if (hit) return hit.id;
    if (nextCursor === null || (messages[0]?.id ?? 0) <= floor) return null;
    cursor = nextCursor;
  }
}

export class TrpcChaosClient {
  private client: TestClient;
  readonly received: number[] = [];
  private dropRequested = false;
  disconnects = 0;
  retries = 0;
  sent = 0;

  constructor(
    url: string,
    readonly name: string,
  ) {
    this.client = connectClient(url, { userId: name }, { retryDelayMs: () => 100 });
  }

  async start(): Promise<void> {
    let started = false;
    this.client.trpc.chat.onMessage.subscribe(
      { lastEventId: '0' },
      {
        onStarted: () => {
          started = true;
        },
        onData: (event) => {
          for (const m of event.data.messages) this.received.push(m.id);
        },
      },
    );
    while (!started) await sleep(10);
  }

  /** The next disconnect happens between two sends, so no send is in flight on the socket that drops. */
  requestDisconnect(): void {
    this.dropRequested = true;
  }

  async send(text: string): Promise<void> {
    if (this.dropRequested) {
      this.dropRequested = false;
      this.disconnects += 1;
      this.client.ws.connection?.ws.close();
    }
    // The clientId makes the retry safe whatever happened to the first try (never sent, lost with a killed
    // server, or committed with its answer lost): the server commits a sender's clientId once.
    const clientId = text.replace(/[^A-Za-z0-9_.:-]/g, '_');
    while (true) {
      try {
        await this.client.trpc.chat.send.mutate({ text, clientId });
        this.sent += 1;
        return;
      } catch {
        this.retries += 1;
        await sleep(100);
      }
    }
  }

  figures(): ClientFigures {
    return {
      name: this.name,
      sent: this.sent,
      view: this.received,
      ...orderFigures([this.received]),
      disconnects: this.disconnects,
      retries: this.retries,
    };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

function orderFigures(sessions: number[][]): { reordered: number; duplicated: number } {
  let reordered = 0;
  let duplicated = 0;
  for (const ids of sessions) {
    duplicated += ids.length - new Set(ids).size;
    for (let i = 1; i < ids.length; i++) if ((ids[i] as number) < (ids[i - 1] as number)) reordered += 1;
  }
  return { reordered, duplicated };
}

/** An old-protocol client: no resume, so after each reconnect it backfills from tRPC over HTTP. */
export class LegacyChaosClient {
  private ws: WebSocket | null = null;
  private readonly sessions: number[][] = [];
  private readonly view = new Map<number, string>();
  private dropRequested = false;
  private waiting: { text: string; resolve: () => void } | null = null;
  disconnects = 0;
  retries = 0;
  sent = 0;

  constructor(
    private readonly url: string,
    private readonly httpUrl: string,
    readonly name: string,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  requestDisconnect(): void {
    this.dropRequested = true;
  }

  private lastId(): number {
    return Math.max(0, ...this.view.keys());
  }

  private async history(cursor: number | null): Promise<HistoryPage> {
    const input = encodeURIComponent(JSON.stringify({ cursor, limit: 200 }));
    const res = await fetch(`${this.httpUrl}/trpc/chat.history?input=${input}`);
    if (!res.ok) throw new Error(`history: HTTP ${res.status}`);
    return ((await res.json()) as { result: { data: HistoryPage } }).result.data;
  }

  /** Connects and signs in (retrying while the server is down), then backfills what it missed. */
  private async connect(): Promise<void> {
    while (true) {
      try {
        const ws = new WebSocket(this.url);
        const session: number[] = [];
        await new Promise<void>((resolve, reject) => {
          ws.once('error', reject);
          ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', user_id: this.name })));
          ws.on('message', (raw) => {
            const frame = JSON.parse(String(raw)) as {
              type: string;
              data?: { id?: number; text?: string; sender?: string };
            };
            if (frame.type === 'auth_success') resolve();
            if (frame.type !== 'chat_message' || typeof frame.data?.id !== 'number') return;
            session.push(frame.data.id);
            this.view.set(frame.data.id, String(frame.data.text));
            if (this.waiting && frame.data.sender === this.name && frame.data.text === this.waiting.text)
              this.waiting.resolve();
          });
          ws.once('close', () => reject(new Error('closed before sign-in')));
        });
        ws.on('error', () => undefined);
        this.sessions.push(session);
        this.ws = ws;
        await this.backfill();
        return;
      } catch {
        await sleep(100);
      }
    }
  }

  private async backfill(): Promise<void> {
    const floor = this.lastId();
    let cursor: number | null = null;
    while (true) {
      const { messages, nextCursor } = await this.history(cursor);
      for (const m of messages) if (m.id > floor) this.view.set(m.id, m.text);
      if (nextCursor === null || (messages[0]?.id ?? 0) <= floor) return;
      cursor = nextCursor;
    }
  }

  async send(text: string): Promise<void> {
    if (this.dropRequested) {
      this.dropRequested = false;
      this.disconnects += 1;
      this.ws?.close();
      await this.connect();
    }
    const floor = this.lastId();
    while (true) {
      const ws = this.ws as WebSocket;
      const outcome = await new Promise<'acked' | 'closed'>((resolve) => {
        const onClose = () => resolve('closed');
        this.waiting = {
          text,
          resolve: () => {
            ws.off('close', onClose);
            resolve('acked');
          },
        };
        ws.once('close', onClose);
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'chat_message', text }));
        else resolve('closed');
      });
      this.waiting = null;
      if (outcome === 'acked') {
        this.sent += 1;
        return;
      }
      // Only a server death closes the socket mid-send here: the new process's history is the truth.
      this.retries += 1;
      await this.connect();
      if ((await findAfter((c) => this.history(c), text, floor)) !== null) {
        this.sent += 1;
        return;
      }
    }
  }

  /** Catches up once more (the last live frames may lag the last send), then reports. */
  async figures(): Promise<ClientFigures> {
    await this.backfill();
    const view = [...this.view.keys()].sort((a, b) => a - b);
    return {
      name: this.name,
      sent: this.sent,
      view,
      ...orderFigures(this.sessions),
      disconnects: this.disconnects,
      retries: this.retries,
    };
  }

  close(): void {
    this.ws?.terminate();
  }
}
