// Reading tasks for the API: the newest tasks, one task's log and its timeline, page by page.
import type { TaskUpdate } from '../../shared/task-timeline';
import type { AgentsRepository, Task, TaskLogLine, TaskQuery } from '../db/agents-repository';
import { DomainError } from '../domain-error';
import type { TaskTimeline } from './task-timeline';

export class TaskQueries {
  constructor(
    private readonly repo: AgentsRepository,
    private readonly timeline: TaskTimeline,
  ) {}

  list(query: Omit<TaskQuery, 'order'>): Promise<Task[]> {
    return this.repo.listTasks({ ...query, limit: query.limit ?? 100, order: 'desc' });
  }

  /** A task's log lines after `afterId`; `nextAfter` is set when there may be more. */
  async log(
    id: number,
    afterId = 0,
    limit = 1000,
  ): Promise<{ task: Task; lines: TaskLogLine[]; nextAfter: number | null }> {
    const task = await this.task(id);
    const lines = await this.repo.taskLog(id, afterId, limit);
    return { task, lines, nextAfter: lines.length === limit ? (lines[lines.length - 1]?.id ?? null) : null };
  }

  /** A task's stored timeline after `afterId`, in id order; `nextAfter` is set when there may be more. */
  async timelineOf(
    id: number,
    afterId = 0,
    limit = 500,
  ): Promise<{ task: Task; updates: TaskUpdate[]; nextAfter: number | null }> {
    const task = await this.task(id);
    const updates = await this.timeline.list(id, afterId, limit);
    return {
      task,
      updates,
      nextAfter: updates.length === limit ? (updates[updates.length - 1]?.id ?? null) : null,
    };
  }

  private async task(id: number): Promise<Task> {
    const task = await this.repo.getTask(id);
    if (!task) throw new DomainError('NOT_FOUND', `there is no task #${id}`);
    return task;
  }
}
