// Figures admins read as history that no stored message holds (rate-limit refusals, Telegram 429 answers, failed
// calls), counted per hour in the database so a restart keeps them. A count never slows or fails what it counts:
// counts gather in memory and are written behind the caller (one upsert per counter and hour for whatever gathered
// meanwhile), and a write that fails is logged.
import type { Logger } from 'pino';
import { type StatCounter, type StatsRepository, statHour } from './db/stats-repository';
import type { RateLimiter } from './ports/rate-limiter';

export class StatCounters {
  private chain: Promise<void> = Promise.resolve();
  /** Counts not yet written, by counter and hour: a flood of refusals becomes one upsert per row, not one each. */
  private pending = new Map<string, { counter: StatCounter; at: Date; by: number }>();
  private scheduled = false;

  constructor(
    private readonly store: StatsRepository,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  add(counter: StatCounter, by = 1): void {
    const at = this.now();
    const key = `${counter} ${statHour(at)}`;
    const row = this.pending.get(key);
    if (row) row.by += by;
    else this.pending.set(key, { counter, at, by });
    if (this.scheduled) return;
    this.scheduled = true;
    this.chain = this.chain.then(() => this.write());
  }

  private async write(): Promise<void> {
    const rows = [...this.pending.values()];
    this.pending = new Map();
    this.scheduled = false;
    for (const { counter, at, by } of rows) {
      try {
        await this.store.bump(counter, by, at);
      } catch (err) {
        this.logger.warn({ err, counter, lost: by }, 'could not store a statistics counter');
      }
    }
  }

  /** Resolves once every count added so far is stored (before reading them, and before the database closes). */
  async flushed(): Promise<void> {
    while (this.scheduled) await this.chain;
    await this.chain;
  }

  async totals(): Promise<Record<StatCounter, number>> {
    await this.flushed();
    return this.store.totals();
  }
}

/** The same limiter, each refusal also counted. */
export function countingRefusals(limiter: RateLimiter, onRefused: () => void): RateLimiter {
  return {
    get enabled() {
      return limiter.enabled;
    },
    get hits() {
      return limiter.hits;
    },
    set hits(value: number) {
      limiter.hits = value;
    },
    take(key: string) {
      const taken = limiter.take(key);
      if (!(taken instanceof Promise)) {
        if (!taken.ok) onRefused();
        return taken;
      }
      return taken.then((result) => {
        if (!result.ok) onRefused();
        return result;
      });
    },
  };
}

/**
 * `counters.errors`, written as `+= 1` wherever a call fails unexpectedly (HTTP, WebSocket, REST), each increase
 * also stored; reading it gives this process's count.
 */
export function countedErrors(counters: StatCounters): { errors: number } {
  let errors = 0;
  return {
    get errors() {
      return errors;
    },
    set errors(value: number) {
      if (value > errors) counters.add('errors', value - errors);
      errors = value;
    },
  };
}
