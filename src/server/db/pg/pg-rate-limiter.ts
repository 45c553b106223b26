// The per-user token bucket kept in PostgreSQL, so every instance draws from the same bucket: a person spread over
// several instances gets one send rate, not one per instance.
import type pg from 'pg';
import type { RateLimiter, TakeResult } from '../../ports/rate-limiter';

/**
 * A bucket's tokens now: what it held plus the refill since it was last written, at most the burst ($2), at
 * $3 tokens a second. The database clock, not each instance's: elapsed time is measured on one clock for all.
 */
const REFILLED = `LEAST($2::float8, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - b.updated_at)) * $3::float8)`;

export class PgRateLimiter implements RateLimiter {
  hits = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly burst: number,
    private readonly perSecond: number,
  ) {}

  get enabled(): boolean {
    return this.perSecond > 0;
  }

  async take(key: string): Promise<TakeResult> {
    if (!this.enabled) return { ok: true };
    // One statement: the row lock of the upsert serialises takes for one key, the refill is computed on the row
    // it locked, and a refusal leaves the row as it was (refilling is linear in time, so nothing is lost).
    const taken = await this.pool.query(
      `INSERT INTO rate_limit_buckets AS b (key, tokens, updated_at)
       SELECT $1, $2::float8 - 1, clock_timestamp() WHERE $2::float8 >= 1
       ON CONFLICT (key) DO UPDATE SET tokens = ${REFILLED} - 1, updated_at = clock_timestamp()
       WHERE ${REFILLED} >= 1`,
      [key, this.burst, this.perSecond],
    );
    if (taken.rowCount === 1) return { ok: true };
    this.hits += 1;
    const { rows } = await this.pool.query<{ tokens: number }>(
      `SELECT ${REFILLED} AS tokens FROM rate_limit_buckets AS b WHERE key = $1`,
      [key, this.burst, this.perSecond],
    );
    const tokens = Math.min(rows[0]?.tokens ?? 0, 1);
    return { ok: false, retryAfterMs: Math.ceil(((1 - tokens) / this.perSecond) * 1000) };
  }
}
