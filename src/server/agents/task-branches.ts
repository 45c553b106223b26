// Review, merge and discard of a task's git branch (issue 21): who may, what the chat and the timeline are told,
// and the errors people get. The git work itself is the workspaces layer's (workspace/workspaces.ts).
import type { Logger } from 'pino';
import type { BranchEvent, MergeResult, TaskDiff } from '../../shared/task-branch';
import type { User } from '../auth';
import type { AgentsRepository, Task } from '../db/agents-repository';
import { DomainError } from '../domain-error';
import { conflictText, discardedText, mergedText } from './branch-report';
import { recordBranchState, tasksOfBranch } from './branch-state';
import type { TaskRunner } from './task-runner';
import type { TimelineSink } from './timeline-sink';
import type { Voice } from './voice';
import { taskIdOfBranch } from './workspace/naming';
import { MergeConflictError, WorkspaceError, type Workspaces } from './workspace/workspaces';

export interface TaskBranchesDeps {
  repo: AgentsRepository;
  runner: Pick<TaskRunner, 'rememberThread'>;
  voice: Voice;
  timeline: TimelineSink;
  workspaces: () => Promise<Workspaces>;
  logger: Logger;
}

/** The agent's answer goes in the task's thread, quoting the chat command that asked when there was one. */
export interface BranchAction {
  replyTo?: number | null;
}

/**
 * The assigner of the task that made the branch, or an admin, may review, merge or discard it. A continuation
 * ("@alice change …", "@alice resolve") can be asked for by anyone, but it does not hand the branch to them.
 */
export function assertMayHandleBranch(
  owner: Pick<Task, 'id' | 'assignedBy' | 'employee'>,
  by: Pick<User, 'id' | 'role'>,
  action: string,
): void {
  if (by.role !== 'admin' && owner.assignedBy !== by.id)
    throw new DomainError(
      'FORBIDDEN',
      `only an admin or ${owner.assignedBy} (who assigned task #${owner.id}) may ${action} ${owner.employee}'s branch`,
    );
}

const ACTIVE = ['queued', 'running', 'stuck'];

export class TaskBranches {
  constructor(private readonly d: TaskBranchesDeps) {}

  private async task(id: number): Promise<Task> {
    const task = await this.d.repo.getTask(id);
    if (!task) throw new DomainError('NOT_FOUND', `there is no task #${id}`);
    return task;
  }

  /** Checks `by` against the assigner of the task that made `task`'s branch (the task itself if it has none). */
  private async assertMay(task: Task, by: User, action: string): Promise<void> {
    const first = task.branch ? taskIdOfBranch(task.branch) : null;
    const owner = first !== null && first !== task.id ? ((await this.d.repo.getTask(first)) ?? task) : task;
    assertMayHandleBranch(owner, by, action);
  }

  /** The task's branch, open (or in conflict); PRECONDITION_FAILED otherwise. */
  private openBranch(task: Task): { branch: string; base: string } {
    if (task.branch && task.baseBranch && (task.branchState === 'open' || task.branchState === 'conflict'))
      return { branch: task.branch, base: task.baseBranch };
    const why =
      task.branchState === 'merged' || task.branchState === 'discarded'
        ? `its branch ${task.branch} was ${task.branchState} already`
        : task.branchState === 'empty'
          ? 'it changed nothing'
          : ACTIVE.includes(task.status)
            ? `it is still ${task.status}; its branch is committed when it ends`
            : 'PROJECT_ROOT is not a git repository, or the task never started';
    return this.refuse(`task #${task.id} has no open branch to review, merge or discard: ${why}`);
  }

  private refuse(message: string): never {
    throw new DomainError('PRECONDITION_FAILED', message);
  }

  /** Refused while a task of the branch (the task or a continuation of it) is queued or working on it. */
  private async assertSettled(task: Task, action: string): Promise<void> {
    const busy = (await tasksOfBranch(this.d.repo, task)).find((t) => ACTIVE.includes(t.status));
    if (busy)
      this.refuse(
        `task #${busy.id} is still ${busy.status} on ${task.branch}; ${action} it once ${task.employee} has finished`,
      );
  }

  async diff(id: number, by: User): Promise<TaskDiff> {
    const task = await this.task(id);
    await this.assertMay(task, by, 'review');
    const { branch, base } = this.openBranch(task);
    const workspaces = await this.d.workspaces();
    try {
      const files = await workspaces.diff(task);
      return {
        taskId: task.id,
        employee: task.employee,
        branch,
        base,
        state: task.branchState ?? 'open',
        files,
      };
    } catch (error) {
      throw this.gitRefusal(error);
    }
  }

  async merge(id: number, by: User, o: BranchAction = {}): Promise<MergeResult> {
    const task = await this.task(id);
    await this.assertMay(task, by, 'merge');
    const { branch, base } = this.openBranch(task);
    await this.assertSettled(task, 'merge');
    const workspaces = await this.d.workspaces();
    const replyTo = o.replyTo ?? null;
    const files = await this.files(workspaces, task);
    let result: MergeResult;
    try {
      result = await workspaces.merge(task, by.id);
    } catch (error) {
      if (!(error instanceof MergeConflictError)) throw this.gitRefusal(error);
      const event = this.event('conflict', task, branch, base, { by: by.id, files, conflicts: error.files });
      const updated = await this.record(task, event);
      const posted = await this.d.voice.sayAbout(task, conflictText(updated, event, by.id), { replyTo });
      // "@bob resolve" in reply to this goes on with the task's session and branch.
      this.d.runner.rememberThread(posted?.id ?? null, task.id);
      throw new DomainError(
        'CONFLICT',
        `${branch} conflicts with ${base} in ${error.files.join(', ')}; nothing was merged. Ask ${task.employee} to resolve it (reply "@${task.employee} resolve" to the task)`,
        { files: error.files },
      );
    }
    const event = this.event('merged', task, branch, base, { by: by.id, files, mergeCommit: result.commit });
    const updated = await this.record(task, event);
    await this.d.voice.sayAbout(task, mergedText(updated, event, result.fastForward, by.id), { replyTo });
    return result;
  }

  async discard(id: number, by: User, o: BranchAction = {}): Promise<{ taskId: number; branch: string }> {
    const task = await this.task(id);
    await this.assertMay(task, by, 'discard');
    const { branch, base } = this.openBranch(task);
    await this.assertSettled(task, 'discard');
    const workspaces = await this.d.workspaces();
    const files = await this.files(workspaces, task);
    try {
      await workspaces.discard(task);
    } catch (error) {
      throw this.gitRefusal(error);
    }
    const event = this.event('discarded', task, branch, base, { by: by.id, files });
    const updated = await this.record(task, event);
    await this.d.voice.sayAbout(task, discardedText(updated, branch, by.id), { replyTo: o.replyTo ?? null });
    return { taskId: task.id, branch };
  }

  /** The branch's files +/- (for the timeline entry); none when git cannot tell. */
  private async files(workspaces: Workspaces, task: Task): Promise<BranchEvent['files']> {
    try {
      return (await workspaces.diff(task)).map((f) => ({
        path: f.path,
        additions: f.additions,
        deletions: f.deletions,
      }));
    } catch {
      return [];
    }
  }

  private event(
    state: BranchEvent['state'],
    task: Task,
    branch: string,
    base: string,
    extra: Partial<BranchEvent>,
  ): BranchEvent {
    return {
      kind: 'branch',
      state,
      branch,
      base,
      commit: task.commitSha,
      files: [],
      by: null,
      mergeCommit: null,
      conflicts: [],
      ...extra,
    };
  }

  /** The task rows of the branch updated, then the timeline entry (stored in the background, like the runner's). */
  private async record(task: Task, event: BranchEvent): Promise<Task> {
    const updated = await recordBranchState(this.d.repo, task, event);
    this.d.timeline.append(updated, event).catch((err) => {
      this.d.logger.error({ err, task: task.id }, 'could not store a branch timeline entry');
    });
    return updated;
  }

  /** git refused (the base has uncommitted changes, the branch is gone…): said as the layer words it. */
  private gitRefusal(error: unknown): unknown {
    if (error instanceof WorkspaceError) {
      this.d.logger.warn({ detail: error.message }, 'a branch action was refused');
      return new DomainError('PRECONDITION_FAILED', error.chat);
    }
    return error;
  }
}
