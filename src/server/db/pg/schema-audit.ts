// PostgreSQL table for the audit log of admin actions: the twin of ../schema-audit.ts.
import { bigint, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { auditOutcomes } from '../schema-audit';

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    outcome: text('outcome', { enum: auditOutcomes }).notNull(),
    error: text('error'),
  },
  (table) => [index('audit_log_action_idx').on(table.action)],
);
