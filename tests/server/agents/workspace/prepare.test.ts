// Where a task works: new branches, continuations on the same branch, names git accepts, and PROJECT_ROOT without git.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { branchNameFor, slugOf } from '../../../../src/server/agents/workspace/naming';
import { openWorkspaces, WorkspaceError } from '../../../../src/server/agents/workspace/workspaces';
import { logger, makeRepo, type Repo, started, task } from './repo';

let repo: Repo | undefined;
afterEach(() => {
  repo?.remove();
  repo = undefined;
});

describe('task workspaces: prepare', () => {
  it('continues on the same branch in the same directory, recreated from the branch when it is gone', async () => {
    repo = makeRepo();
    const ws = await repo.open();
    const first = await started(ws, task({ description: 'Add a login form' }));
    repo.write('login.html', '<form></form>\n', first.dir);
    await ws.commit(first.task);

    // "@alice change …": a new task carrying the branch on works where the first did (its opencode session too).
    const follow = task({
      description: 'Make the button blue',
      branch: first.task.branch,
      baseBranch: 'main',
    });
    const same = await ws.prepare(follow);
    expect(same).toEqual({ dir: first.dir, branch: first.task.branch, base: 'main' });
    expect(repo.read('login.html', same.dir)).toBe('<form></form>\n');
    repo.write('login.html', '<form><button class="blue"></button></form>\n', same.dir);
    const event = await ws.commit(follow);
    expect(event.files).toEqual([{ path: 'login.html', additions: 1, deletions: 0 }]);
    expect(repo.git(['rev-list', '--count', `main..${first.task.branch}`])).toBe('2');

    // Gone after a restart's cleanup: recreated from the branch, at the same path.
    await ws.cleanup(() => true);
    expect(existsSync(first.dir)).toBe(false);
    const again = await ws.prepare(follow);
    expect(again.dir).toBe(first.dir);
    expect(repo.read('login.html', again.dir)).toContain('blue');
    // A worktree somewhere else under worktrees/ (made before this rule) is moved back to its branch's place.
    repo.git(['worktree', 'move', first.dir, join(repo.dataDir, 'worktrees', 'elsewhere')]);
    expect((await ws.prepare(follow)).dir).toBe(first.dir);
    expect(repo.read('login.html', first.dir)).toContain('blue');
  });

  it('prepares, commits and merges several tasks at once without tripping over git’s locks', async () => {
    repo = makeRepo();
    const ws = await repo.open();
    const tasks = Array.from({ length: 5 }, (_, i) =>
      task({ employee: `agent${i}`, description: `File ${i}` }),
    );
    const prepared = await Promise.all(tasks.map((t) => started(ws, t)));
    for (const [i, p] of prepared.entries()) repo.write(`file-${i}.txt`, `${i}\n`, p.dir);
    const events = await Promise.all(prepared.map((p) => ws.commit(p.task)));
    expect(events.map((e) => e.state)).toEqual(['open', 'open', 'open', 'open', 'open']);
    const merged = await Promise.all(prepared.map((p) => ws.merge(p.task, 'ana')));
    expect(merged.filter((m) => m.fastForward)).toHaveLength(1);
    expect(repo.git(['ls-files', 'file-*']).split('\n')).toHaveLength(5);
    expect(repo.git(['status', '--porcelain'])).toBe('');
  });

  it('starts a fresh branch when the continued task’s branch is gone (it was empty)', async () => {
    repo = makeRepo();
    const ws = await repo.open();
    const first = await started(ws, task({ description: 'Nothing to do' }));
    expect((await ws.commit(first.task)).state).toBe('empty');
    const follow = task({ description: 'Now do it', branch: first.task.branch, baseBranch: 'main' });
    const w = await ws.prepare(follow);
    expect(w.branch).toBe(`agent/alice/${follow.id}-now-do-it`);
  });

  it('an interrupted task committed by the runner says so in its message', async () => {
    repo = makeRepo();
    const ws = await repo.open();
    const t = await started(ws, task({ description: 'Long job', assignedBy: 'ben' }));
    repo.write('part.txt', 'part\n', t.dir);
    const event = await ws.commit(t.task, { interrupted: true });
    expect(event.state).toBe('open');
    const message = repo.git(['log', '-1', '--format=%B', t.task.branch as string]);
    expect(message.split('\n')[0]).toBe('WIP (interrupted): Long job');
    expect(message).toContain(`Task #${t.task.id} for @ben (assigned in the team chat).`);
  });

  it('clips the commit subject to 72 characters', async () => {
    repo = makeRepo();
    const ws = await repo.open();
    const t = await started(
      ws,
      task({ description: `Refactor ${'the very long module name '.repeat(6)}\nsecond line` }),
    );
    repo.write('x.txt', 'x\n', t.dir);
    await ws.commit(t.task);
    const subject = repo.git(['log', '-1', '--format=%s', t.task.branch as string]);
    expect(subject.length).toBeLessThanOrEqual(72);
    expect(subject.startsWith('Refactor the very long module name')).toBe(true);
  });

  it('never reuses a branch left by an earlier database: the new one gets a suffix', async () => {
    repo = makeRepo();
    const ws = await repo.open();
    const t = task({ description: 'Fix it' });
    repo.git(['branch', branchNameFor(t), 'main']);
    const w = await ws.prepare(t);
    expect(w.branch).toBe(`${branchNameFor(t)}-2`);
  });

  it('works in the same folder of the worktree when PROJECT_ROOT is a folder inside the repository', async () => {
    repo = makeRepo({ 'app/src/main.ts': 'main\n', 'other/x.txt': 'x\n' });
    const ws = await openWorkspaces({
      projectRoot: join(repo.project, 'app'),
      dataDir: repo.dataDir,
      logger,
    });
    const t = task();
    const w = await ws.prepare(t);
    expect(w.dir).toBe(join(repo.dataDir, 'worktrees', String(t.id), 'app'));
    expect(repo.read('src/main.ts', w.dir)).toBe('main\n');
  });

  it('keeps worktrees out of the project when the data directory is inside it (the default ./data)', async () => {
    repo = makeRepo({ '.gitignore': 'data/\n' });
    const state = join(repo.root, 'state');
    const saved = process.env.XDG_STATE_HOME;
    process.env.XDG_STATE_HOME = state;
    try {
      const ws = await openWorkspaces({
        projectRoot: repo.project,
        dataDir: join(repo.project, 'data'),
        logger,
      });
      const t = await started(ws, task());
      expect(t.dir.startsWith(join(state, 'opencode-slack', 'worktrees', 'project-'))).toBe(true);
      expect(t.dir.endsWith(`/${t.task.id}`)).toBe(true);
      repo.write('a.txt', 'a\n', t.dir);
      await ws.commit(t.task);
      expect(await ws.merge(t.task, 'ana')).toMatchObject({ fastForward: true });
      expect(repo.read('a.txt')).toBe('a\n');
    } finally {
      if (saved === undefined) delete process.env.XDG_STATE_HOME;
      else process.env.XDG_STATE_HOME = saved;
    }
  });

  it('names the problem when the base branch has no commit or PROJECT_ROOT is detached', async () => {
    repo = makeRepo();
    const missing = await repo.open({ baseBranch: 'develop' });
    await expect(missing.prepare(task())).rejects.toThrow(
      /The base branch develop has no commit in PROJECT_ROOT.*AGENT_BASE_BRANCH/,
    );
    repo.git(['checkout', '--quiet', '--detach']);
    const detached = await repo.open();
    const error = await detached.prepare(task()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceError);
    expect((error as WorkspaceError).chat).toMatch(/detached HEAD.*AGENT_BASE_BRANCH/);
  });

  it('runs every task in PROJECT_ROOT when it is not a git repository, and says so for git actions', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'ocs-nogit-')));
    try {
      const project = join(dir, 'project');
      mkdirSync(project);
      const ws = await openWorkspaces({ projectRoot: project, dataDir: join(dir, 'data'), logger });
      expect(ws.mode).toBe('shared');
      const t = task();
      expect(await ws.prepare(t)).toEqual({ dir: project, branch: null, base: null });
      for (const action of [
        () => ws.commit(t),
        () => ws.diff(t),
        () => ws.merge(t, 'ana'),
        () => ws.startResolve(t),
        () => ws.discard(t),
      ]) {
        const error = await action().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WorkspaceError);
        expect((error as WorkspaceError).chat).toMatch(/PROJECT_ROOT is not a git repository/);
      }
      expect(await ws.cleanup(() => false)).toEqual({ removed: [], saved: [] });
      expect(existsSync(join(dir, 'data', 'worktrees'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('task branch names', () => {
  it('slugs descriptions into lower-case ascii words of at most 40 characters', () => {
    expect(slugOf('Add a LOGIN form!')).toBe('add-a-login-form');
    expect(slugOf('Crème brûlée: fix the naïve café page')).toBe('creme-brulee-fix-the-naive-cafe-page');
    expect(slugOf('Make the dashboard load faster for users on slow networks')).toBe(
      'make-the-dashboard-load-faster-for-users',
    );
    expect(slugOf('🚀 ✨')).toBe('task');
    expect(slugOf('x'.repeat(60))).toBe('x'.repeat(40));
  });

  it('are always valid git branch names', () => {
    const odd = [
      { id: 1, employee: 'alice', description: 'fix ../../etc/passwd; rm -rf / ~^:?*[' },
      { id: 2, employee: 'bob.lock', description: '.hidden..dots.' },
      { id: 3, employee: '..', description: '@{-1}' },
      { id: 42, employee: 'ana-maria_2', description: 'Add a login form' },
    ];
    for (const t of odd) {
      const name = branchNameFor(t);
      expect(name).toMatch(/^agent\/[a-z0-9_-]+\/\d+-[a-z0-9-]+$/);
      expect(execFileSync('git', ['check-ref-format', '--branch', name], { encoding: 'utf8' }).trim()).toBe(
        name,
      );
    }
    expect(branchNameFor(odd[3] as (typeof odd)[number])).toBe('agent/ana-maria_2/42-add-a-login-form');
  });
});
