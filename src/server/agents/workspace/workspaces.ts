// Where a task's worker runs (issue 21): its own git worktree and branch, or PROJECT_ROOT itself without git.
import type { Logger } from 'pino';
import type { BranchEvent, FileDiff, MergeResult } from '../../../shared/task-branch';
import type { Task } from '../../db/agents-repository';
import { isGitRepository } from './git';
import { openGitWorkspaces } from './git-workspaces';
import { SharedWorkspaces } from './shared-workspaces';

export { MergeConflictError, WorkspaceError } from './errors';

/** The directory a task's worker runs in, and its branch (null in shared mode). */
export interface TaskWorkspace {
  dir: string;
  /** `agent/alice/42-login-form`; the caller stores it on the task (tasks.branch) before any other call. */
  branch: string | null;
  /** The branch it was made from and merges into; stored as tasks.base_branch. */
  base: string | null;
}

/**
 * Every method takes the task as stored: `branch` and `baseBranch` (what prepare() returned) say which branch it
 * is. Operations that touch refs, worktrees or the base run one at a time per repository. Refusals and git's own
 * failures are WorkspaceError: show people its `chat`, log its `message` (git's words, server paths).
 */
export interface Workspaces {
  /** `shared`: PROJECT_ROOT is not a git repository; every task runs there (the runner queues them one at a time). */
  readonly mode: 'git' | 'shared';
  /**
   * A new branch and worktree from the base's HEAD, or — when task.branch is set (a continuation) — that branch's
   * worktree, recreated from the branch if it is gone. Refuses (WorkspaceError) a new branch while the base's
   * worktree has uncommitted changes to tracked files, or when the base branch does not exist.
   */
  prepare(task: Task): Promise<TaskWorkspace>;
  /**
   * Commits everything in the worktree (author: the agent, message: the task and its assigner). State `open`, or
   * `empty` when the branch has nothing of its own (then its worktree and branch are removed). `interrupted`
   * marks the commit "WIP (interrupted)". During a conflict resolution (startResolve) it completes the merge
   * commit, or throws MergeConflictError while conflict markers remain.
   */
  commit(task: Task, o?: { interrupted?: boolean }): Promise<BranchEvent>;
  /** The branch against its base (`base...branch`), per file, with unified hunks; binary files flagged. */
  diff(task: Task): Promise<FileDiff[]>;
  /**
   * Merges the branch into its base where the base is checked out (fast-forward when possible, else a merge
   * commit), then removes the worktree and the branch. MergeConflictError on conflicts (nothing changed);
   * WorkspaceError when the base's worktree has uncommitted changes or the agent's worktree has uncommitted work.
   */
  merge(task: Task, by: string): Promise<MergeResult>;
  /** In the task's worktree: merges the base in and leaves conflict markers for the agent; the conflicted files. */
  startResolve(task: Task): Promise<string[]>;
  /** Removes the worktree (uncommitted work included) and deletes the branch. */
  discard(task: Task): Promise<void>;
  /**
   * At start-up: prunes git's worktree records (half-made ones too), commits the work of interrupted tasks that
   * `keep` says are wanted ("WIP (interrupted)", listed in `saved`; a conflict resolution cut short is aborted, not
   * committed) and removes every task worktree; deletes `agent/*` branches with no commit of their own whose task is
   * not kept. `keep(taskId)`: the task's branch is still wanted (not merged/discarded). A worktree (and a branch) is
   * named for the task that made the branch, and a continuation works in the same directory: `keep` and `saved`'s
   * taskId are that first task's id (match a continuation by `branch`).
   */
  cleanup(
    keep: (taskId: number) => boolean,
  ): Promise<{ removed: string[]; saved: { taskId: number; branch: string; commit: string }[] }>;
}

export interface WorkspacesOptions {
  projectRoot: string;
  /**
   * Worktrees live under `<dataDir>/worktrees/<id of the task that made the branch>`, never inside the project:
   * when the data directory is inside the repository, under `$XDG_STATE_HOME/opencode-slack/worktrees/<repo>-<hash>/`.
   */
  dataDir: string;
  /** AGENT_BASE_BRANCH; default: the branch PROJECT_ROOT has checked out. */
  baseBranch?: string;
  logger: Logger;
}

export async function openWorkspaces(o: WorkspacesOptions): Promise<Workspaces> {
  if (!(await isGitRepository(o.projectRoot))) {
    o.logger.info({ projectRoot: o.projectRoot }, 'PROJECT_ROOT is not a git repository: tasks share it');
    return new SharedWorkspaces(o.projectRoot);
  }
  return openGitWorkspaces(o);
}
