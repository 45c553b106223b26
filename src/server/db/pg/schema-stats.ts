// PostgreSQL table of per-hour counters (rate-limit refusals, failed calls): the twin of ../schema-stats.ts.
import { bigint, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

export const statCounters = pgTable(
  'stat_counters',
  {
    name: text('name').notNull(),
    hour: text('hour').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.name, table.hour] })],
);
