import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../../src/shared/message';
import { freePort, type ServerProcess, startServerProcess } from '../../helpers/process';
import { connectClient, type TestClient, tempDir, waitFor } from '../../helpers/server';

const started: ServerProcess[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const s of started.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL');
});

async function serverEnv() {
  return {
    PORT: String(await freePort()),
    WEBSOCKET_PORT: String(await freePort()),
    DATABASE_URL: join(tempDir(), 'chat.db'),
    RATE_LIMIT_PER_SECOND: '0',
  };
}

async function start(env: Record<string, string>) {
  const server = await startServerProcess(env);
  started.push(server);
  return server;
}

function client(env: Record<string, string>, userId: string) {
  const c = connectClient(`ws://127.0.0.1:${env.WEBSOCKET_PORT}`, { userId }, { retryDelayMs: () => 100 });
  clients.push(c);
  return c;
}

describe('server process lifecycle', () => {
  it('keeps every acknowledged message after kill -9, and a subscriber resumes without gap or duplicate', async () => {
    const env = await serverEnv();
    const first = await start(env);
    const watcher = client(env, 'watcher');
    const seen: Message[] = [];
    watcher.trpc.chat.onMessage.subscribe(undefined, { onData: (e) => seen.push(...e.data.messages) });
    const sender = client(env, 'sender');
    await waitFor(() => watcher.ws.connection?.state === 'open', 5000, 'watcher connected');
    const acked: Message[] = [];
    for (let i = 0; i < 20; i++)
      acked.push(await sender.trpc.chat.send.mutate({ text: `before crash ${i}` }));
    await waitFor(() => seen.length === 20, 5000, 'live delivery before the crash');

    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // Let both links notice the drop first; a send racing the close would fail rather than queue.
    await waitFor(
      () => [watcher, sender].every((c) => c.ws.connection?.state !== 'open'),
      5000,
      'drop noticed',
    );
    await start(env);
    // Both links reconnect by themselves (a send issued mid-reconnect can hit a race inside @trpc/client).
    await waitFor(
      () => [watcher, sender].every((c) => c.ws.connection?.state === 'open'),
      10_000,
      'reconnected',
    );
    for (let i = 0; i < 10; i++)
      acked.push(await sender.trpc.chat.send.mutate({ text: `after restart ${i}` }));
    await waitFor(() => seen.length >= 30, 10_000, 'resumed delivery after the restart');
    expect(seen.map((m) => m.id)).toEqual(acked.map((m) => m.id));

    const reader = client(env, 'reader');
    const history = await reader.trpc.chat.history.query({ limit: 200 });
    expect(history.messages.map((m) => m.text)).toEqual(acked.map((m) => m.text));
  });

  it('on SIGTERM tells clients to reconnect, closes cleanly and exits 0', async () => {
    const env = await serverEnv();
    const server = await start(env);
    const c = client(env, 'tess');
    await c.trpc.chat.send.mutate({ text: 'last words' });
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    await waitFor(() => c.ws.connection?.state !== 'open', 5000, 'client saw the close');
  });
});
