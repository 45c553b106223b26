// Fan-out from one bus listener to many subscribers through small per-subscriber queues. Whatever queued
// since a subscriber's last read is handed over as one batch; a subscriber that falls too far behind is
// cut off (it resumes by lastEventId) instead of being buffered without bound.

export class SubscriberOverflowError extends Error {
  override name = 'SubscriberOverflowError';
}

export interface SubscriberOptions<T> {
  /** Drop events this subscriber does not want (e.g. its own typing). */
  accept?: (item: T) => boolean;
  /** True when the subscriber's socket already holds too much unsent data. */
  isBackedUp?: () => boolean;
  /** Called once when the subscriber is cut off for falling behind: close its connection here. */
  onOverflow?: () => void;
  signal?: AbortSignal;
}

export class Subscriber<T> {
  private queue: T[] = [];
  private wake: (() => void) | null = null;
  private closed = false;
  private overflowed = false;

  constructor(
    private readonly maxQueue: number,
    private readonly options: SubscriberOptions<T>,
    private readonly detach: (sub: Subscriber<T>) => void,
  ) {
    options.signal?.addEventListener('abort', () => this.close(), { once: true });
  }

  push(item: T): void {
    if (this.closed) return;
    if (this.options.accept && !this.options.accept(item)) return;
    this.queue.push(item);
    if (this.queue.length > this.maxQueue || this.options.isBackedUp?.()) {
      this.overflowed = true;
      this.queue = [];
      this.close();
      this.options.onOverflow?.();
      return;
    }
    this.wakeUp();
  }

  /**
   * Resolves with everything queued (waiting if nothing is), or null once closed. Rejects after an overflow.
   * Not an async method: an idle subscriber then holds one pending promise, not a suspended frame as well.
   */
  next(): Promise<T[] | null> {
    if (this.queue.length > 0 || this.closed) {
      try {
        return Promise.resolve(this.take());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise<void>((resolve) => {
      this.wake = resolve;
    }).then(() => this.next());
  }

  private take(): T[] | null {
    if (this.overflowed)
      throw new SubscriberOverflowError('subscriber fell too far behind and was disconnected');
    if (this.queue.length === 0) return null;
    const batch = this.queue;
    this.queue = [];
    return batch;
  }

  get pending(): number {
    return this.queue.length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.detach(this);
    this.wakeUp();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

export class Fanout<T> {
  private readonly subscribers = new Set<Subscriber<T>>();

  constructor(private readonly maxQueue = 10_000) {}

  publish(item: T): void {
    for (const sub of this.subscribers) sub.push(item);
  }

  open(options: SubscriberOptions<T> = {}): Subscriber<T> {
    const sub = new Subscriber<T>(this.maxQueue, options, (s) => this.subscribers.delete(s));
    if (!options.signal?.aborted) this.subscribers.add(sub);
    else sub.close();
    return sub;
  }

  get size(): number {
    return this.subscribers.size;
  }
}
