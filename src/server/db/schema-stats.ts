// SQLite table for the figures admins read as history that no stored message holds (rate-limit refusals,
// failed calls): one counter row per name and hour, so a restart keeps them and a chart can show them by hour.
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const statCounters = sqliteTable(
  'stat_counters',
  {
    name: text('name').notNull(),
    /** The UTC hour counted, `YYYY-MM-DDTHH` (the prefix of an ISO time, as messages are grouped by hour). */
    hour: text('hour').notNull(),
    count: integer('count').notNull(),
  },
  (table) => [primaryKey({ columns: [table.name, table.hour] })],
);
