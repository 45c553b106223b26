// Small concurrency tools: steps run one at a time in call order (Serial: transport switches, role changes,
// recovery), the same per key (KeyedLock: work on one agent), and a coalescing runner (a reload asked for while
// one runs is done once more afterwards, not once per ask). A step that fails does not block the next.

export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(step: () => Promise<T>): Promise<T> {
    const run = this.tail.then(step);
    this.tail = run.catch(() => {});
    return run;
  }

  /** Resolves once every step queued so far has finished. */
  async idle(): Promise<void> {
    await this.tail;
  }
}

export class KeyedLock {
  private readonly chains = new Map<string, Promise<unknown>>();

  /** Runs `fn` after everything queued under `key` before it has settled. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.catch(() => {});
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
    return next;
  }

  /** Resolves once everything queued so far has settled. */
  async idle(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }
}

/**
 * Wraps `fn` so that each call resolves after a run of `fn` that started after the call: callers see every change
 * committed before they asked, and a burst of asks costs at most one run in progress plus one more.
 */
export function coalesce(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const run = (): Promise<void> => {
    if (!running) {
      running = fn().finally(() => {
        running = null;
      });
      return running;
    }
    queued ??= running
      .catch(() => {})
      .then(() => {
        queued = null;
        return run();
      });
    return queued;
  };
  return run;
}
