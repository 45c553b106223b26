// What a SIGKILL can leave in a repository's worktrees, and how start-up cleanup puts it right.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { git, gitOut } from './git';
import { agentIdentity, identityEnv } from './naming';
import {
  adminEntries,
  commitOf,
  headsRef,
  merging,
  type RepoPaths,
  uncommitted,
  type Worktree,
} from './worktrees';

/** At start-up: an interrupted task's uncommitted work becomes a "WIP (interrupted)" commit on its branch. */
export async function saveInterrupted(
  repo: RepoPaths,
  tree: Worktree,
  taskId: number,
  logger: Logger,
): Promise<string | null> {
  const branch = tree.branch as string;
  try {
    // A conflict resolution cut short would commit conflict markers: it is undone and can be asked for again.
    if (await merging(tree.path)) await git(tree.path, ['merge', '--abort'], { okCodes: [0, 128] });
    const gitDir = await gitOut(tree.path, ['rev-parse', '--absolute-git-dir']);
    // A SIGKILL during a commit leaves the worktree's index lock; nothing of ours runs at start-up.
    await rm(join(gitDir, 'index.lock'), { force: true });
    if ((await uncommitted(tree.path, { untracked: true })).length === 0) return null;
    const agent = branch.split('/')[1] ?? 'agent';
    await git(tree.path, ['add', '--all']);
    const message = `WIP (interrupted): task #${taskId}\n\nThe server stopped while task #${taskId} was working; this keeps its work so it can be continued.\n\nCo-authored-by: ${agent} <${agentIdentity(agent).email}>\n`;
    await git(tree.path, ['commit', '--quiet', '--no-verify', '-m', message], {
      env: identityEnv(agentIdentity(agent)),
    });
    return commitOf(repo.top, headsRef(branch));
  } catch (err) {
    logger.error({ err, task: taskId, branch }, 'could not save an interrupted task’s work');
    throw err;
  }
}

/**
 * A SIGKILL inside `git worktree add` leaves a record locked "initializing" (never pruned), sometimes without the
 * files git needs to list worktrees at all. Ours are those pointing into worktrees/, or — killed before the record
 * says where — named for a task id as git names ours.
 */
export async function removeHalfMadeRecords(
  commonDir: string,
  isOurs: (path: string) => boolean,
): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await adminEntries(commonDir)) {
    if (entry.locked !== 'initializing') continue;
    const ours = entry.worktree ? isOurs(entry.worktree) : /^\d+$/.test(entry.name);
    if (!ours) continue;
    await rm(entry.dir, { recursive: true, force: true });
    if (entry.worktree) {
      await rm(entry.worktree, { recursive: true, force: true });
      removed.push(entry.worktree);
    }
  }
  return removed;
}

/** A SIGKILL while git updated an agent branch leaves its `.lock` file, which would block that branch for good. */
export async function removeStaleRefLocks(commonDir: string): Promise<void> {
  const dir = join(commonDir, 'refs', 'heads', 'agent');
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  for (const entry of entries) if (entry.endsWith('.lock')) await rm(join(dir, entry), { force: true });
}
