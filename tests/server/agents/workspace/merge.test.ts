// Two agents on the same file in parallel worktrees: review, fast-forward, conflict, resolution, merge commit.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MergeConflictError, WorkspaceError } from '../../../../src/server/agents/workspace/workspaces';
import { makeRepo, type Repo, started, task } from './repo';

let repo: Repo;
afterEach(() => repo?.remove());

describe('task workspaces: merging', () => {
  it('two tasks on one file: the first fast-forwards, the second conflicts, is resolved and merges', async () => {
    repo = makeRepo({ 'greeting.txt': 'hello\n' });
    const ws = await repo.open();
    expect(ws.mode).toBe('git');

    const a = await started(ws, task({ employee: 'alice', description: 'Say hi in French' }));
    const b = await started(ws, task({ employee: 'bob', description: 'Say hi in German' }));
    expect(a.dir).toBe(join(repo.dataDir, 'worktrees', String(a.task.id)));
    expect(a.task.branch).toBe(`agent/alice/${a.task.id}-say-hi-in-french`);
    expect(a.task.baseBranch).toBe('main');
    repo.write('greeting.txt', 'bonjour\n', a.dir);
    repo.write('greeting.txt', 'hallo\n', b.dir);
    // Each sees only its own change; the project is untouched.
    expect(repo.read('greeting.txt', a.dir)).toBe('bonjour\n');
    expect(repo.read('greeting.txt')).toBe('hello\n');

    const committedA = await ws.commit(a.task);
    const committedB = await ws.commit(b.task);
    expect(committedA).toMatchObject({
      kind: 'branch',
      state: 'open',
      branch: a.task.branch,
      base: 'main',
      files: [{ path: 'greeting.txt', additions: 1, deletions: 1 }],
      by: null,
      conflicts: [],
    });
    expect(committedA.commit).toBe(repo.git(['rev-parse', a.task.branch as string]));
    expect(committedB.state).toBe('open');
    // Author the agent, committer the server, message naming the task and who assigned it.
    const log = repo.git(['log', '-1', '--format=%an <%ae>|%cn|%B', a.task.branch as string]);
    expect(log).toContain('alice <alice@agents.opencode-slack.invalid>|OpenCode-Slack|Say hi in French');
    expect(log).toContain(`Task #${a.task.id} for @ana (assigned in the team chat).`);
    expect(log).toContain('Co-authored-by: alice <alice@agents.opencode-slack.invalid>');

    // Both results are reviewable.
    expect((await ws.diff(a.task)).map((f) => f.path)).toEqual(['greeting.txt']);
    expect((await ws.diff(b.task))[0]?.patch).toContain('+hallo');

    const first = await ws.merge(a.task, 'ana');
    expect(first).toEqual({
      taskId: a.task.id,
      branch: a.task.branch,
      base: 'main',
      commit: committedA.commit,
      fastForward: true,
    });
    expect(repo.git(['rev-parse', 'main'])).toBe(committedA.commit);
    expect(repo.read('greeting.txt')).toBe('bonjour\n');
    expect(existsSync(a.dir)).toBe(false);
    expect(repo.git(['branch', '--list', a.task.branch as string])).toBe('');

    const headBefore = repo.git(['rev-parse', 'HEAD']);
    const error = await ws.merge(b.task, 'ana').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MergeConflictError);
    expect((error as MergeConflictError).files).toEqual(['greeting.txt']);
    expect((error as MergeConflictError).chat).toContain('greeting.txt');
    // Base, index and working tree untouched; the branch and its worktree stay for the resolution.
    expect(repo.git(['rev-parse', 'HEAD'])).toBe(headBefore);
    expect(repo.git(['status', '--porcelain'])).toBe('');
    expect(existsSync(join(repo.project, '.git', 'MERGE_HEAD'))).toBe(false);
    expect(repo.read('greeting.txt')).toBe('bonjour\n');
    expect(existsSync(b.dir)).toBe(true);

    const conflicts = await ws.startResolve(b.task);
    expect(conflicts).toEqual(['greeting.txt']);
    expect(repo.read('greeting.txt', b.dir)).toContain('<<<<<<<');
    // Committing with the markers still there is refused.
    await expect(ws.commit(b.task)).rejects.toBeInstanceOf(MergeConflictError);
    repo.write('greeting.txt', 'bonjour\nhallo\n', b.dir);
    const resolved = await ws.commit(b.task);
    expect(resolved.state).toBe('open');
    expect(repo.git(['rev-list', '--parents', '-1', b.task.branch as string]).split(' ')).toHaveLength(3);

    const second = await ws.merge(b.task, 'ana');
    expect(repo.git(['rev-parse', 'main'])).toBe(second.commit);
    // The base's head is the resolution's merge commit: both agents' work, both parents.
    expect(repo.git(['rev-list', '--parents', '-1', 'main']).split(' ')).toHaveLength(3);
    expect(repo.read('greeting.txt')).toBe('bonjour\nhallo\n');
    expect(repo.git(['status', '--porcelain'])).toBe('');
    expect(repo.git(['worktree', 'list', '--porcelain']).match(/^worktree /gm)).toHaveLength(1);
  });

  it('needs no git identity or other config on the machine', async () => {
    repo = makeRepo({ 'a.txt': 'a\n' });
    const saved = { global: process.env.GIT_CONFIG_GLOBAL, system: process.env.GIT_CONFIG_NOSYSTEM };
    process.env.GIT_CONFIG_GLOBAL = '/dev/null';
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    try {
      const ws = await repo.open();
      const one = await started(ws, task());
      const two = await started(ws, task());
      repo.write('a.txt', 'one\n', one.dir);
      repo.write('a.txt', 'two\n', two.dir);
      await ws.commit(one.task);
      await ws.commit(two.task);
      await ws.merge(one.task, 'ana');
      expect(await ws.startResolve(two.task)).toEqual(['a.txt']);
      repo.write('a.txt', 'one and two\n', two.dir);
      await ws.commit(two.task);
      await ws.merge(two.task, 'ana');
      expect(repo.git(['log', '-1', '--format=%cn <%ce>'])).toBe(
        'OpenCode-Slack <server@opencode-slack.invalid>',
      );
    } finally {
      if (saved.global === undefined) delete process.env.GIT_CONFIG_GLOBAL;
      else process.env.GIT_CONFIG_GLOBAL = saved.global;
      if (saved.system === undefined) delete process.env.GIT_CONFIG_NOSYSTEM;
      else process.env.GIT_CONFIG_NOSYSTEM = saved.system;
    }
  });

  it('makes a merge commit when the base moved on without conflicts', async () => {
    repo = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const ws = await repo.open();
    const t = await started(ws, task({ description: 'Edit a' }));
    repo.write('a.txt', 'a2\n', t.dir);
    const committed = await ws.commit(t.task);
    repo.write('b.txt', 'b2\n');
    const moved = repo.commitAll('a person edits b');

    const merged = await ws.merge(t.task, 'ana');
    expect(merged.fastForward).toBe(false);
    expect(repo.git(['rev-parse', 'HEAD'])).toBe(merged.commit);
    expect(repo.git(['rev-list', '--parents', '-1', 'HEAD']).split(' ').slice(1)).toEqual([
      moved,
      committed.commit,
    ]);
    expect(repo.git(['log', '-1', '--format=%cn|%B'])).toContain('Merged by @ana from the team chat.');
    expect(repo.read('a.txt') + repo.read('b.txt')).toBe('a2\nb2\n');
  });

  it('merges into a base that is not checked out by moving its ref, leaving the project alone', async () => {
    repo = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    repo.git(['checkout', '--quiet', '-b', 'person-work']);
    const ws = await repo.open({ baseBranch: 'main' });
    const ff = await started(ws, task({ description: 'Edit a' }));
    repo.write('a.txt', 'a2\n', ff.dir);
    const c1 = await ws.commit(ff.task);
    const other = await started(ws, task({ description: 'Edit b' }));
    repo.write('b.txt', 'b2\n', other.dir);
    const c2 = await ws.commit(other.task);

    expect(await ws.merge(ff.task, 'ana')).toMatchObject({ fastForward: true, commit: c1.commit });
    expect(repo.git(['rev-parse', 'main'])).toBe(c1.commit);
    const merged = await ws.merge(other.task, 'ana');
    expect(merged.fastForward).toBe(false);
    expect(repo.git(['rev-parse', 'main'])).toBe(merged.commit);
    expect(repo.git(['rev-list', '--parents', '-1', 'main']).split(' ').slice(1)).toEqual([
      c1.commit,
      c2.commit,
    ]);
    expect(repo.git(['show', 'main:a.txt']) + repo.git(['show', 'main:b.txt'])).toBe('a2b2');
    // The project's own branch and files did not move.
    expect(repo.git(['symbolic-ref', '--short', 'HEAD'])).toBe('person-work');
    expect(repo.read('a.txt')).toBe('a\n');
    expect(repo.git(['status', '--porcelain'])).toBe('');
  });

  it('conflicts on a base that is not checked out leave the ref where it was', async () => {
    repo = makeRepo({ 'a.txt': 'a\n' });
    repo.git(['checkout', '--quiet', '-b', 'person-work']);
    const ws = await repo.open({ baseBranch: 'main' });
    const one = await started(ws, task());
    const two = await started(ws, task());
    repo.write('a.txt', 'one\n', one.dir);
    repo.write('a.txt', 'two\n', two.dir);
    await ws.commit(one.task);
    await ws.commit(two.task);
    await ws.merge(one.task, 'ana');
    const main = repo.git(['rev-parse', 'main']);
    await expect(ws.merge(two.task, 'ana')).rejects.toMatchObject({ files: ['a.txt'] });
    expect(repo.git(['rev-parse', 'main'])).toBe(main);
  });

  it('refuses to start or merge while the project has uncommitted changes, touching nothing', async () => {
    repo = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const ws = await repo.open();
    const t = await started(ws, task({ description: 'Edit a' }));
    repo.write('a.txt', 'a2\n', t.dir);
    await ws.commit(t.task);
    repo.write('b.txt', 'half-typed by a person\n');
    const head = repo.git(['rev-parse', 'HEAD']);

    const merge = await ws.merge(t.task, 'ana').catch((e: unknown) => e);
    expect(merge).toBeInstanceOf(WorkspaceError);
    expect((merge as WorkspaceError).chat).toMatch(
      /uncommitted changes on main \(b\.txt\); nothing was merged/,
    );
    const prepare = await ws.prepare(task()).catch((e: unknown) => e);
    expect((prepare as WorkspaceError).chat).toMatch(
      /uncommitted changes on main \(b\.txt\); nothing was started/,
    );

    expect(repo.git(['rev-parse', 'HEAD'])).toBe(head);
    expect(repo.read('b.txt')).toBe('half-typed by a person\n');
    expect(repo.read('a.txt')).toBe('a\n');
    expect(repo.git(['for-each-ref', '--format=%(refname:short)', 'refs/heads/agent/'])).toBe(t.task.branch);
    // Untracked files are not changes to the project's tracked files.
    repo.git(['checkout', '--', 'b.txt']);
    repo.write('notes.txt', 'scratch\n');
    await expect(ws.merge(t.task, 'ana')).resolves.toMatchObject({ fastForward: true });
    expect(repo.read('notes.txt')).toBe('scratch\n');
  });

  it('refuses to merge over untracked files in the project, naming them and touching nothing', async () => {
    repo = makeRepo();
    const ws = await repo.open();
    const t = await started(ws, task());
    repo.write('notes.txt', 'from the agent\n', t.dir);
    await ws.commit(t.task);
    repo.write('notes.txt', 'a person’s own notes\n');
    const head = repo.git(['rev-parse', 'HEAD']);

    const error = await ws.merge(t.task, 'ana').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WorkspaceError);
    expect((error as WorkspaceError).chat).toBe(
      'The project has untracked files on main that the merge would overwrite (notes.txt); move them away and merge again. Nothing was merged.',
    );
    expect(repo.read('notes.txt')).toBe('a person’s own notes\n');
    expect(repo.git(['rev-parse', 'HEAD'])).toBe(head);
    expect(existsSync(t.dir)).toBe(true);
  });

  it('refuses to merge while the base is being rebased in the project (its ref would be overwritten)', async () => {
    repo = makeRepo({ 'a.txt': 'a\n' });
    const ws = await repo.open();
    const t = await started(ws, task());
    repo.write('b.txt', 'b\n', t.dir);
    await ws.commit(t.task);
    repo.git(['switch', '--quiet', '-c', 'upstream']);
    repo.write('a.txt', 'upstream\n');
    repo.commitAll('upstream edits a');
    repo.git(['switch', '--quiet', 'main']);
    repo.write('a.txt', 'main\n');
    const main = repo.commitAll('main edits a');
    // The rebase stops on the conflict: main is checked out nowhere until it is finished.
    expect(() => repo.git(['rebase', 'upstream'])).toThrow();

    const error = await ws.merge(t.task, 'ana').catch((e: unknown) => e);

    expect((error as WorkspaceError).chat).toBe(
      'main is being rebased in the project; nothing was merged. Finish or abort the rebase and merge again.',
    );
    expect(repo.git(['rev-parse', 'refs/heads/main'])).toBe(main);
  });

  it('says what to do when git’s index lock is left in the project (a git command running or killed)', async () => {
    repo = makeRepo();
    const ws = await repo.open();
    const t = await started(ws, task());
    repo.write('a.txt', 'a\n', t.dir);
    await ws.commit(t.task);
    repo.write('.git/index.lock', '');
    const head = repo.git(['rev-parse', 'HEAD']);

    const error = await ws.merge(t.task, 'ana').catch((e: unknown) => e);

    expect((error as WorkspaceError).chat).toBe(
      'git is busy where main is checked out (its index.lock exists); if no git command is running there, delete .git/index.lock and merge again. Nothing was merged.',
    );
    expect(repo.git(['rev-parse', 'HEAD'])).toBe(head);
    expect(existsSync(t.dir)).toBe(true);
  });

  it('refuses to merge a branch whose worktree still has uncommitted work', async () => {
    repo = makeRepo();
    const ws = await repo.open();
    const t = await started(ws, task());
    repo.write('a.txt', 'a\n', t.dir);
    await ws.commit(t.task);
    repo.write('b.txt', 'still working\n', t.dir);
    await expect(ws.merge(t.task, 'ana')).rejects.toThrow(/uncommitted work \(b\.txt\)/);
    expect(repo.read('b.txt', t.dir)).toBe('still working\n');
  });

  it('startResolve with nothing in conflict merges the base in cleanly', async () => {
    repo = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const ws = await repo.open();
    const t = await started(ws, task());
    repo.write('a.txt', 'a2\n', t.dir);
    await ws.commit(t.task);
    repo.write('b.txt', 'b2\n');
    repo.commitAll('person');
    expect(await ws.startResolve(t.task)).toEqual([]);
    expect(repo.read('b.txt', t.dir)).toBe('b2\n');
    expect(await ws.merge(t.task, 'ana')).toMatchObject({ fastForward: true });
  });
});
