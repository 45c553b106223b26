// PostgreSQL implementation of the agents repository (agents, tasks, task logs), sharing the chat pool.
import { and, asc, desc, eq, gt, inArray, type SQL, sql } from 'drizzle-orm';
import type { TaskEvent, TaskUpdate } from '../../../shared/task-timeline';
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
} from '../agents-repository';
import type { PgDb } from './client';
import { LOCKS } from './locks';
import { agentTaskLog, agentTasks, employees, taskEvents } from './schema-agents';

const now = () => new Date().toISOString();

const isUniqueViolation = (error: unknown) =>
  (error as { code?: string }).code === '23505' ||
  (error as { cause?: { code?: string } }).cause?.code === '23505';

export class PgAgentsRepository implements AgentsRepository {
  constructor(private readonly db: PgDb) {}

  async listAgents(): Promise<Agent[]> {
    return this.db.select().from(employees).orderBy(asc(employees.hiredAt), asc(employees.name));
  }

  async getAgent(name: string): Promise<Agent | null> {
    const rows = await this.db.select().from(employees).where(eq(employees.name, name));
    return rows[0] ?? null;
  }

  async insertAgent(agent: Agent): Promise<Agent> {
    try {
      const rows = await this.db.insert(employees).values(agent).returning();
      return rows[0] as Agent;
    } catch (error) {
      if (isUniqueViolation(error)) throw new AgentExistsError(agent.name);
      throw error;
    }
  }

  async deleteAgent(name: string): Promise<boolean> {
    const rows = await this.db.delete(employees).where(eq(employees.name, name)).returning();
    return rows.length > 0;
  }

  async createTask(task: NewTask): Promise<Task> {
    const at = now();
    const rows = await this.db
      .insert(agentTasks)
      .values({ ...task, status: 'queued', createdAt: at, updatedAt: at })
      .returning();
    return rows[0] as Task;
  }

  async getTask(id: number): Promise<Task | null> {
    const rows = await this.db.select().from(agentTasks).where(eq(agentTasks.id, id));
    return rows[0] ?? null;
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
    return query.limit ? select.limit(query.limit) : select;
  }

  async updateTask(id: number, patch: TaskPatch): Promise<Task> {
    const rows = await this.db
      .update(agentTasks)
      .set({ ...patch, updatedAt: now() })
      .where(eq(agentTasks.id, id))
      .returning();
    if (!rows[0]) throw new Error(`task ${id} does not exist`);
    return rows[0];
  }

  async claimNextTask(agent: string, startedAt: string): Promise<Task | null> {
    // SKIP LOCKED: a claimer never waits behind another's claim of the same row; it takes the next one or none.
    // `id = (scalar subquery)`, not IN: PostgreSQL may re-run an IN subquery per row (a semi join), and each
    // re-run locks and returns the next queued task, so one claim would take them all.
    const oldest = this.db
      .select({ id: agentTasks.id })
      .from(agentTasks)
      .where(and(eq(agentTasks.employee, agent), eq(agentTasks.status, 'queued')))
      .orderBy(asc(agentTasks.id))
      .limit(1)
      .for('update', { skipLocked: true });
    const rows = await this.db
      .update(agentTasks)
      .set({ status: 'running', startedAt, updatedAt: startedAt })
      .where(and(eq(agentTasks.id, sql`(${oldest})`), eq(agentTasks.status, 'queued')))
      .returning();
    return rows[0] ?? null;
  }

  async moveTasks(
    from: TaskStatus[],
    to: TaskStatus,
    reason: string,
    where: { employee?: string } = {},
  ): Promise<Task[]> {
    const at = now();
    const finished = FINISHED_STATUSES.includes(to);
    const rows = await this.db
      .update(agentTasks)
      .set({ status: to, reason, updatedAt: at, ...(finished ? { finishedAt: at } : {}) })
      .where(
        and(
          inArray(agentTasks.status, from),
          where.employee ? eq(agentTasks.employee, where.employee) : undefined,
        ),
      )
      .returning();
    return rows.sort((a, b) => a.id - b.id);
  }

  async appendTaskLog(taskId: number, lines: { stream: LogStream; line: string }[]): Promise<void> {
    if (lines.length === 0) return;
    const at = now();
    await this.db
      .insert(agentTaskLog)
      .values(lines.map((l) => ({ taskId, stream: l.stream, line: l.line, at })));
  }

  async taskLog(taskId: number, afterId: number, limit: number): Promise<TaskLogLine[]> {
    return this.db
      .select()
      .from(agentTaskLog)
      .where(and(eq(agentTaskLog.taskId, taskId), gt(agentTaskLog.id, afterId)))
      .orderBy(asc(agentTaskLog.id))
      .limit(limit);
  }

  async appendTaskEvent(
    task: { id: number; employee: string },
    event: TaskEvent,
    at: string,
  ): Promise<TaskUpdate> {
    // Ids are taken under an advisory lock, so they commit in id order and tailers reading "id > last" skip none.
    const row = await this.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCKS.taskEvents})`);
      const rows = await tx
        .insert(taskEvents)
        .values({ taskId: task.id, employee: task.employee, at, event: JSON.stringify(event) })
        .returning({ id: taskEvents.id });
      return rows[0] as { id: number };
    });
    return { id: row.id, taskId: task.id, employee: task.employee, at, event };
  }

  async taskEventsAfter(afterId: number, limit: number, taskId?: number): Promise<TaskUpdate[]> {
    const rows = await this.db
      .select()
      .from(taskEvents)
      .where(
        and(gt(taskEvents.id, afterId), taskId === undefined ? undefined : eq(taskEvents.taskId, taskId)),
      )
      .orderBy(asc(taskEvents.id))
      .limit(limit);
    return rows.map(toTaskUpdate);
  }

  async lastTaskEventId(): Promise<number> {
    const rows = await this.db
      .select({ id: sql<number>`coalesce(max(${taskEvents.id}), 0)::bigint` })
      .from(taskEvents);
    return Number(rows[0]?.id ?? 0);
  }
}
