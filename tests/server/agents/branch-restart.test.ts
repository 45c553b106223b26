// A server killed with SIGKILL while a task works in its worktree (issue 21): restarted on the same database and
// data directory, no worktree is left, the task is interrupted, and its work is saved on its branch.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, type ServerProcess, startServerProcess } from '../../helpers/process';
import { connectClient, type TestClient, tempDir, waitFor } from '../../helpers/server';
import { fixtureCommand, gitProject } from './helpers';

const started: ServerProcess[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const s of started.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL');
});

async function start(env: Record<string, string>): Promise<{ server: ServerProcess; client: TestClient }> {
  const server = await startServerProcess(env);
  started.push(server);
  const client = connectClient(`ws://127.0.0.1:${env.WEBSOCKET_PORT}`, { userId: 'carol' });
  clients.push(client);
  return { server, client };
}

describe('task worktrees across a SIGKILL', { timeout: 120_000 }, () => {
  it('leaves no stray worktree after a restart; the task is interrupted and its work is on its branch', async () => {
    const project = gitProject();
    const dataDir = tempDir('ocs-branch-data-');
    const env = {
      PORT: String(await freePort()),
      WEBSOCKET_PORT: String(await freePort()),
      DATABASE_URL: join(tempDir(), 'chat.db'),
      DATA_DIR: dataDir,
      PROJECT_ROOT: project,
      AGENT_WORKER_COMMAND: fixtureCommand('branch-worker.mjs', '{task}'),
      RATE_LIMIT_PER_SECOND: '0',
    };
    const first = await start(env);
    await first.client.trpc.employees.hire.mutate({ name: 'alice', role: 'developer' });
    const { task } = await first.client.trpc.tasks.assign.mutate({
      employee: 'alice',
      description: 'add the greeting and hold',
    });
    const worktree = join(dataDir, 'worktrees', String(task.id));
    await waitFor(
      () => existsSync(join(worktree, 'alice.txt')),
      20_000,
      'the worker writing in its worktree',
    );

    first.server.child.kill('SIGKILL');
    expect((await first.server.exited).signal).toBe('SIGKILL');
    const second = await start(env);
    let interrupted = '';
    await waitFor(
      async () => {
        const { messages } = await second.client.trpc.chat.history.query({ limit: 50 });
        interrupted =
          messages.find((m) => m.sender === 'alice' && m.text.startsWith('⚠️ Interrupted'))?.text ?? '';
        return interrupted !== '';
      },
      20_000,
      'the interruption in the chat',
    );

    const [after] = await second.client.trpc.tasks.list.query({ employee: 'alice' });
    expect(after).toMatchObject({ id: task.id, status: 'interrupted', branchState: 'open' });
    const branch = after?.branch as string;
    expect(branch).toBe(`agent/alice/${task.id}-add-the-greeting-and-hold`);
    expect(interrupted).toContain(`My work so far is saved on ${branch}.`);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: project, encoding: 'utf8' }).trim();
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
    expect(existsSync(worktree)).toBe(false);
    expect(git('show', `${branch}:alice.txt`)).toBe('add the greeting and hold');
    expect(git('log', '-1', '--format=%s', branch)).toBe(`WIP (interrupted): task #${task.id}`);
    expect(git('status', '--porcelain')).toBe('');
    const { files } = await second.client.trpc.tasks.diff.query({ id: task.id });
    expect(files.map((f) => [f.path, f.additions])).toEqual([['alice.txt', 1]]);
  });
});
