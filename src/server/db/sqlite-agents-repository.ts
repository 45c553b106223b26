// SQLite implementation of the agents repository, sharing the chat database's connection.
import { and, asc, desc, eq, gt, inArray, type SQL, sql } from 'drizzle-orm';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type { TaskEvent, TaskUpdate } from '../../shared/task-timeline';
import {
  type Agent,
  AgentExistsError,
  type AgentsRepository,
  FINISHED_STATUSES,
  type LogStream,
  type NewTask,
  type Task,
  type TaskLogLine,
  type TaskPatch,
  type TaskQuery,
  type TaskStatus,
  toTaskUpdate,
} from './agents-repository';
import { agentTaskLog, agentTasks, employees, taskEvents } from './schema-agents';

// Any synchronous drizzle SQLite handle works: the tables are addressed directly, not via the relational schema.
type AnyDb = BaseSQLiteDatabase<'sync', unknown, Record<string, unknown>>;

const now = () => new Date().toISOString();

export class SqliteAgentsRepository implements AgentsRepository {
  constructor(private readonly db: AnyDb) {}

  async listAgents(): Promise<Agent[]> {
    return this.db.select().from(employees).orderBy(asc(employees.hiredAt), asc(employees.name)).all();
  }

  async getAgent(name: string): Promise<Agent | null> {
    return this.db.select().from(employees).where(eq(employees.name, name)).get() ?? null;
  }

  async insertAgent(agent: Agent): Promise<Agent> {
    try {
      return this.db.insert(employees).values(agent).returning().get();
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT'))
        throw new AgentExistsError(agent.name);
      throw error;
    }
  }

  async deleteAgent(name: string): Promise<boolean> {
    return this.db.delete(employees).where(eq(employees.name, name)).returning().all().length > 0;
  }

  async createTask(task: NewTask): Promise<Task> {
    const at = now();
    return this.db
      .insert(agentTasks)
      .values({ ...task, status: 'queued', createdAt: at, updatedAt: at })
      .returning()
      .get();
  }

  async getTask(id: number): Promise<Task | null> {
    return this.db.select().from(agentTasks).where(eq(agentTasks.id, id)).get() ?? null;
  }

  async listTasks(query: TaskQuery = {}): Promise<Task[]> {
    const conditions: SQL[] = [];
    if (query.agent) conditions.push(eq(agentTasks.employee, query.agent));
    if (query.statuses) conditions.push(inArray(agentTasks.status, query.statuses));
    const select = this.db
      .select()
      .from(agentTasks)
      .where(and(...conditions))
      .orderBy(query.order === 'desc' ? desc(agentTasks.id) : asc(agentTasks.id));
    return query.limit ? select.limit(query.limit).all() : select.all();
  }

  async updateTask(id: number, patch: TaskPatch): Promise<Task> {
    const row = this.db
      .update(agentTasks)
      .set({ ...patch, updatedAt: now() })
      .where(eq(agentTasks.id, id))
      .returning()
      .get();
    if (!row) throw new Error(`task ${id} does not exist`);
    return row;
  }

  async claimNextTask(agent: string, startedAt: string): Promise<Task | null> {
    const oldest = this.db
      .select({ id: agentTasks.id })
      .from(agentTasks)
      .where(and(eq(agentTasks.employee, agent), eq(agentTasks.status, 'queued')))
      .orderBy(asc(agentTasks.id))
      .limit(1);
    return (
      this.db
        .update(agentTasks)
        .set({ status: 'running', startedAt, updatedAt: startedAt })
        .where(and(eq(agentTasks.id, sql`(${oldest})`), eq(agentTasks.status, 'queued')))
        .returning()
        .get() ?? null
    );
  }

  async moveTasks(
    from: TaskStatus[],
    to: TaskStatus,
    reason: string,
    where: { employee?: string } = {},
  ): Promise<Task[]> {
    const at = now();
    const finished = FINISHED_STATUSES.includes(to);
    return this.db
      .update(agentTasks)
      .set({ status: to, reason, updatedAt: at, ...(finished ? { finishedAt: at } : {}) })
      .where(
        and(
          inArray(agentTasks.status, from),
          where.employee ? eq(agentTasks.employee, where.employee) : undefined,
        ),
      )
      .returning()
      .all()
      .sort((a, b) => a.id - b.id);
  }

  async appendTaskLog(taskId: number, lines: { stream: LogStream; line: string }[]): Promise<void> {
    if (lines.length === 0) return;
    const at = now();
    this.db
      .insert(agentTaskLog)
      .values(lines.map((l) => ({ taskId, stream: l.stream, line: l.line, at })))
      .run();
  }

  async taskLog(taskId: number, afterId: number, limit: number): Promise<TaskLogLine[]> {
    return this.db
      .select()
      .from(agentTaskLog)
      .where(and(eq(agentTaskLog.taskId, taskId), gt(agentTaskLog.id, afterId)))
      .orderBy(asc(agentTaskLog.id))
      .limit(limit)
      .all();
  }

  async appendTaskEvent(
    task: { id: number; employee: string },
    event: TaskEvent,
    at: string,
  ): Promise<TaskUpdate> {
    // One writer connection: ids are assigned and committed in order.
    const row = this.db
      .insert(taskEvents)
      .values({ taskId: task.id, employee: task.employee, at, event: JSON.stringify(event) })
      .returning({ id: taskEvents.id })
      .get();
    return { id: row.id, taskId: task.id, employee: task.employee, at, event };
  }

  async taskEventsAfter(afterId: number, limit: number, taskId?: number): Promise<TaskUpdate[]> {
    return this.db
      .select()
      .from(taskEvents)
      .where(
        and(gt(taskEvents.id, afterId), taskId === undefined ? undefined : eq(taskEvents.taskId, taskId)),
      )
      .orderBy(asc(taskEvents.id))
      .limit(limit)
      .all()
      .map(toTaskUpdate);
  }

  async lastTaskEventId(): Promise<number> {
    const row = this.db
      .select({ id: sql<number>`coalesce(max(${taskEvents.id}), 0)` })
      .from(taskEvents)
      .get();
    return row?.id ?? 0;
  }
}
