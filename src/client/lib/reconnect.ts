// When to reconnect: jittered exponential backoff, cut short when the page sees the network or the tab come back.
// tRPC's wsClient sleeps retryDelayMs(attempt) and cannot be woken, so its sleep is 0 and the wait happens in the
// `url` callback it awaits before each connect, where wake() can end it early.

export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 4_000;

/**
 * "Equal jitter": half of the exponential step, plus a random share of the other half. Clients that lost the same
 * server spread over the step instead of all knocking at the same instants, and none retries in a tight loop.
 */
export function backoffDelayMs(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + (random() * step) / 2);
}

/** How long a wake that found no wait in progress still cuts short the next one. */
const WAKE_MEMORY_MS = 2_000;

export class ReconnectGate {
  /** The retry tRPC is about to make; null for the first connect (no wait). */
  private attempt: number | null = null;
  private wakeUp: (() => void) | null = null;
  /** When a wake came while no wait was in progress (a connect attempt or tRPC's own hop was on its way). */
  private wokenAt: number | null = null;
  private closed = false;

  constructor(
    private readonly target: string,
    private readonly hooks: {
      onRetryScheduled?(delayMs: number): void;
      /** The wait before retry `attempt`, instead of the jittered backoff (tests that only a wake may end). */
      delayMs?(attempt: number): number;
    } = {},
    private readonly random: () => number = Math.random,
  ) {}

  /** For createWSClient's retryDelayMs: remembers the attempt; the wait itself happens in url(). */
  readonly retryDelayMs = (attempt: number): number => {
    this.attempt = attempt;
    return 0;
  };

  /** For createWSClient's url: resolves at once for the first connect, after the backoff for a retry. */
  readonly url = async (): Promise<string> => {
    const attempt = this.attempt;
    this.attempt = null;
    if (attempt === null || this.closed) return this.target;
    // The network or the tab came back just before this wait began: it is not waited out either.
    const woken = this.wokenAt !== null && Date.now() - this.wokenAt < WAKE_MEMORY_MS;
    this.wokenAt = null;
    if (woken) return this.target;
    const delay = this.hooks.delayMs?.(attempt) ?? backoffDelayMs(attempt, this.random);
    this.hooks.onRetryScheduled?.(delay);
    await new Promise<void>((resolve) => {
      const done = () => {
        this.wakeUp = null;
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, delay);
      this.wakeUp = done;
    });
    return this.target;
  };

  /** Retry now (the network or the tab is back); true when a wait was cut short. */
  wake(): boolean {
    if (!this.wakeUp) {
      this.wokenAt = Date.now();
      return false;
    }
    this.wakeUp();
    return true;
  }

  /** The client is closing: no more waiting (its close() awaits the connect in progress). */
  close(): void {
    this.closed = true;
    this.wake();
  }
}
