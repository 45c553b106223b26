// SQLite table for the audit log of admin actions (switch, hire, fire, task stop): who did what, when, outcome.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const auditOutcomes = ['ok', 'error'] as const;

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    // The procedure path, e.g. communication.switch, employees.hire.
    action: text('action').notNull(),
    target: text('target'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    outcome: text('outcome', { enum: auditOutcomes }).notNull(),
    error: text('error'),
  },
  (table) => [index('audit_log_action_idx').on(table.action)],
);
