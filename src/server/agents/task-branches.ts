// Review, merge and discard of a task's git branch (issue 21): who may, what the chat and the timeline are told,
// and the errors people get. The git work itself is the workspaces layer's (workspace/workspaces.ts).
import type { MergeResult, TaskDiff } from '../../shared/task-branch';
import type { User } from '../auth';
import type { AgentsRepository, Task } from '../db/agents-repository';
import { ChatError } from '../hub/errors';

export interface TaskBranchesDeps {
  repo: AgentsRepository;
}

/** The assigner or an admin may review, merge or discard a task's branch. */
export function assertMayHandleBranch(task: Task, by: Pick<User, 'id' | 'role'>, action: string): void {
  if (by.role !== 'admin' && task.assignedBy !== by.id)
    throw new ChatError(
      'FORBIDDEN',
      `only an admin or ${task.assignedBy} (who assigned task #${task.id}) may ${action} ${task.employee}'s branch`,
    );
}

export class TaskBranches {
  constructor(private readonly d: TaskBranchesDeps) {}

  private async task(id: number): Promise<Task> {
    const task = await this.d.repo.getTask(id);
    if (!task) throw new ChatError('NOT_FOUND', `there is no task #${id}`);
    return task;
  }

  private noBranch(task: Task): ChatError {
    return new ChatError(
      'PRECONDITION_FAILED',
      `task #${task.id} has no open branch to review, merge or discard (PROJECT_ROOT is not a git repository, or the task changed nothing)`,
    );
  }

  async diff(id: number, by: User): Promise<TaskDiff> {
    const task = await this.task(id);
    assertMayHandleBranch(task, by, 'review');
    throw this.noBranch(task);
  }

  async merge(id: number, by: User): Promise<MergeResult> {
    const task = await this.task(id);
    assertMayHandleBranch(task, by, 'merge');
    throw this.noBranch(task);
  }

  async discard(id: number, by: User): Promise<{ taskId: number; branch: string }> {
    const task = await this.task(id);
    assertMayHandleBranch(task, by, 'discard');
    throw this.noBranch(task);
  }
}
