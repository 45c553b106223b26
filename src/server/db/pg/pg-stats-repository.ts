// PostgreSQL implementation of the stats storage, sharing the chat pool: every instance adds to the same rows.
import { and, desc, eq, isNotNull, sql, sum } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import {
  type AgentReplyRow,
  type StatCounter,
  type StatsRepository,
  statHour,
  totalsFrom,
} from '../stats-repository';
import type { PgDb } from './client';
import { messages } from './schema';
import { statCounters } from './schema-stats';

export class PgStatsRepository implements StatsRepository {
  constructor(private readonly db: PgDb) {}

  async bump(counter: StatCounter, by: number, at: Date): Promise<void> {
    await this.db
      .insert(statCounters)
      .values({ name: counter, hour: statHour(at), count: by })
      .onConflictDoUpdate({
        target: [statCounters.name, statCounters.hour],
        set: { count: sql`${statCounters.count} + ${by}` },
      });
  }

  async totals(): Promise<Record<StatCounter, number>> {
    const rows = await this.db
      .select({ name: statCounters.name, total: sum(statCounters.count) })
      .from(statCounters)
      .groupBy(statCounters.name);
    return totalsFrom(rows);
  }

  async agentReplies(limit: number): Promise<AgentReplyRow[]> {
    const ask = alias(messages, 'ask');
    // An answer quotes the mention or, as a task's acknowledgement does, opens the mention's thread.
    const answered = sql`coalesce(${messages.replyTo}, ${messages.threadRoot})`;
    return this.db
      .select({
        askId: ask.id,
        agent: messages.sender,
        mentions: ask.mentions,
        askedAt: ask.createdAt,
        repliedAt: messages.createdAt,
      })
      .from(messages)
      .innerJoin(ask, eq(ask.id, answered))
      .where(and(eq(messages.senderKind, 'agent'), isNotNull(answered)))
      .orderBy(desc(messages.id))
      .limit(limit);
  }
}
