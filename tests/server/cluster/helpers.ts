// Cluster test set-up: several real server processes on one embedded PostgreSQL, and clients that, like nginx
// without sticky sessions, reconnect to whichever instance is next.
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { afterAll, afterEach, beforeAll } from 'vitest';
import WebSocket from 'ws';
import type { TransportInfo } from '../../../src/server/transports/types';
import type { AppRouter } from '../../../src/server/trpc/root';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import { freePort, type ServerProcess, startServerProcess } from '../../helpers/process';
import type { TestClient } from '../../helpers/server';

/**
 * The set-up every cluster test file shares: one embedded PostgreSQL for the file (a fresh database per test via
 * `createDatabase`), and after each test its clients closed, its instances killed and then `cleanUp` run.
 */
export function clusterFixture(cleanUp?: () => Promise<void>) {
  let postgres: TestPostgres | undefined;
  const instances: Instance[] = [];
  const clients: TestClient[] = [];
  beforeAll(async () => {
    postgres = await startPostgres();
  }, 60_000);
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const i of instances.splice(0)) stopInstance(i);
    await cleanUp?.();
  });
  afterAll(async () => {
    await postgres?.stop();
  });
  const createDatabase = () => {
    if (!postgres)
      throw new Error('PostgreSQL is not running: clusterFixture() registers its start in beforeAll');
    return postgres.createDatabase();
  };
  return { instances, clients, createDatabase };
}

export interface Instance {
  process: ServerProcess;
  wsUrl: string;
  httpUrl: string;
}

export async function startInstance(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<Instance> {
  const port = String(await freePort());
  const wsPort = String(await freePort());
  const process = await startServerProcess({
    PORT: port,
    WEBSOCKET_PORT: wsPort,
    DATABASE_URL: databaseUrl,
    RATE_LIMIT_PER_SECOND: '0',
    ...env,
  });
  return { process, wsUrl: `ws://127.0.0.1:${wsPort}`, httpUrl: `http://127.0.0.1:${port}` };
}

export function stopInstance(instance: Instance): void {
  if (isAlive(instance)) instance.process.child.kill('SIGKILL');
}

/** A client that connects to `instances[0]` first and, on every reconnect, to the next live one in turn. */
export function clusterClient(instances: Instance[], userId: string): TestClient & { url: () => string } {
  let attempt = -1;
  let current = '';
  const url = () => {
    attempt += 1;
    const live = instances.filter(isAlive);
    const target = live[attempt % live.length] ?? instances[0];
    current = target?.wsUrl ?? '';
    return current;
  };
  const ws = createWSClient({
    url,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { userId },
    retryDelayMs: () => 100,
  });
  const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  return { trpc, ws, close: () => ws.close(), url: () => current };
}

export function isAlive(instance: Instance): boolean {
  return instance.process.child.exitCode === null && instance.process.child.signalCode === null;
}

/** GET /communication/info of one instance (bounded: a paused process never answers). */
export async function communicationInfo(instance: Instance): Promise<TransportInfo> {
  const response = await fetch(`${instance.httpUrl}/communication/info`, {
    signal: AbortSignal.timeout(2000),
  });
  return (await response.json()) as TransportInfo;
}

/** Polls an asynchronous check (a failed try counts as not yet) until it holds or `timeoutMs` passes. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
