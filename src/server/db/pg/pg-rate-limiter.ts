// The per-user token bucket kept in PostgreSQL, so every instance draws from the same bucket: a person spread over
// several instances gets one send rate, not one per instance. The row lock serialises takes for one key.
import type pg from 'pg';
import type { RateLimiter, TakeResult } from '../../ports/rate-limiter';

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
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // The database clock, not each instance's: elapsed time is measured on one clock for all of them.
      await client.query(
        `INSERT INTO rate_limit_buckets (key, tokens, updated_at) VALUES ($1, $2, clock_timestamp())
         ON CONFLICT (key) DO NOTHING`,
        [key, this.burst],
      );
      const { rows } = await client.query<{ tokens: number; elapsed: number }>(
        `SELECT tokens, EXTRACT(EPOCH FROM clock_timestamp() - updated_at)::float8 AS elapsed
         FROM rate_limit_buckets WHERE key = $1 FOR UPDATE`,
        [key],
      );
      const row = rows[0] as { tokens: number; elapsed: number };
      const refreshed = Math.min(this.burst, row.tokens + Math.max(0, row.elapsed) * this.perSecond);
      const ok = refreshed >= 1;
      await client.query(
        'UPDATE rate_limit_buckets SET tokens = $2, updated_at = clock_timestamp() WHERE key = $1',
        [key, ok ? refreshed - 1 : refreshed],
      );
      await client.query('COMMIT');
      if (ok) return { ok: true };
      this.hits += 1;
      return { ok: false, retryAfterMs: Math.ceil(((1 - refreshed) / this.perSecond) * 1000) };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}
