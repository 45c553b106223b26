// The opencode supervisor with the real binary: it starts `opencode serve` in the project, reports its version
// and models, refuses calls without its password, disposes the instance of a worktree nobody works in any more,
// restarts it when it dies, and says plainly when it is missing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OpencodeServer,
  OpencodeUnavailableError,
} from '../../../../src/server/agents/opencode/opencode-server';
import { waitFor } from '../../../helpers/server';
import { type OpencodeWorld, opencodeWorld } from './harness';

const logger = pino({ level: 'silent' });
let world: OpencodeWorld;
let server: OpencodeServer;

beforeAll(async () => {
  world = await opencodeWorld();
  server = new OpencodeServer({
    projectRoot: world.project,
    logger,
    env: { ...process.env, ...world.env },
    instanceIdleMs: 300,
  });
});

afterAll(async () => {
  await server?.stop();
  await world?.model.stop();
});

describe('opencode supervisor', { timeout: 120_000 }, () => {
  it('starts opencode serve and reports its version and the configured models', async () => {
    await server.ready();
    const info = server.info();
    expect(info.state).toBe('ready');
    expect(info.version).toBe('1.18.33');
    expect(info.models).toEqual(['mock/failing', 'mock/scripted', 'mock/silent', 'mock/unauthorized']);
    expect(info.defaultModel).toBe('mock/scripted');
    expect(server.endpoint('mock')).toBe(world.model.url);
  });

  it('serves only callers that know its random password', async () => {
    await server.ready();
    const url = server.baseUrl;
    const res = await fetch(`${url}/config/providers`);
    expect(res.status).toBe(401);
  });

  it("disposes opencode's instance of a worktree once no followed session has worked there for a while", async () => {
    const client = await server.ready();
    const worktree = mkdtempSync(join(tmpdir(), 'ocs-worktree-'));
    const disposed: string[] = [];
    const watching = new AbortController();
    const { stream } = await client.global.event({ signal: watching.signal, sseMaxRetryAttempts: 0 });
    void (async () => {
      try {
        for await (const frame of stream as AsyncIterable<{
          payload?: { type: string; properties?: { directory?: string } };
        }>) {
          const event = frame.payload ?? (frame as { type: string; properties?: { directory?: string } });
          if (event.type === 'server.instance.disposed') disposed.push(event.properties?.directory ?? '');
        }
      } catch {}
    })();
    try {
      const session = async () =>
        (await client.session.create({ directory: worktree, title: 't' })).data?.id as string;
      const [first, second] = [await session(), await session()];
      const offFirst = server.onSession(first, () => {}, worktree);
      const offSecond = server.onSession(second, () => {}, worktree);
      // One of two sessions done: the other still works there.
      offFirst();
      await new Promise((r) => setTimeout(r, 700));
      expect(disposed).not.toContain(worktree);
      // Both done, but a new run comes back within the idle time: kept.
      offSecond();
      const offThird = server.onSession(first, () => {}, worktree);
      await new Promise((r) => setTimeout(r, 700));
      expect(disposed).not.toContain(worktree);
      // Done for good: disposed after the idle time. The project's own instance is never disposed.
      offThird();
      const offRoot = server.onSession(second, () => {}, world.project);
      offRoot();
      await waitFor(() => disposed.includes(worktree), 10_000);
      await new Promise((r) => setTimeout(r, 700));
      expect(disposed).toEqual([worktree]);
    } finally {
      watching.abort();
      rmSync(worktree, { recursive: true, force: true });
    }
  });

  it('starts it again when it dies, and tells the runs it went down', async () => {
    await server.ready();
    const downs: string[] = [];
    const off = server.onDown((reason) => downs.push(reason));
    const pid = server.info().pid as number;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => downs.length === 1, 10_000);
    expect(downs[0]).toMatch(/exited/);
    await waitFor(() => server.info().state === 'ready' && server.info().pid !== pid, 30_000);
    expect(server.info().restarts).toBe(1);
    off();
  });

  it('says opencode is not installed when the binary is nowhere', async () => {
    const missing = new OpencodeServer({ projectRoot: world.project, logger, binary: null });
    await expect(missing.ready()).rejects.toBeInstanceOf(OpencodeUnavailableError);
    expect(missing.info()).toMatchObject({
      state: 'unavailable',
      lastError: expect.stringMatching(/not installed/),
    });
  });
});
