// Moving a base branch to a task's branch: by git merge where the base is checked out, else by its ref alone.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitWords, listed, MergeConflictError, WorkspaceError } from './errors';
import { GitError, git, gitOut } from './git';
import { identityEnv, serverIdentity } from './naming';
import { headsRef, listWorktrees, merging, unmergedFiles } from './worktrees';

/** The base is checked out there (its tracked files are clean): git merge, aborted if anything goes wrong. */
export async function mergeInWorktree(
  dir: string,
  branch: string,
  base: string,
  message: string,
): Promise<string> {
  try {
    await git(dir, ['merge', '--ff', '--no-edit', '-m', message, headsRef(branch)], {
      env: identityEnv(serverIdentity),
    });
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    const conflicts = await unmergedFiles(dir).catch(() => []);
    if (await merging(dir)) await git(dir, ['merge', '--abort'], { okCodes: [0, 128] });
    if (conflicts.length > 0) throw new MergeConflictError(conflicts);
    const words = gitWords(err);
    const untracked = /untracked working tree files would be overwritten/.test(words)
      ? words
          .split('\n')
          .filter((line) => line.startsWith('\t'))
          .map((line) => line.trim())
      : [];
    // Another git command runs there, or one was killed: git's own lock, which only a person can judge.
    if (/index\.lock': File exists/.test(words))
      throw new WorkspaceError(
        `git is busy where ${base} is checked out (its index.lock exists); if no git command is running there, delete .git/index.lock and merge again. Nothing was merged.`,
        words,
      );
    if (untracked.length > 0)
      throw new WorkspaceError(
        `The project has untracked files on ${base} that the merge would overwrite (${listed(untracked)}); move them away and merge again. Nothing was merged.`,
        words,
      );
    throw new WorkspaceError(`git could not merge ${branch} into ${base}; nothing was merged.`, words);
  }
  return gitOut(dir, ['rev-parse', 'HEAD']);
}

/** The base is not checked out anywhere: its ref moves to the branch or to a merge commit of merge-tree's tree. */
export async function mergeRef(
  top: string,
  base: string,
  baseCommit: string,
  branchCommit: string,
  fastForward: boolean,
  mergedTree: string,
  message: string,
): Promise<string> {
  const commit = fastForward
    ? branchCommit
    : (
        await git(top, ['commit-tree', mergedTree, '-p', baseCommit, '-p', branchCommit, '-m', message], {
          env: identityEnv(serverIdentity),
        })
      ).stdout.trim();
  // The old value guards against the base having moved since it was read.
  const moved = await git(
    top,
    ['update-ref', '-m', `merge ${message.split('\n')[0]}`, headsRef(base), commit, baseCommit],
    { okCodes: [0, 128] },
  );
  if (moved.code !== 0)
    throw new WorkspaceError(
      `${base} moved while merging; nothing was merged. Merge again.`,
      moved.stderr.trim(),
    );
  return commit;
}

/**
 * A rebase of the base in progress somewhere (its worktree is detached meanwhile, so the base looks checked out
 * nowhere): moving the ref under it would be overwritten when the rebase finishes.
 */
export async function refuseRebasing(top: string, base: string): Promise<void> {
  for (const tree of await listWorktrees(top)) {
    if (tree.branch) continue;
    const gitDir = await gitOut(tree.path, ['rev-parse', '--absolute-git-dir']).catch(() => null);
    if (!gitDir) continue;
    for (const state of ['rebase-merge', 'rebase-apply']) {
      const head = await readFile(join(gitDir, state, 'head-name'), 'utf8').catch(() => '');
      if (head.trim() === headsRef(base))
        throw new WorkspaceError(
          `${base} is being rebased in the project; nothing was merged. Finish or abort the rebase and merge again.`,
        );
    }
  }
}

export async function isAncestor(top: string, ancestor: string, of: string): Promise<boolean> {
  return (await git(top, ['merge-base', '--is-ancestor', ancestor, of], { okCodes: [0, 1] })).code === 0;
}
