// A task's diff against its base as the review panel gets it, and what a task that changed nothing leaves.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, type Repo, started, task } from './repo';

let repo: Repo;
afterEach(() => repo?.remove());

const lines = (n: number, word: string) => Array.from({ length: n }, (_, i) => `${word} ${i + 1}\n`).join('');

describe('task workspaces: diff and commit', () => {
  it('lists added, modified, deleted, renamed and binary files with their hunks', async () => {
    repo = makeRepo({
      'src/app.ts': 'export const a = 1;\nexport const b = 2;\n',
      'old.txt': 'gone soon\n',
      'docs/guide.md': lines(20, 'line'),
      'logo.bin': 'not yet binary\n',
    });
    const ws = await repo.open();
    const t = await started(ws, task({ description: 'Touch every kind of file' }));
    repo.write('src/app.ts', 'export const a = 1;\nexport const b = 3;\n', t.dir);
    repo.write('src/new file.ts', 'export {};\n', t.dir);
    repo.git(['rm', '--quiet', 'old.txt'], t.dir);
    repo.git(['mv', 'docs/guide.md', 'docs/handbook.md'], t.dir);
    repo.write('logo.bin', Buffer.from([0, 1, 2, 3, 255, 0, 10]), t.dir);

    const event = await ws.commit(t.task);
    const files = await ws.diff(t.task);

    const byPath = Object.fromEntries(files.map((f) => [f.path, f]));
    expect(Object.keys(byPath).sort()).toEqual([
      'docs/handbook.md',
      'logo.bin',
      'old.txt',
      'src/app.ts',
      'src/new file.ts',
    ]);
    expect(byPath['src/app.ts']).toMatchObject({
      status: 'modified',
      oldPath: null,
      additions: 1,
      deletions: 1,
    });
    expect(byPath['src/app.ts']?.patch).toBe(
      '@@ -1,2 +1,2 @@\n export const a = 1;\n-export const b = 2;\n+export const b = 3;\n',
    );
    expect(byPath['src/new file.ts']).toMatchObject({
      status: 'added',
      additions: 1,
      deletions: 0,
      binary: false,
    });
    expect(byPath['src/new file.ts']?.patch).toBe('@@ -0,0 +1 @@\n+export {};\n');
    expect(byPath['old.txt']).toMatchObject({ status: 'deleted', additions: 0, deletions: 1 });
    expect(byPath['docs/handbook.md']).toMatchObject({
      status: 'renamed',
      oldPath: 'docs/guide.md',
      additions: 0,
      deletions: 0,
      patch: '',
    });
    expect(byPath['logo.bin']).toMatchObject({ status: 'modified', binary: true, patch: '', additions: 0 });
    // The timeline's files are the same numbers (numstat against the merge base).
    expect(event.files.map((f) => f.path).sort()).toEqual(Object.keys(byPath).sort());
  });

  it('shows only the branch’s own changes when the base moved on (base...branch)', async () => {
    repo = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const ws = await repo.open();
    const t = await started(ws, task());
    repo.write('a.txt', 'a2\n', t.dir);
    await ws.commit(t.task);
    repo.write('b.txt', 'b2\n');
    repo.commitAll('a person edits b');
    expect((await ws.diff(t.task)).map((f) => f.path)).toEqual(['a.txt']);
  });

  it('a rename with edits carries its hunks', async () => {
    repo = makeRepo({ 'one.txt': lines(30, 'row') });
    const ws = await repo.open();
    const t = await started(ws, task());
    repo.git(['mv', 'one.txt', 'two.txt'], t.dir);
    repo.write('two.txt', lines(30, 'row').replace('row 15\n', 'row fifteen\n'), t.dir);
    await ws.commit(t.task);
    const [file] = await ws.diff(t.task);
    expect(file).toMatchObject({
      path: 'two.txt',
      oldPath: 'one.txt',
      status: 'renamed',
      additions: 1,
      deletions: 1,
    });
    expect(file?.patch).toMatch(/^@@ -12,7 \+12,7 @@/);
    expect(file?.patch).toContain('-row 15\n+row fifteen\n');
  });

  it('a task that changed nothing is empty: its branch and worktree are gone', async () => {
    repo = makeRepo();
    const ws = await repo.open();
    const t = await started(ws, task());
    const event = await ws.commit(t.task);
    expect(event).toEqual({
      kind: 'branch',
      state: 'empty',
      branch: t.task.branch,
      base: 'main',
      commit: null,
      files: [],
      by: null,
      mergeCommit: null,
      conflicts: [],
    });
    expect(existsSync(t.dir)).toBe(false);
    expect(repo.git(['for-each-ref', 'refs/heads/agent/'])).toBe('');
    expect(repo.git(['worktree', 'list', '--porcelain']).match(/^worktree /gm)).toHaveLength(1);
  });

  it('commits what the agent created, leaving out what .gitignore ignores', async () => {
    repo = makeRepo({ '.gitignore': 'node_modules/\n' });
    const ws = await repo.open();
    const t = await started(ws, task());
    repo.write('node_modules/x/index.js', 'x\n', t.dir);
    repo.write('src/index.ts', 'x\n', t.dir);
    const event = await ws.commit(t.task);
    expect(event.files).toEqual([{ path: 'src/index.ts', additions: 1, deletions: 0 }]);
  });

  it('refuses to commit when the agent switched its worktree to another branch, keeping the work', async () => {
    repo = makeRepo();
    const ws = await repo.open();
    const t = await started(ws, task({ employee: 'alice' }));
    repo.git(['switch', '--quiet', '-c', 'side'], t.dir);
    repo.write('a.txt', 'a\n', t.dir);
    await expect(ws.commit(t.task)).rejects.toThrow(
      `alice switched its worktree from ${t.task.branch} to side, so its work was not committed; ask it to switch back to ${t.task.branch}.`,
    );
    expect(repo.read('a.txt', t.dir)).toBe('a\n');
  });

  it('discard removes the worktree with its uncommitted work and deletes the branch', async () => {
    repo = makeRepo();
    const ws = await repo.open();
    const t = await started(ws, task());
    repo.write('a.txt', 'a\n', t.dir);
    await ws.commit(t.task);
    repo.write('b.txt', 'b\n', t.dir);
    await ws.discard(t.task);
    expect(existsSync(t.dir)).toBe(false);
    expect(repo.git(['for-each-ref', 'refs/heads/agent/'])).toBe('');
    expect(repo.git(['status', '--porcelain'])).toBe('');
    await expect(ws.diff(t.task)).rejects.toThrow(/no longer exists/);
  });
});
