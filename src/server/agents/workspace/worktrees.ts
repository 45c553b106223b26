// What git knows about a repository's worktrees and branches, and the small steps the workspaces are made of.
import { readdir, readFile, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { git, gitOut } from './git';

export interface Worktree {
  path: string;
  /** `refs/heads/…` stripped; null when detached. */
  branch: string | null;
  /** `locked initializing`: `git worktree add` was interrupted (a half-made worktree). */
  lockedReason: string | null;
  prunable: boolean;
}

/** Parses `git worktree list --porcelain -z`: attribute lines ending in NUL, records separated by an empty one. */
function parseWorktreeList(out: string): Worktree[] {
  const trees: Worktree[] = [];
  let current: Worktree | null = null;
  for (const line of out.split('\0')) {
    if (line.startsWith('worktree ')) {
      current = { path: line.slice('worktree '.length), branch: null, lockedReason: null, prunable: false };
      trees.push(current);
      continue;
    }
    if (!current) continue;
    if (line.startsWith('branch '))
      current.branch = line.slice('branch '.length).replace(/^refs\/heads\//, '');
    else if (line === 'locked' || line.startsWith('locked '))
      current.lockedReason = line.slice('locked '.length);
    else if (line === 'prunable' || line.startsWith('prunable ')) current.prunable = true;
  }
  return trees;
}

export async function listWorktrees(top: string): Promise<Worktree[]> {
  return parseWorktreeList((await git(top, ['worktree', 'list', '--porcelain', '-z'])).stdout);
}

/** The worktree that has `branch` checked out, if any. */
export async function worktreeOf(top: string, branch: string): Promise<Worktree | null> {
  return (await listWorktrees(top)).find((tree) => tree.branch === branch) ?? null;
}

/** The commit a ref points at, null when it does not exist. */
export async function commitOf(top: string, ref: string): Promise<string | null> {
  const run = await git(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    okCodes: [0, 1, 128],
  });
  return run.code === 0 ? run.stdout.trim() : null;
}

export const headsRef = (branch: string) => `refs/heads/${branch}`;

/** Paths with uncommitted changes in a worktree: tracked files only, or untracked (not ignored) ones too. */
export async function uncommitted(dir: string, o: { untracked: boolean }): Promise<string[]> {
  const { stdout } = await git(dir, [
    'status',
    '--porcelain=v1',
    '-z',
    `--untracked-files=${o.untracked ? 'all' : 'no'}`,
  ]);
  const paths: string[] = [];
  const fields = stdout.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    if (!field) continue;
    paths.push(field.slice(3));
    // A rename's source path follows as its own field.
    if (field[0] === 'R' || field[0] === 'C') i++;
  }
  return paths;
}

/** True while a merge is in progress in that worktree (MERGE_HEAD exists). */
export async function merging(dir: string): Promise<boolean> {
  return (
    (await git(dir, ['rev-parse', '--verify', '--quiet', 'MERGE_HEAD'], { okCodes: [0, 1, 128] })).code === 0
  );
}

/** Files with unmerged (conflicted) entries in that worktree's index. */
export async function unmergedFiles(dir: string): Promise<string[]> {
  const { stdout } = await git(dir, ['diff', '--name-only', '--diff-filter=U', '-z']);
  return [...new Set(stdout.split('\0').filter(Boolean))];
}

/** Commits on `branch` that no other branch has (what deleting it would lose). */
export async function ownCommits(top: string, branch: string): Promise<number> {
  const refs = (await gitOut(top, ['for-each-ref', '--format=%(refname)', 'refs/heads/'])).split('\n');
  const others = refs.filter((ref) => ref && ref !== headsRef(branch));
  // Through stdin: no glob matching of names, no command-line limit with many branches.
  const { stdout } = await git(top, ['rev-list', '--count', '--stdin'], {
    input: [headsRef(branch), ...others.map((ref) => `^${ref}`)].join('\n').concat('\n'),
  });
  return Number(stdout.trim());
}

export interface RepoPaths {
  /** The main worktree. */
  top: string;
  /** The repository's git directory, where `worktrees/<id>/` records each linked worktree. */
  commonDir: string;
}

/** One record under `<commonDir>/worktrees/`: where its worktree is and whether it is locked (and why). */
export interface AdminEntry {
  dir: string;
  name: string;
  /** The worktree directory (its `gitdir` file, minus `/.git`); null when the file is missing (half-made). */
  worktree: string | null;
  locked: string | null;
}

export async function adminEntries(commonDir: string): Promise<AdminEntry[]> {
  const root = join(commonDir, 'worktrees');
  const names = await readdir(root).catch(() => [] as string[]);
  const read = (path: string) =>
    readFile(path, 'utf8').then(
      (text) => text.trim(),
      () => null,
    );
  return Promise.all(
    names.map(async (name) => {
      const dir = join(root, name);
      const gitdir = await read(join(dir, 'gitdir'));
      return {
        dir,
        name,
        worktree: gitdir ? gitdir.replace(/\/\.git$/, '') : null,
        locked: await read(join(dir, 'locked')),
      };
    }),
  );
}

/**
 * Removes a worktree (locked or dirty too) and whatever is left of its directory, and git's record of it: even a
 * record `git worktree remove` refuses (half-made by a killed `worktree add`) and prune skips (it is locked).
 */
export async function removeWorktree(repo: RepoPaths, path: string): Promise<void> {
  await git(repo.top, ['worktree', 'remove', '--force', '--force', path], { okCodes: [0, 128] });
  await rm(path, { recursive: true, force: true });
  for (const entry of await adminEntries(repo.commonDir))
    if (entry.worktree === path) await rm(entry.dir, { recursive: true, force: true });
  await git(repo.top, ['worktree', 'prune']);
}

export async function deleteBranch(top: string, branch: string): Promise<void> {
  await git(top, ['branch', '-D', '--', branch], { okCodes: [0, 1] });
}

/** A path as git prints it (git stores real paths: /tmp may be a symlink). */
export async function realPathOr(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}
