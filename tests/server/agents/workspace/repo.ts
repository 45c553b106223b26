// A real git repository in a temporary directory, a data dir beside it, and tasks as the repository stores them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pino from 'pino';
import { openWorkspaces, type Workspaces } from '../../../../src/server/agents/workspace/workspaces';
import type { Task } from '../../../../src/server/db/agents-repository';

export const logger = pino({ level: 'silent' });

export interface Repo {
  root: string;
  project: string;
  dataDir: string;
  git: (args: string[], cwd?: string) => string;
  write: (path: string, content: string | Buffer, cwd?: string) => void;
  read: (path: string, cwd?: string) => string;
  /** Commits everything in the project as a person would. */
  commitAll: (message: string, cwd?: string) => string;
  open: (o?: { baseBranch?: string }) => Promise<Workspaces>;
  remove: () => void;
}

// Isolated from the machine's git config, so the test sees what the server sees on any machine.
const gitEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Ana',
  GIT_AUTHOR_EMAIL: 'ana@example.test',
  GIT_COMMITTER_NAME: 'Ana',
  GIT_COMMITTER_EMAIL: 'ana@example.test',
};

export function makeRepo(files: Record<string, string> = { 'README.md': '# demo\n' }): Repo {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'ocs-ws-')));
  const project = join(root, 'project');
  const dataDir = join(root, 'data');
  mkdirSync(project);
  const git = (args: string[], cwd = project) =>
    execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' }).replace(/\n$/, '');
  const write = (path: string, content: string | Buffer, cwd = project) => {
    mkdirSync(dirname(join(cwd, path)), { recursive: true });
    writeFileSync(join(cwd, path), content);
  };
  const repo: Repo = {
    root,
    project,
    dataDir,
    git,
    write,
    read: (path, cwd = project) => readFileSync(join(cwd, path), 'utf8'),
    commitAll: (message, cwd = project) => {
      git(['add', '--all'], cwd);
      git(['commit', '--quiet', '-m', message], cwd);
      return git(['rev-parse', 'HEAD'], cwd);
    },
    open: (o = {}) => openWorkspaces({ projectRoot: project, dataDir, logger, ...o }),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
  git(['init', '--quiet', '-b', 'main']);
  for (const [path, content] of Object.entries(files)) write(path, content);
  repo.commitAll('initial');
  return repo;
}

let nextId = 1;

/** A task row as the repository returns it; `patch` sets what prepare()'s caller would store. */
export function task(patch: Partial<Task> = {}): Task {
  const at = new Date().toISOString();
  return {
    id: nextId++,
    employee: 'alice',
    description: 'Change the greeting',
    status: 'running',
    model: 'mock/scripted',
    mode: 'opencode',
    assignedBy: 'ana',
    messageId: null,
    progress: null,
    reason: null,
    exitCode: null,
    createdAt: at,
    startedAt: at,
    finishedAt: null,
    updatedAt: at,
    sessionId: null,
    branch: null,
    baseBranch: null,
    branchState: null,
    commitSha: null,
    ...patch,
  };
}

/** prepare() and what the runner stores from it: the task with its branch and base. */
export async function started(ws: Workspaces, t: Task): Promise<{ task: Task; dir: string }> {
  const w = await ws.prepare(t);
  return { task: { ...t, branch: w.branch, baseBranch: w.base }, dir: w.dir };
}
