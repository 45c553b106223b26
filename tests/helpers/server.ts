// Integration test set-up: the real server on free loopback ports, and @trpc/client wsLink clients.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTRPCClient, createWSClient, type TRPCClient, wsLink } from '@trpc/client';
import pino from 'pino';
import WebSocket from 'ws';
import { type App, type AppOptions, startApp } from '../../src/server/app';
import type { AppRouter } from '../../src/server/trpc/root';
import type { Message } from '../../src/shared/message';
import { testConfig } from './services';

export function tempDir(prefix = 'ocs-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts the real app on port 0 with a file database in a temp dir unless DATABASE_URL is given. */
export async function startTestServer(
  env: Record<string, string> = {},
  options: AppOptions = {},
): Promise<App> {
  const config = testConfig({ DATABASE_URL: join(tempDir(), 'chat.db'), ...env });
  return startApp(config, { logger: pino({ level: 'silent' }), ...options });
}

export interface TestClient {
  trpc: TRPCClient<AppRouter>;
  ws: ReturnType<typeof createWSClient>;
  close(): Promise<void>;
}

export function connectClient(
  url: string,
  params: Record<string, string> = {},
  options: { retryDelayMs?: (attempt: number) => number } = {},
): TestClient {
  const ws = createWSClient({
    url,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: params,
    retryDelayMs: options.retryDelayMs ?? (() => 100),
  });
  const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  return { trpc, ws, close: () => ws.close() };
}

/** Resolves when `check` returns true, polling every 10 ms; rejects after `timeoutMs`. */
/** Polls `check` (which may ask a server, so it may return a promise) until it holds. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Subscribes `client` to chat.onMessage and collects what arrives; `started()` resolves once it is live. */
export function collectMessages(client: TestClient, lastEventId?: string) {
  const received: Message[] = [];
  let live = false;
  const subscription = client.trpc.chat.onMessage.subscribe(lastEventId ? { lastEventId } : undefined, {
    onStarted: () => {
      live = true;
    },
    onData: (event) => received.push(...event.data.messages),
  });
  return { received, subscription, started: () => waitFor(() => live, 5000, 'subscription start') };
}
