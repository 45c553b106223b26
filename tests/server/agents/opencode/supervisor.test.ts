// The opencode supervisor with the real binary: it starts `opencode serve` in the project, reports its version
// and models, refuses calls without its password, restarts it when it dies, and says plainly when it is missing.
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
  server = new OpencodeServer({ projectRoot: world.project, logger, env: { ...process.env, ...world.env } });
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
