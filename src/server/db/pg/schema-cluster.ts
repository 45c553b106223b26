// PostgreSQL-only tables for running several instances: who is connected where, kept alive by heartbeats.
import {
  bigint,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/** One row per (instance, person) with open connections; rows of an instance that stops beating expire. */
export const clusterPresence = pgTable(
  'cluster_presence',
  {
    instanceId: text('instance_id').notNull(),
    userId: text('user_id').notNull(),
    connections: integer('connections').notNull(),
    since: text('since').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.instanceId, table.userId] }),
    index('cluster_presence_expires_idx').on(table.expiresAt),
  ],
);

/** Per-user token buckets shared by every instance, so a person spread over instances gets one send rate. */
export const rateLimitBuckets = pgTable('rate_limit_buckets', {
  key: text('key').primaryKey(),
  tokens: doublePrecision('tokens').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/**
 * Stops asked for on an instance that does not run the workers: the agents leader takes each one and stops that
 * task's worker. A row rather than a NOTIFY payload, so a doorbell lost while the LISTEN connection reconnects
 * loses no stop (the leader also looks every few seconds).
 */
export const agentStopRequests = pgTable('agent_stop_requests', {
  taskId: bigint('task_id', { mode: 'number' }).primaryKey(),
  reason: text('reason').notNull(),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
});
