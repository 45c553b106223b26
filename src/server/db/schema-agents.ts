// SQLite tables for AI agents, their tasks and the full worker output log (Drizzle).
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { branchStates } from '../../shared/task-timeline';

export const taskStatuses = [
  'queued',
  'running',
  'stuck',
  'done',
  'failed',
  'cancelled',
  'interrupted',
] as const;
export const smartnessLevels = ['normal', 'smart'] as const;
export const logStreams = ['stdout', 'stderr', 'help', 'system'] as const;
// Where a task's git branch stands: the same list as the `branch` timeline entry's states.
export { branchStates };

export const employees = sqliteTable('employees', {
  // Stored lower-case: names are unique case-insensitively.
  name: text('name').primaryKey(),
  role: text('role').notNull(),
  smartness: text('smartness', { enum: smartnessLevels }).notNull(),
  hiredBy: text('hired_by').notNull(),
  hiredAt: text('hired_at').notNull(),
  // `provider/model` chosen at hire; null: AGENT_MODEL, else opencode's configured default.
  model: text('model'),
});

export const agentTasks = sqliteTable(
  'agent_tasks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    // Not a foreign key: task history outlives a fired employee.
    employee: text('employee').notNull(),
    description: text('description').notNull(),
    status: text('status', { enum: taskStatuses }).notNull(),
    model: text('model').notNull(),
    mode: text('mode').notNull(),
    assignedBy: text('assigned_by').notNull(),
    messageId: integer('message_id'),
    progress: text('progress'),
    reason: text('reason'),
    exitCode: integer('exit_code'),
    createdAt: text('created_at').notNull(),
    startedAt: text('started_at'),
    finishedAt: text('finished_at'),
    updatedAt: text('updated_at').notNull(),
    // The opencode session the task runs in (follow-ups and "continue" reuse their task's session).
    sessionId: text('session_id'),
    // The task's git branch (agent/<agent>/<id>-<slug>) and the branch it came from and merges into; null when
    // PROJECT_ROOT is not a git repository or the task has not started.
    branch: text('branch'),
    baseBranch: text('base_branch'),
    branchState: text('branch_state', { enum: branchStates }),
    // The task's own commit on its branch (null: nothing committed yet).
    commitSha: text('commit_sha'),
  },
  (table) => [
    index('agent_tasks_employee_status_idx').on(table.employee, table.status),
    index('agent_tasks_status_idx').on(table.status),
  ],
);

export const agentTaskLog = sqliteTable(
  'agent_task_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    taskId: integer('task_id')
      .notNull()
      .references(() => agentTasks.id, { onDelete: 'cascade' }),
    stream: text('stream', { enum: logStreams }).notNull(),
    line: text('line').notNull(),
    at: text('at').notNull(),
  },
  (table) => [index('agent_task_log_task_idx').on(table.taskId, table.id)],
);

/** A task's timeline (tasks.onUpdate): one row per TaskEvent, `id` monotonic across all tasks (the resume point). */
export const taskEvents = sqliteTable(
  'task_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    taskId: integer('task_id')
      .notNull()
      .references(() => agentTasks.id, { onDelete: 'cascade' }),
    employee: text('employee').notNull(),
    at: text('at').notNull(),
    /** The TaskEvent as JSON (src/shared/task-timeline.ts). */
    event: text('event').notNull(),
  },
  (table) => [index('task_events_task_idx').on(table.taskId, table.id)],
);
