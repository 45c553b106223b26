// The per-key send limit both the hub (SendLimiter) and the storage bundles (the shared bucket on PostgreSQL) see,
// and the in-memory token bucket one instance uses: `burst` tokens, refilled at `perSecond`. rate-limiter-flexible
// only offers fixed windows (10 per 10 s is not "10 at once, then 1 a second"), so the bucket is our own.

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

/** A per-key send limit: in memory for one process, in the database when several instances share it. */
export interface RateLimiter {
  readonly enabled: boolean;
  /** Refusals so far (this instance's). */
  hits: number;
  take(key: string): TakeResult | Promise<TakeResult>;
}

export class TokenBucketLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();
  hits = 0;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get enabled(): boolean {
    return this.perSecond > 0;
  }

  take(key: string): TakeResult {
    if (!this.enabled) return { ok: true };
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updated: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updated) / 1000) * this.perSecond);
    bucket.updated = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.sweep(now);
      return { ok: true };
    }
    this.hits += 1;
    return { ok: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) / this.perSecond) * 1000) };
  }

  // Full buckets carry no information: drop them now and then so idle users cost nothing.
  private sweep(now: number): void {
    if (this.buckets.size < 10_000) return;
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.updated) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
    }
  }
}
