// Workspaces when PROJECT_ROOT is not a git repository: every task works in PROJECT_ROOT, nothing to review.
import type { BranchEvent, FileDiff, MergeResult } from '../../../shared/task-branch';
import type { Task } from '../../db/agents-repository';
import { WorkspaceError } from './errors';
import type { TaskWorkspace, Workspaces } from './workspaces';

const noGit = (what: string) =>
  new WorkspaceError(
    `Cannot ${what}: PROJECT_ROOT is not a git repository, so tasks work directly in it and have no branch.`,
  );

export class SharedWorkspaces implements Workspaces {
  readonly mode = 'shared' as const;

  constructor(private readonly projectRoot: string) {}

  async prepare(_task: Task): Promise<TaskWorkspace> {
    return { dir: this.projectRoot, branch: null, base: null };
  }

  async commit(_task: Task): Promise<BranchEvent> {
    throw noGit('commit the changes');
  }

  async diff(_task: Task): Promise<FileDiff[]> {
    throw noGit('show a diff');
  }

  async merge(_task: Task, _by: string): Promise<MergeResult> {
    throw noGit('merge');
  }

  async startResolve(_task: Task): Promise<string[]> {
    throw noGit('resolve a conflict');
  }

  async discard(_task: Task): Promise<void> {
    throw noGit('discard the changes');
  }

  async cleanup(): Promise<{
    removed: string[];
    saved: { taskId: number; branch: string; commit: string }[];
  }> {
    return { removed: [], saved: [] };
  }
}
