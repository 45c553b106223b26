// SQLite implementation of the stats storage, sharing the main repository's connection.
import { and, desc, eq, isNotNull, sql, sum } from 'drizzle-orm';
import { alias, type BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { messages } from './schema';
import { statCounters } from './schema-stats';
import {
  type AgentReplyRow,
  type StatCounter,
  type StatsRepository,
  statHour,
  totalsFrom,
} from './stats-repository';

type AnySqliteDb = BaseSQLiteDatabase<'sync', unknown, Record<string, unknown>>;

export class SqliteStatsRepository implements StatsRepository {
  constructor(private readonly db: AnySqliteDb) {}

  async bump(counter: StatCounter, by: number, at: Date): Promise<void> {
    this.db
      .insert(statCounters)
      .values({ name: counter, hour: statHour(at), count: by })
      .onConflictDoUpdate({
        target: [statCounters.name, statCounters.hour],
        set: { count: sql`${statCounters.count} + ${by}` },
      })
      .run();
  }

  async totals(): Promise<Record<StatCounter, number>> {
    const rows = this.db
      .select({ name: statCounters.name, total: sum(statCounters.count) })
      .from(statCounters)
      .groupBy(statCounters.name)
      .all();
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
      .limit(limit)
      .all();
  }
}
