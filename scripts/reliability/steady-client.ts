// A well-behaved tRPC client that chats during a stress run and then proves it lost nothing: every stored
// message after it subscribed arrived live exactly once, in id order, including all of its own.
import type { Message } from '../../src/shared/message';
import { connectClient, type TestClient, waitFor } from '../../tests/helpers/server';

export interface SteadyFigures {
  sent: number;
  received: number;
  stored: number;
  lost: number;
  duplicated: number;
  reordered: number;
  sendErrors: number;
}

export class SteadyClient {
  private readonly client: TestClient;
  private readonly received: Message[] = [];
  private readonly sentIds: number[] = [];
  private startedAfter: number | null = null;
  private sendErrors = 0;
  private stopped = false;
  private loop: Promise<void> | null = null;

  constructor(
    url: string,
    readonly user = 'steady',
  ) {
    this.client = connectClient(url, { userId: user });
  }

  /** Subscribes live (from the current last message) and waits until the server confirms. */
  async start(): Promise<void> {
    const last = await this.client.trpc.chat.history.query({ limit: 1 });
    this.startedAfter = last.messages.at(-1)?.id ?? 0;
    let started = false;
    this.client.trpc.chat.onMessage.subscribe(
      { lastEventId: String(this.startedAfter) },
      {
        onStarted: () => {
          started = true;
        },
        onData: (event) => this.received.push(...event.data.messages),
      },
    );
    await waitFor(() => started, 10_000, 'the steady client’s subscription');
  }

  /** Sends one message at a time, every `pauseMs`, until stopSending() (and at least `minimum`). */
  startSending(minimum: number, pauseMs = 5): void {
    this.loop = (async () => {
      let n = 0;
      while (!this.stopped || n < minimum) {
        n += 1;
        try {
          const message = await this.client.trpc.chat.send.mutate({ text: `steady ${this.user} #${n}` });
          this.sentIds.push(message.id);
        } catch {
          this.sendErrors += 1;
        }
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    })();
  }

  async stopSending(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** Waits for the live stream to catch up with the database, then compares the two. */
  async verify(timeoutMs = 30_000): Promise<SteadyFigures> {
    const stored = await this.storedSinceStart();
    const lastStored = stored.at(-1)?.id ?? 0;
    await waitFor(
      () => (this.received.at(-1)?.id ?? 0) >= lastStored,
      timeoutMs,
      'the live stream to reach the last stored message',
    ).catch(() => undefined);
    const ids = this.received.map((m) => m.id);
    const seen = new Set(ids);
    let reordered = 0;
    for (let i = 1; i < ids.length; i++) if ((ids[i] as number) <= (ids[i - 1] as number)) reordered += 1;
    const lost =
      stored.filter((m) => !seen.has(m.id)).length + this.sentIds.filter((id) => !seen.has(id)).length;
    return {
      sent: this.sentIds.length,
      received: ids.length,
      stored: stored.length,
      lost,
      duplicated: ids.length - seen.size,
      reordered,
      sendErrors: this.sendErrors,
    };
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.client.close();
  }

  private async storedSinceStart(): Promise<Message[]> {
    const after = this.startedAfter ?? 0;
    const pages: Message[][] = [];
    let cursor: number | null = null;
    while (true) {
      const page: { messages: Message[]; nextCursor: number | null } =
        await this.client.trpc.chat.history.query({
          cursor,
          limit: 200,
        });
      pages.unshift(page.messages.filter((m) => m.id > after));
      if (page.nextCursor === null || (page.messages[0]?.id ?? 0) <= after) break;
      cursor = page.nextCursor;
    }
    return pages.flat();
  }
}
