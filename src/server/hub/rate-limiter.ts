// The send limit of chat.send and the legacy adapter, built on a per-key limiter (ports/rate-limiter.ts).
import type { RateLimiter, TakeResult } from '../ports/rate-limiter';

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
