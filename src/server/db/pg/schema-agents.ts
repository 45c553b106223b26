// PostgreSQL tables for AI agents, their tasks and worker output: the twin of ../schema-agents.ts.
import { bigint, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { branchStates, logStreams, smartnessLevels, taskStatuses } from '../schema-agents';

export const employees = pgTable('employees', {
  name: text('name').primaryKey(),
  role: text('role').notNull(),
  smartness: text('smartness', { enum: smartnessLevels }).notNull(),
  hiredBy: text('hired_by').notNull(),
  hiredAt: text('hired_at').notNull(),
  // `provider/model` chosen at hire; null: AGENT_MODEL, else opencode's configured default.
  model: text('model'),
});

export const agentTasks = pgTable(
  'agent_tasks',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    employee: text('employee').notNull(),
    description: text('description').notNull(),
    status: text('status', { enum: taskStatuses }).notNull(),
    model: text('model').notNull(),
    mode: text('mode').notNull(),
    assignedBy: text('assigned_by').notNull(),
    messageId: bigint('message_id', { mode: 'number' }),
    progress: text('progress'),
    reason: text('reason'),
    exitCode: integer('exit_code'),
    createdAt: text('created_at').notNull(),
    startedAt: text('started_at'),
    finishedAt: text('finished_at'),
    updatedAt: text('updated_at').notNull(),
    // The opencode session the task runs in (follow-ups and "continue" reuse their task's session).
    sessionId: text('session_id'),
    branch: text('branch'),
    baseBranch: text('base_branch'),
    branchState: text('branch_state', { enum: branchStates }),
    commitSha: text('commit_sha'),
  },
  (table) => [
    index('agent_tasks_employee_status_idx').on(table.employee, table.status),
    index('agent_tasks_status_idx').on(table.status),
  ],
);

export const agentTaskLog = pgTable(
  'agent_task_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    taskId: bigint('task_id', { mode: 'number' })
      .notNull()
      .references(() => agentTasks.id, { onDelete: 'cascade' }),
    stream: text('stream', { enum: logStreams }).notNull(),
    line: text('line').notNull(),
    at: text('at').notNull(),
  },
  (table) => [index('agent_task_log_task_idx').on(table.taskId, table.id)],
);

export const taskEvents = pgTable(
  'task_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    taskId: bigint('task_id', { mode: 'number' })
      .notNull()
      .references(() => agentTasks.id, { onDelete: 'cascade' }),
    employee: text('employee').notNull(),
    at: text('at').notNull(),
    event: text('event').notNull(),
  },
  (table) => [index('task_events_task_idx').on(table.taskId, table.id)],
);
