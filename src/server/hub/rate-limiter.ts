// Per-key token bucket: `burst` tokens, refilled at `perSecond`. rate-limiter-flexible only offers fixed
// windows (10 per 10 s is not "10 at once, then 1 a second"), so the bucket is our own.

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

/**
 * Who is sending: a person at a chat client (the web app, `npm run tail`, over the tRPC WebSocket), or a script or
 * bot (the legacy JSON adapter, tRPC over plain HTTP with a token), which bursts harder than any typist.
 */
export type SenderClass = 'person' | 'bulk';

export interface SendLimits {
  person: { burst: number; perSecond: number };
  bulk: { burst: number; perSecond: number };
}

/**
 * The send limit of chat.send and the legacy adapter. Everyone draws from their own person bucket (one per user,
 * whatever the endpoint); bulk senders must also get a token from a stricter bucket of their own, so a script can
 * never send faster than the bulk limit even though people get a generous burst. A rate of 0 for people turns
 * every limit off (benchmarks); the bulk limit is never looser than the person limit.
 */
export class SendLimiter implements RateLimiter {
  private readonly person: RateLimiter;
  private readonly bulk: RateLimiter;

  constructor(make: (burst: number, perSecond: number) => RateLimiter, limits: SendLimits) {
    this.person = make(limits.person.burst, limits.person.perSecond);
    this.bulk = make(
      Math.min(limits.bulk.burst, limits.person.burst),
      Math.min(limits.bulk.perSecond, limits.person.perSecond),
    );
  }

  get enabled(): boolean {
    return this.person.enabled;
  }

  get hits(): number {
    return this.person.hits + this.bulk.hits;
  }

  async take(user: string, sender: SenderClass = 'person'): Promise<TakeResult> {
    if (!this.enabled) return { ok: true };
    if (sender === 'bulk' && this.bulk.enabled) {
      // A space never appears in a user id, so this bucket cannot be anyone's person bucket.
      const bulk = await this.bulk.take(`bulk ${user}`);
      if (!bulk.ok) return bulk;
    }
    return this.person.take(user);
  }
}
