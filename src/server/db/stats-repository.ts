// Storage interface for the figures admins read as history: per-hour counters (rate-limit refusals, failed calls)
// and agents' replies as the stored messages tell them. Promise-returning, one implementation per dialect.

/** What is counted; the name is the row key, so renaming one starts it again at 0. */
export type StatCounter = 'rate_limit_hits' | 'telegram_rate_limit_hits' | 'errors';

/** An agent's reply to a message (its replyTo), with what that message mentioned and when each was committed. */
export interface AgentReplyRow {
  askId: number;
  agent: string;
  mentions: string[];
  askedAt: string;
  repliedAt: string;
}

export interface StatsRepository {
  /** Adds `by` to the counter's row for the UTC hour of `at` (one upsert). */
  bump(counter: StatCounter, by: number, at: Date): Promise<void>;
  /** Every counter's total over all hours (0 for one never bumped). */
  totals(): Promise<Record<StatCounter, number>>;
  /** The newest `limit` agent messages that reply to another message, newest first. */
  agentReplies(limit: number): Promise<AgentReplyRow[]>;
}

const STAT_COUNTERS: StatCounter[] = ['rate_limit_hits', 'telegram_rate_limit_hits', 'errors'];

/** The counter row's hour: the ISO time's `YYYY-MM-DDTHH` prefix, as messages are grouped by hour. */
export const statHour = (at: Date) => at.toISOString().slice(0, 13);

export function totalsFrom(
  rows: { name: string; total: number | string | null }[],
): Record<StatCounter, number> {
  const totals = Object.fromEntries(STAT_COUNTERS.map((c) => [c, 0])) as Record<StatCounter, number>;
  for (const row of rows)
    if ((STAT_COUNTERS as string[]).includes(row.name))
      totals[row.name as StatCounter] = Number(row.total ?? 0);
  return totals;
}
