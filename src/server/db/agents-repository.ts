// Storage interface for agents, tasks and task logs, and what its SQLite and PostgreSQL implementations share.
import type { BranchState } from '../../shared/task-branch';
import type { TaskEvent, TaskUpdate } from '../../shared/task-timeline';
import type { logStreams, smartnessLevels, taskStatuses } from './schema-agents';

export type TaskStatus = (typeof taskStatuses)[number];
export type Smartness = (typeof smartnessLevels)[number];
export type LogStream = (typeof logStreams)[number];

export interface Agent {
  name: string;
  role: string;
  smartness: Smartness;
  hiredBy: string;
  hiredAt: string;
  /** `provider/model` chosen at hire; null: AGENT_MODEL, else opencode's configured default. */
  model?: string | null;
}

export interface Task {
  id: number;
  employee: string;
  description: string;
  status: TaskStatus;
  model: string;
  mode: string;
  assignedBy: string;
  messageId: number | null;
  progress: string | null;
  reason: string | null;
  exitCode: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  /** The opencode session the task runs in (null in command mode, or before it started). */
  sessionId: string | null;
  /** The task's git branch (`agent/alice/42-login-form`); null without git or before the task started. */
  branch: string | null;
  /** The branch it was made from and merges into. */
  baseBranch: string | null;
  branchState: BranchState | null;
  /** The task's own commit on its branch (null: nothing committed yet). */
  commitSha: string | null;
}

export type NewTask = Pick<
  Task,
  'employee' | 'description' | 'model' | 'mode' | 'assignedBy' | 'messageId'
> & {
  sessionId?: string | null;
  /** A continuation ("@alice change …") carries its task's branch on. */
  branch?: string | null;
  baseBranch?: string | null;
  branchState?: BranchState | null;
  commitSha?: string | null;
};
export type TaskPatch = Partial<
  Pick<
    Task,
    | 'status'
    | 'progress'
    | 'reason'
    | 'exitCode'
    | 'startedAt'
    | 'finishedAt'
    | 'sessionId'
    | 'branch'
    | 'baseBranch'
    | 'branchState'
    | 'commitSha'
    // A task assigned through tasks.assign gets its acknowledgement as its message (the root of its thread).
    | 'messageId'
  >
>;

export interface TaskLogLine {
  id: number;
  taskId: number;
  stream: LogStream;
  line: string;
  at: string;
}

export interface TaskQuery {
  agent?: string;
  statuses?: TaskStatus[];
  limit?: number;
  /** Oldest first (default) or newest first. */
  order?: 'asc' | 'desc';
}

export interface AgentsRepository {
  listAgents(): Promise<Agent[]>;
  getAgent(name: string): Promise<Agent | null>;
  /** Inserts; throws EmployeeExistsError when the name is taken. */
  insertAgent(employee: Agent): Promise<Agent>;
  deleteAgent(name: string): Promise<boolean>;
  createTask(task: NewTask): Promise<Task>;
  getTask(id: number): Promise<Task | null>;
  listTasks(query?: TaskQuery): Promise<Task[]>;
  updateTask(id: number, patch: TaskPatch): Promise<Task>;
  /**
   * Marks the agent's oldest queued task running and returns it, atomically: two callers never get the same
   * task (with several instances, a stale agents leader and its successor). Null when nothing is queued.
   */
  claimNextTask(employee: string, startedAt: string): Promise<Task | null>;
  /** Moves every task in `from` to `to` (one transaction); returns the moved tasks as they are now. */
  moveTasks(
    from: TaskStatus[],
    to: TaskStatus,
    reason: string,
    where?: { employee?: string },
  ): Promise<Task[]>;
  appendTaskLog(taskId: number, lines: { stream: LogStream; line: string }[]): Promise<void>;
  taskLog(taskId: number, afterId: number, limit: number): Promise<TaskLogLine[]>;
  /**
   * Stores one timeline entry. Ids become visible in id order (a reader of "after id N" never skips one committed
   * later with a smaller id), so tailing by id loses nothing.
   */
  appendTaskEvent(task: { id: number; employee: string }, event: TaskEvent, at: string): Promise<TaskUpdate>;
  /** Timeline entries after `afterId` in id order, of one task or of all; at most `limit`. */
  taskEventsAfter(afterId: number, limit: number, taskId?: number): Promise<TaskUpdate[]>;
  /** The newest timeline entry's id, 0 when there is none. */
  lastTaskEventId(): Promise<number>;
}

export class AgentExistsError extends Error {
  constructor(readonly agent: string) {
    super(`an employee named ${agent} already exists`);
    this.name = 'EmployeeExistsError';
  }
}

/** Statuses a task ends in: moving a task into one stamps finishedAt. */
export const FINISHED_STATUSES: readonly TaskStatus[] = ['done', 'failed', 'cancelled', 'interrupted'];

/** A stored timeline row (either dialect's) as the entry tasks.onUpdate carries. */
export function toTaskUpdate(row: {
  id: number;
  taskId: number;
  employee: string;
  at: string;
  event: string;
}): TaskUpdate {
  return {
    id: row.id,
    taskId: row.taskId,
    employee: row.employee,
    at: row.at,
    event: JSON.parse(row.event) as TaskEvent,
  };
}
