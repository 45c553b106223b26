// Start-up cleanup after a crash: exactly the stray worktrees, directories and empty branches go; work is kept.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, type Repo, started, task } from './repo';

let repo: Repo;
afterEach(() => repo?.remove());

const agentBranches = () =>
  repo
    .git(['for-each-ref', '--format=%(refname:short)', 'refs/heads/agent/'])
    .split('\n')
    .filter(Boolean)
    .sort();
const worktreePaths = () =>
  repo
    .git(['worktree', 'list', '--porcelain'])
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .map((l) => l.slice('worktree '.length));

describe('task workspaces: cleanup at start-up', () => {
  it('removes exactly the stray things and keeps the work of tasks still wanted', async () => {
    repo = makeRepo({ 'a.txt': 'a\n' });
    const ws = await repo.open();
    const worktrees = join(repo.dataDir, 'worktrees');

    // An open branch (committed, worktree still there) and an interrupted task with uncommitted work: both kept.
    const open = await started(ws, task({ description: 'Open one' }));
    repo.write('open.txt', 'open\n', open.dir);
    const openCommit = (await ws.commit(open.task)).commit;
    const interrupted = await started(ws, task({ employee: 'bob', description: 'Cut short' }));
    repo.write('half.txt', 'half done\n', interrupted.dir);
    // A registered worktree whose task is gone, with nothing committed; another whose task is gone but committed.
    const gone = await started(ws, task({ description: 'Gone' }));
    repo.write('scratch.txt', 'x\n', gone.dir);
    const goneCommitted = await started(ws, task({ description: 'Gone but committed' }));
    repo.write('kept.txt', 'kept\n', goneCommitted.dir);
    await ws.commit(goneCommitted.task);
    // A half-made worktree (git worktree add killed: still locked "initializing"), a directory git never knew,
    // a worktree whose directory vanished, a branch without a commit of its own, and what is not ours.
    repo.git([
      'worktree',
      'add',
      '--quiet',
      '--lock',
      '--reason',
      'initializing',
      '-b',
      'agent/carol/77-half',
      join(worktrees, '77'),
      'main',
    ]);
    mkdirSync(join(worktrees, '999', 'src'), { recursive: true });
    writeFileSync(join(worktrees, '999', 'src', 'x.ts'), 'half\n');
    repo.git(['worktree', 'add', '--quiet', '-b', 'agent/erin/55-vanished', join(worktrees, '55'), 'main']);
    rmSync(join(worktrees, '55'), { recursive: true, force: true });
    repo.git(['branch', 'agent/dave/88-nothing', 'main']);
    repo.git(['branch', 'feature', 'main']);
    const personal = join(repo.root, 'personal-tree');
    repo.git(['worktree', 'add', '--quiet', '-b', 'person/tree', personal, 'main']);

    const kept = new Set([open.task.id, interrupted.task.id]);
    const result = await (await repo.open()).cleanup((id) => kept.has(id));

    expect(result.removed.sort()).toEqual(
      [
        open.dir,
        interrupted.dir,
        gone.dir,
        goneCommitted.dir,
        join(worktrees, '77'),
        join(worktrees, '999'),
        gone.task.branch,
        'agent/carol/77-half',
        'agent/dave/88-nothing',
        'agent/erin/55-vanished',
      ].sort(),
    );
    expect(readdirSync(worktrees)).toEqual([]);
    expect(worktreePaths()).toEqual([repo.project, personal]);
    expect(agentBranches()).toEqual(
      [open.task.branch, interrupted.task.branch, goneCommitted.task.branch].sort() as string[],
    );
    expect(repo.git(['rev-parse', open.task.branch as string])).toBe(openCommit);
    expect(repo.git(['branch', '--list', 'feature'])).not.toBe('');

    // The interrupted task's work is a WIP commit on its branch, and "continue" gets it back in a new worktree.
    expect(result.saved).toEqual([
      {
        taskId: interrupted.task.id,
        branch: interrupted.task.branch,
        commit: repo.git(['rev-parse', interrupted.task.branch as string]),
      },
    ]);
    expect(repo.git(['log', '-1', '--format=%an|%s', interrupted.task.branch as string])).toBe(
      `bob|WIP (interrupted): task #${interrupted.task.id}`,
    );
    const again = await ws.prepare(interrupted.task);
    expect(again).toEqual({ dir: interrupted.dir, branch: interrupted.task.branch, base: 'main' });
    expect(repo.read('half.txt', again.dir)).toBe('half done\n');
  });

  it('repairs the records of a worktree add killed before git finished writing them', async () => {
    repo = makeRepo();
    const ws = await repo.open();
    const worktrees = join(repo.dataDir, 'worktrees');
    const records = join(repo.project, '.git', 'worktrees');
    // Killed while writing commondir (created, still empty): git cannot even list worktrees any more.
    mkdirSync(join(records, '41'), { recursive: true });
    writeFileSync(join(records, '41', 'locked'), 'initializing');
    writeFileSync(join(records, '41', 'gitdir'), `${join(worktrees, '41', '.git')}\n`);
    writeFileSync(join(records, '41', 'commondir'), '');
    mkdirSync(join(worktrees, '41'), { recursive: true });
    writeFileSync(join(worktrees, '41', '.git'), `gitdir: ${join(records, '41')}\n`);
    // Killed right after the lock was written: a record that says nothing else, which prune skips.
    mkdirSync(join(records, '42'));
    writeFileSync(join(records, '42', 'locked'), 'initializing');
    expect(() => repo.git(['worktree', 'list'])).toThrow(/commondir/);

    const result = await ws.cleanup(() => true);

    expect(result.removed).toEqual([join(worktrees, '41')]);
    // git drops the records directory once it is empty.
    expect(existsSync(records) ? readdirSync(records) : []).toEqual([]);
    expect(readdirSync(worktrees)).toEqual([]);
    expect(worktreePaths()).toEqual([repo.project]);
    // And the next task starts normally.
    const t = await started(ws, task({ id: 41 }));
    expect(t.dir).toBe(join(worktrees, '41'));
  });

  it('leaves nothing stray after a SIGKILL in the middle of preparing and committing tasks', async () => {
    // Enough files that a worktree takes a while to check out, so the kill often lands inside git.
    const files: Record<string, string> = {};
    for (let i = 0; i < 1500; i++) files[`src/module-${i}.ts`] = `export const v${i} = ${i};\n`;
    repo = makeRepo(files);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'prepare-forever.ts'), repo.project, repo.dataDir],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let output = '';
    let errors = '';
    child.stderr.on('data', (d) => {
      errors += String(d);
    });
    // Killed as soon as git starts making task 4's worktree: mid-checkout, most of the time.
    const worktrees = join(repo.dataDir, 'worktrees');
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (existsSync(join(worktrees, '4'))) {
          clearInterval(poll);
          resolve();
        }
      }, 1);
      child.stdout.on('data', (d) => {
        output += String(d);
      });
      child.once('exit', () => {
        clearInterval(poll);
        reject(new Error(`child exited early:\n${output}${errors}`));
      });
    });
    // The whole process group: the node child and any git it is running at that moment.
    process.kill(-(child.pid as number), 'SIGKILL');
    await exited;

    const done = new Set([...output.matchAll(/^prepared (\d+)$/gm)].map((m) => Number(m[1])));
    const result = await (await repo.open()).cleanup((id) => done.has(id));

    expect(
      existsSync(join(repo.dataDir, 'worktrees')) && readdirSync(join(repo.dataDir, 'worktrees')),
    ).toEqual([]);
    expect(worktreePaths()).toEqual([repo.project]);
    expect(repo.git(['status', '--porcelain'])).toBe('');
    for (const id of done) {
      // Every finished task's work is on its branch (odd ones saved as WIP at cleanup).
      const branch = `agent/alice/${id}-crash-test-${id}`;
      expect(repo.git(['show', `${branch}:work-${id}.txt`])).toBe(`work of task ${id}`);
    }
    for (const branch of agentBranches()) {
      const id = Number(/^agent\/alice\/(\d+)-/.exec(branch)?.[1]);
      // A task the child had not finished keeps its branch only when the branch holds a commit of its own.
      if (!done.has(id))
        expect(Number(repo.git(['rev-list', '--count', `main..${branch}`]))).toBeGreaterThan(0);
    }
    expect(result.saved.map((s) => s.taskId).sort()).toEqual([...done].filter((id) => id % 2 === 1).sort());
  });
});
