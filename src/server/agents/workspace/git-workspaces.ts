// Task workspaces in a git repository: a branch and a worktree per task, committed, diffed, merged or discarded.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { BranchEvent, FileDiff, MergeResult } from '../../../shared/task-branch';
import type { Task } from '../../db/agents-repository';
import { removeHalfMadeRecords, removeStaleRefLocks, saveInterrupted } from './crash-cleanup';
import { changedFiles, fileDiffs } from './diff-files';
import { gitWords, listed, MergeConflictError, WorkspaceError } from './errors';
import { GitError, git, gitOut, RepoLock } from './git';
import { isAncestor, mergeInWorktree, mergeRef, refuseRebasing } from './merge-into-base';
import {
  agentIdentity,
  branchNameFor,
  commitMessage,
  identityEnv,
  mergeMessage,
  serverIdentity,
  taskIdOfBranch,
} from './naming';
import type { TaskWorkspace, Workspaces, WorkspacesOptions } from './workspaces';
import {
  commitOf,
  deleteBranch,
  headsRef,
  listWorktrees,
  merging,
  ownCommits,
  realPathOr,
  removeWorktree,
  uncommitted,
  unmergedFiles,
  worktreeOf,
} from './worktrees';

// One lock per repository (its common git dir), shared by every Workspaces opened on it in this process.
const locks = new Map<string, RepoLock>();

export async function openGitWorkspaces(o: WorkspacesOptions): Promise<Workspaces> {
  const root = resolve(o.projectRoot);
  const top = await gitOut(root, ['rev-parse', '--show-toplevel']);
  // PROJECT_ROOT may be a folder inside the repository: the worker then runs in that folder of its worktree.
  const prefix = await gitOut(root, ['rev-parse', '--show-prefix']);
  const commonDir = await realPathOr(resolve(root, await gitOut(root, ['rev-parse', '--git-common-dir'])));
  const base =
    o.baseBranch ??
    ((await git(root, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { okCodes: [0, 1] })).stdout.trim() ||
      null);
  const dataDir = await realPathOr(resolve(o.dataDir));
  const worktreesDir = worktreesDirFor(await realPathOr(top), dataDir);
  if (!worktreesDir.startsWith(`${dataDir}/`))
    o.logger.info(
      { worktreesDir },
      'the data directory is inside the project: task worktrees live outside it',
    );
  await mkdir(worktreesDir, { recursive: true });
  const lock = locks.get(commonDir) ?? new RepoLock();
  locks.set(commonDir, lock);
  return new GitWorkspaces({
    top,
    commonDir,
    prefix,
    base,
    worktreesDir: await realPathOr(worktreesDir),
    lock,
    logger: o.logger,
  });
}

/**
 * `<dataDir>/worktrees`, unless the data directory is inside the repository (the default ./data when the server
 * runs from the project): worktrees never go inside the project, so then under the XDG state directory, one
 * folder per repository.
 */
function worktreesDirFor(top: string, dataDir: string): string {
  const inside = (dir: string) => dir === top || dir.startsWith(`${top}/`);
  if (!inside(dataDir)) return join(dataDir, 'worktrees');
  const state = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  const id = createHash('sha256').update(top).digest('hex').slice(0, 12);
  return join(resolve(state), 'opencode-slack', 'worktrees', `${basename(top)}-${id}`);
}

interface GitWorkspacesState {
  top: string;
  /** The repository's own git directory (shared by all its worktrees). */
  commonDir: string;
  prefix: string;
  base: string | null;
  worktreesDir: string;
  lock: RepoLock;
  logger: Logger;
}

type Saved = { taskId: number; branch: string; commit: string };

class GitWorkspaces implements Workspaces {
  readonly mode = 'git' as const;

  constructor(private readonly s: GitWorkspacesState) {}

  prepare(task: Task): Promise<TaskWorkspace> {
    return this.locked('prepare the workspace of', task, async () => {
      if (task.branch && (await commitOf(this.s.top, headsRef(task.branch)))) {
        const base = task.baseBranch ?? this.requireBase();
        return this.workspace(await this.ensureWorktree(task.id, task.branch), task.branch, base);
      }
      const base = this.requireBase();
      const baseCommit = await commitOf(this.s.top, headsRef(base));
      if (!baseCommit)
        throw new WorkspaceError(
          `The base branch ${base} has no commit in PROJECT_ROOT: commit something to it first, or set AGENT_BASE_BRANCH to an existing branch.`,
        );
      await this.refuseDirtyBase(base, 'nothing was started');
      const branch = await this.freeBranchName(task);
      const dir = this.dirFor(task.id);
      await this.clearDir(dir);
      await git(this.s.top, ['worktree', 'add', '--quiet', '-b', branch, dir, baseCommit]);
      this.s.logger.info({ task: task.id, branch, base, dir }, 'task worktree created');
      return this.workspace(dir, branch, base);
    });
  }

  commit(task: Task, o: { interrupted?: boolean } = {}): Promise<BranchEvent> {
    return this.locked('commit the work of', task, async () => {
      const { branch, base } = this.requireBranch(task);
      if (!(await commitOf(this.s.top, headsRef(branch))))
        throw new WorkspaceError(`The branch ${branch} no longer exists (merged or discarded).`);
      const tree = await worktreeOf(this.s.top, branch);
      if (!tree) await this.refuseSwitched(task, branch);
      if (tree) await this.commitWorktree(tree.path, task, base, o);
      if ((await this.aheadOf(base, branch)) === 0) {
        if (tree) await removeWorktree(this.s, tree.path);
        await deleteBranch(this.s.top, branch);
        this.s.logger.info({ task: task.id, branch }, 'task changed nothing: branch removed');
        return branchEvent('empty', branch, base, null, []);
      }
      const commit = (await commitOf(this.s.top, headsRef(branch))) as string;
      const files = await changedFiles(this.s.top, `${headsRef(base)}...${headsRef(branch)}`);
      return branchEvent('open', branch, base, commit, files);
    });
  }

  diff(task: Task): Promise<FileDiff[]> {
    return asWorkspaceError('read the diff of', task, () => this.readDiff(task));
  }

  private async readDiff(task: Task): Promise<FileDiff[]> {
    const { branch, base } = this.requireBranch(task);
    if (!(await commitOf(this.s.top, headsRef(branch))))
      throw new WorkspaceError(
        `The branch ${branch} no longer exists (merged or discarded), so it has no diff.`,
      );
    if (!(await commitOf(this.s.top, headsRef(base))))
      throw new WorkspaceError(
        `The base branch ${base} no longer exists, so ${branch} has nothing to compare with.`,
      );
    return fileDiffs(this.s.top, `${headsRef(base)}...${headsRef(branch)}`);
  }

  merge(task: Task, by: string): Promise<MergeResult> {
    return this.locked('merge the branch of', task, async () => {
      const { branch, base } = this.requireBranch(task);
      const branchCommit = await commitOf(this.s.top, headsRef(branch));
      if (!branchCommit)
        throw new WorkspaceError(`The branch ${branch} no longer exists (merged or discarded).`);
      const baseCommit = await commitOf(this.s.top, headsRef(base));
      if (!baseCommit)
        throw new WorkspaceError(`The base branch ${base} no longer exists; nothing was merged.`);
      const agentTree = await worktreeOf(this.s.top, branch);
      if (agentTree) {
        if (await merging(agentTree.path))
          throw new WorkspaceError(
            `${branch} is in the middle of resolving its conflicts with ${base}; let the agent finish first. Nothing was merged.`,
          );
        const loose = await uncommitted(agentTree.path, { untracked: true });
        if (loose.length > 0)
          throw new WorkspaceError(
            `${branch} has uncommitted work (${listed(loose)}): its task is still running or was not committed. Nothing was merged.`,
          );
      }
      const baseTree = await worktreeOf(this.s.top, base);
      if (baseTree) await this.refuseDirtyBase(base, 'nothing was merged');
      else await refuseRebasing(this.s.top, base);
      // Conflicts are found without touching any working tree or index.
      const check = await git(
        this.s.top,
        ['merge-tree', '--write-tree', '--name-only', '--no-messages', baseCommit, branchCommit],
        { okCodes: [0, 1] },
      );
      const [mergedTree = '', ...conflicted] = check.stdout.split('\n').filter(Boolean);
      if (check.code === 1) throw new MergeConflictError([...new Set(conflicted)]);
      const fastForward = await isAncestor(this.s.top, baseCommit, branchCommit);
      const message = mergeMessage(task, branch, base, by);
      const commit = baseTree
        ? await mergeInWorktree(baseTree.path, branch, base, message)
        : await mergeRef(this.s.top, base, baseCommit, branchCommit, fastForward, mergedTree, message);
      if (agentTree) await removeWorktree(this.s, agentTree.path);
      await deleteBranch(this.s.top, branch);
      this.s.logger.info({ task: task.id, branch, base, commit, fastForward, by }, 'task branch merged');
      return { taskId: task.id, branch, base, commit, fastForward };
    });
  }

  startResolve(task: Task): Promise<string[]> {
    return this.locked('merge the base into the branch of', task, async () => {
      const { branch, base } = this.requireBranch(task);
      if (!(await commitOf(this.s.top, headsRef(branch))))
        throw new WorkspaceError(`The branch ${branch} no longer exists (merged or discarded).`);
      const dir = await this.ensureWorktree(task.id, branch);
      if (await merging(dir)) return unmergedFiles(dir);
      const loose = await uncommitted(dir, { untracked: false });
      if (loose.length > 0)
        throw new WorkspaceError(
          `${branch} has uncommitted changes (${listed(loose)}); commit them before resolving the conflicts.`,
        );
      const run = await git(
        dir,
        [
          'merge',
          '--no-ff',
          '--no-edit',
          '-m',
          `Merge ${base} into ${branch} to resolve conflicts`,
          headsRef(base),
        ],
        { okCodes: [0, 1], env: identityEnv(serverIdentity) },
      );
      if (run.code === 0) return [];
      const conflicts = await unmergedFiles(dir);
      if (conflicts.length === 0) {
        if (await merging(dir)) await git(dir, ['merge', '--abort'], { okCodes: [0, 128] });
        throw new WorkspaceError(
          `Could not merge ${base} into ${branch}.`,
          run.stderr.trim() || run.stdout.trim(),
        );
      }
      return conflicts;
    });
  }

  discard(task: Task): Promise<void> {
    return this.locked('discard the branch of', task, async () => {
      const { branch } = this.requireBranch(task);
      const tree = await worktreeOf(this.s.top, branch);
      if (tree) await removeWorktree(this.s, tree.path);
      await this.clearDir(this.branchDir(branch, task.id));
      await deleteBranch(this.s.top, branch);
      this.s.logger.info({ task: task.id, branch }, 'task branch discarded');
    });
  }

  cleanup(keep: (taskId: number) => boolean): Promise<{ removed: string[]; saved: Saved[] }> {
    return this.s.lock.run(async () => {
      const removed: string[] = [];
      const saved: Saved[] = [];
      await removeStaleRefLocks(this.s.commonDir);
      removed.push(...(await removeHalfMadeRecords(this.s.commonDir, (path) => this.isOurs(path))));
      await git(this.s.top, ['worktree', 'prune']);
      const trees = await listWorktrees(this.s.top);
      const ours = trees.filter((tree) => this.isOurs(tree.path));
      for (const tree of ours) {
        const taskId = Number(basename(tree.path));
        const wanted = Number.isSafeInteger(taskId) && keep(taskId);
        // A half-made worktree (git worktree add killed) holds a partial checkout, not work.
        if (wanted && tree.branch && tree.lockedReason !== 'initializing') {
          const commit = await saveInterrupted(this.s, tree, taskId, this.s.logger);
          if (commit) saved.push({ taskId, branch: tree.branch, commit });
        }
        await removeWorktree(this.s, tree.path);
        removed.push(tree.path);
      }
      for (const name of await readdir(this.s.worktreesDir)) {
        const path = join(this.s.worktreesDir, name);
        if (ours.some((tree) => tree.path === path)) continue;
        await rm(path, { recursive: true, force: true });
        removed.push(path);
      }
      const checkedOut = new Set((await listWorktrees(this.s.top)).map((tree) => tree.branch));
      const branches = (
        await gitOut(this.s.top, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/agent/'])
      )
        .split('\n')
        .filter(Boolean);
      for (const branch of branches) {
        const taskId = taskIdOfBranch(branch);
        if (checkedOut.has(branch) || (taskId !== null && keep(taskId))) continue;
        if ((await ownCommits(this.s.top, branch)) > 0) continue;
        await deleteBranch(this.s.top, branch);
        removed.push(branch);
      }
      if (removed.length > 0 || saved.length > 0)
        this.s.logger.info({ removed, saved }, 'task workspaces cleaned up after a restart');
      return { removed, saved };
    });
  }

  /** One at a time per repository; git's own failures become a WorkspaceError (git's words in `detail`). */
  private locked<T>(action: string, task: Task, fn: () => Promise<T>): Promise<T> {
    return this.s.lock.run(() => asWorkspaceError(action, task, fn));
  }

  // --- the steps -------------------------------------------------------------------------------------------------

  private async workspace(dir: string, branch: string, base: string): Promise<TaskWorkspace> {
    if (!this.s.prefix) return { dir, branch, base };
    // PROJECT_ROOT's folder, even when it holds nothing git tracks yet.
    const inner = join(dir, this.s.prefix).replace(/\/+$/, '');
    await mkdir(inner, { recursive: true });
    return { dir: inner, branch, base };
  }

  private dirFor(taskId: number): string {
    return join(this.s.worktreesDir, String(taskId));
  }

  /**
   * A branch's worktree is named for the task that made the branch, so continuations (and the opencode session
   * they resume) find it at the same path; `taskId` for branches not named by us.
   */
  private branchDir(branch: string, taskId: number): string {
    return this.dirFor(taskIdOfBranch(branch) ?? taskId);
  }

  private isOurs(path: string): boolean {
    return path.startsWith(`${this.s.worktreesDir}/`);
  }

  private requireBase(): string {
    if (this.s.base) return this.s.base;
    throw new WorkspaceError(
      'PROJECT_ROOT has no branch checked out (a detached HEAD): set AGENT_BASE_BRANCH to the branch agents should work from.',
    );
  }

  private requireBranch(task: Task): { branch: string; base: string } {
    if (!task.branch) throw new WorkspaceError(`Task #${task.id} has no branch.`);
    return { branch: task.branch, base: task.baseBranch ?? this.requireBase() };
  }

  /** The project (wherever the base is checked out) must have no uncommitted changes to tracked files. */
  private async refuseDirtyBase(base: string, outcome: string): Promise<void> {
    const tree = await worktreeOf(this.s.top, base);
    if (!tree) return;
    const dirty = await uncommitted(tree.path, { untracked: false });
    if (dirty.length > 0)
      throw new WorkspaceError(
        `The project has uncommitted changes on ${base} (${listed(dirty)}); ${outcome}. Commit or stash them and ask again.`,
      );
  }

  /** The task's branch name, with `-2`, `-3`… when a branch of that name is left from an earlier database. */
  private async freeBranchName(task: Task): Promise<string> {
    const name = branchNameFor(task);
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? name : `${name}-${n}`;
      if (!(await commitOf(this.s.top, headsRef(candidate)))) return candidate;
    }
  }

  /** Removes a directory under worktrees/ that is not a registered worktree (left by a crash), or is one. */
  private async clearDir(dir: string): Promise<void> {
    const registered = (await listWorktrees(this.s.top)).find((tree) => tree.path === dir);
    if (registered) await removeWorktree(this.s, dir);
    else await rm(dir, { recursive: true, force: true });
  }

  /** The branch's worktree at its directory: moved there if it is elsewhere, recreated if it is gone. */
  private async ensureWorktree(taskId: number, branch: string): Promise<string> {
    const dir = this.branchDir(branch, taskId);
    const tree = await worktreeOf(this.s.top, branch);
    if (tree && tree.path === dir && (await exists(dir))) return dir;
    if (tree) {
      if (!this.isOurs(tree.path))
        throw new WorkspaceError(
          `${branch} is checked out outside the agents' worktrees; agents do not work there.`,
        );
      await this.clearDir(dir);
      await git(this.s.top, ['worktree', 'move', tree.path, dir]);
      return dir;
    }
    await this.clearDir(dir);
    await git(this.s.top, ['worktree', 'add', '--quiet', dir, branch]);
    this.s.logger.info({ task: taskId, branch, dir }, 'task worktree recreated from its branch');
    return dir;
  }

  /** An agent that ran `git switch` in its worktree left its branch: its work is not on the branch to commit. */
  private async refuseSwitched(task: Task, branch: string): Promise<void> {
    const dir = this.branchDir(branch, task.id);
    const there = (await listWorktrees(this.s.top)).find((tree) => tree.path === dir);
    if (there)
      throw new WorkspaceError(
        `${task.employee} switched its worktree from ${branch} to ${there.branch ?? 'a detached HEAD'}, so its work was not committed; ask it to switch back to ${branch}.`,
      );
  }

  /** Stages everything and commits it as the agent; completes a conflict resolution's merge commit. */
  private async commitWorktree(
    dir: string,
    task: Task,
    base: string,
    o: { interrupted?: boolean },
  ): Promise<void> {
    await git(dir, ['add', '--all']);
    const resolving = await merging(dir);
    if (resolving) {
      const marked = await conflictMarkers(dir);
      if (marked.length > 0)
        throw new MergeConflictError(
          marked,
          `The conflicts with ${base} are not resolved yet: ${listed(marked)} still have conflict markers.`,
        );
    }
    const staged = (await git(dir, ['diff', '--cached', '--quiet'], { okCodes: [0, 1] })).code === 1;
    if (!staged && !resolving) return;
    const message = commitMessage(task, {
      interrupted: o.interrupted,
      resolving: resolving ? base : undefined,
    });
    await git(dir, ['commit', '--quiet', '--no-verify', '-m', message], {
      env: identityEnv(agentIdentity(task.employee)),
    });
  }

  private async aheadOf(base: string, branch: string): Promise<number> {
    if (!(await commitOf(this.s.top, headsRef(base)))) return Number.POSITIVE_INFINITY;
    return Number(
      await gitOut(this.s.top, ['rev-list', '--count', `${headsRef(base)}..${headsRef(branch)}`]),
    );
  }
}

async function asWorkspaceError<T>(action: string, task: Task, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof GitError)
      throw new WorkspaceError(`git could not ${action} task #${task.id}.`, gitWords(err));
    throw err;
  }
}

function branchEvent(
  state: 'open' | 'empty',
  branch: string,
  base: string,
  commit: string | null,
  files: BranchEvent['files'],
): BranchEvent {
  return { kind: 'branch', state, branch, base, commit, files, by: null, mergeCommit: null, conflicts: [] };
}

/** Staged files that still hold conflict markers (git diff --check's "leftover conflict marker"). */
async function conflictMarkers(dir: string): Promise<string[]> {
  const run = await git(dir, ['diff', '--cached', '--check', 'HEAD'], { okCodes: [0, 1, 2] });
  const files = new Set<string>();
  for (const line of run.stdout.split('\n')) {
    const match = /^(.+?):\d+: leftover conflict marker$/.exec(line);
    if (match) files.add(match[1] as string);
  }
  return [...files];
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
