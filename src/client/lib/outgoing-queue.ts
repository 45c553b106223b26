// The client's outgoing queue: own messages go out one at a time, in the order they were typed. A send that meets
// the rate limit waits the server's retryAfterMs and goes again; one cut off by a dropped connection goes again
// once connected, with the same clientId (the server commits it once); one the server refuses stays as `failed`.
import type { Message } from '../../shared/message';
import type { PendingMessage, PendingStatus } from '../stores/chatStore';

/** The part of the chat store the queue reads and writes. */
export interface QueueStore {
  getState(): {
    pending: PendingMessage[];
    updatePending(tempId: string, patch: { status?: PendingStatus; error?: string | null }): void;
    confirmPending(tempId: string, message: Message): void;
  };
  subscribe(listener: () => void): () => void;
}

export interface OutgoingQueueDeps {
  store: QueueStore;
  /** chat.send with the message's tempId as clientId. */
  send(message: PendingMessage): Promise<Message>;
  /** Resolves once the connection is up (at once when it is). */
  whenConnected(): Promise<void>;
  sleep(ms: number): Promise<void>;
  errorText(error: unknown): string;
}

/** Sends cut off by the connection in a row, while it looks up, before the message is marked failed. */
export const MAX_UNANSWERED = 5;
/** Pause after an unanswered send, times the tries so far. */
export const UNANSWERED_PAUSE_MS = 200;
/** Waited when a TOO_MANY_REQUESTS carries no retryAfterMs. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;

/** What a failed send means for the queue: wait and go again, wait for the connection, or give up. */
export type SendOutcome =
  | { kind: 'rate-limited'; waitMs: number }
  | { kind: 'unanswered' }
  | { kind: 'refused'; code: string };

export function classifySendError(error: unknown): SendOutcome {
  const data = (error as { data?: { code?: unknown; retryAfterMs?: unknown } } | null)?.data;
  const code = typeof data?.code === 'string' ? data.code : undefined;
  // No code: the server never answered (the connection dropped under the send), so it may or may not be stored.
  if (code === undefined) return { kind: 'unanswered' };
  if (code === 'TOO_MANY_REQUESTS') {
    const wait = Number(data?.retryAfterMs);
    return {
      kind: 'rate-limited',
      waitMs: Number.isFinite(wait) && wait >= 0 ? wait : DEFAULT_RETRY_AFTER_MS,
    };
  }
  return { kind: 'refused', code };
}

export class OutgoingQueue {
  private running = false;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: OutgoingQueueDeps) {
    // Retry and new messages put entries in `queued`: any store change may mean there is work.
    this.unsubscribe = deps.store.subscribe(() => this.kick());
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
  }

  /** Starts draining the queue unless it is already being drained. */
  kick(): void {
    if (this.running || this.stopped) return;
    if (!this.deps.store.getState().pending.some((p) => p.status === 'queued')) return;
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      // A message queued while the last one was being confirmed.
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const next = this.deps.store.getState().pending.find((p) => p.status === 'queued');
      if (!next) return;
      await this.deliver(next);
    }
  }

  private present(tempId: string): boolean {
    return this.deps.store.getState().pending.some((p) => p.tempId === tempId);
  }

  /** Sends one message until it is stored or refused; later messages wait behind it, so the order holds. */
  private async deliver(message: PendingMessage): Promise<void> {
    const { store } = this.deps;
    let unanswered = 0;
    for (;;) {
      // Gone: discarded, or its stored copy already arrived on the message stream.
      if (this.stopped || !this.present(message.tempId)) return;
      store.getState().updatePending(message.tempId, { status: 'sending', error: null });
      try {
        const stored = await this.deps.send(message);
        store.getState().confirmPending(message.tempId, stored);
        return;
      } catch (error) {
        if (this.stopped || !this.present(message.tempId)) return;
        const outcome = classifySendError(error);
        if (outcome.kind === 'refused' || unanswered >= MAX_UNANSWERED) {
          store
            .getState()
            .updatePending(message.tempId, { status: 'failed', error: this.deps.errorText(error) });
          return;
        }
        store.getState().updatePending(message.tempId, { status: 'waiting', error: null });
        if (outcome.kind === 'rate-limited') {
          unanswered = 0;
          await this.deps.sleep(outcome.waitMs);
        } else {
          unanswered += 1;
          await this.deps.whenConnected();
          // Not a tight loop when the connection looks up but the sends still fail.
          await this.deps.sleep(UNANSWERED_PAUSE_MS * unanswered);
        }
      }
    }
  }
}
