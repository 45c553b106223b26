// Running git for the task workspaces: execFile (never a shell), a clean environment, one lock per repository.
import { execFile } from 'node:child_process';
import { serverIdentity } from './naming';

/** A git command that exited non-zero (`code`), with its output for the log and for callers that parse it. */
export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} exited ${code}: ${stderr.trim() || stdout.trim()}`);
    this.name = 'GitError';
  }
}

// Variables that would point git at another repository or index (set when the server runs inside a git hook).
const inheritedGitVars = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_CEILING_DIRECTORIES',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_COMMITTER_DATE',
];

function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of inheritedGitVars) delete env[name];
  return {
    ...env,
    // Nobody is there to type a password or edit a message; C locale keeps the output we parse stable.
    GIT_TERMINAL_PROMPT: '0',
    GIT_EDITOR: 'true',
    GIT_MERGE_AUTOEDIT: 'no',
    GIT_OPTIONAL_LOCKS: '0',
    LC_ALL: 'C',
    // Reflogs and merges need an identity; nothing may depend on the machine's git config having one.
    GIT_AUTHOR_NAME: serverIdentity.name,
    GIT_AUTHOR_EMAIL: serverIdentity.email,
    GIT_COMMITTER_NAME: serverIdentity.name,
    GIT_COMMITTER_EMAIL: serverIdentity.email,
    ...extra,
  };
}

// Settings every call gets whatever the user's or the repository's config says: paths printed as they are, no
// colour or pager, and no hooks — a project's pre-commit hook (lint, husky running npm in a worktree without
// node_modules) would fail the server's automated commits for reasons no agent can act on.
const baseConfig = [
  '-c',
  'core.quotePath=false',
  '-c',
  'color.ui=false',
  '-c',
  'core.pager=cat',
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'commit.gpgsign=false',
  '-c',
  'tag.gpgsign=false',
  '-c',
  'diff.noprefix=false',
  '-c',
  'diff.mnemonicPrefix=false',
  '-c',
  'diff.external=',
  '-c',
  'merge.conflictStyle=merge',
];

export interface GitRun {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs git in `cwd`; resolves with the output whatever the exit code when `okCodes` lists it, else GitError. */
export function git(
  cwd: string,
  args: string[],
  o: { okCodes?: number[]; env?: Record<string, string>; input?: string } = {},
): Promise<GitRun> {
  const okCodes = o.okCodes ?? [0];
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [...baseConfig, ...args],
      { cwd, env: gitEnv(o.env), maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        if (code !== null && okCodes.includes(code)) resolve({ stdout, stderr, code });
        else reject(new GitError(args, code, stdout, stderr));
      },
    );
    // git may exit before reading its input (EPIPE): the exit code tells what happened.
    child.stdin?.on('error', () => {});
    child.stdin?.end(o.input ?? '');
  });
}

/** The output of a git command that must succeed, without its trailing newline. */
export async function gitOut(cwd: string, args: string[]): Promise<string> {
  return (await git(cwd, args)).stdout.replace(/\n$/, '');
}

/** True when `dir` is inside a git work tree (with at least the repository set up; commits are checked later). */
export async function isGitRepository(dir: string): Promise<boolean> {
  try {
    return (await gitOut(dir, ['rev-parse', '--is-inside-work-tree'])) === 'true';
  } catch {
    return false;
  }
}

/** One queue per repository: operations touching refs, worktrees or the base never interleave (in this process). */
export class RepoLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
