// Steps 2 and 4: the real server started on the target address, a real tRPC WebSocket client, a message sent
// and received; then an agent hired for the check answers a mention. Each uses a throw-away database.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import pino from 'pino';
import WebSocket from 'ws';
import { type App, startApp } from '../../src/server/app';
import { mintToken } from '../../src/server/auth';
import { isLoopback, loadConfig } from '../../src/server/config';
import type { AppRouter } from '../../src/server/trpc/root';
import type { Message } from '../../src/shared/message';

export const CHECK_TIMEOUT_MS = 15_000;

/** A wildcard bind address is not something to connect to: use the loopback interface instead. */
export function connectHost(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

interface Session {
  app: App;
  url: string;
  send(text: string): Promise<Message>;
  received: Message[];
  close(): Promise<void>;
}

/** Starts the app with `env` (plus a temp database, silent logs) and connects one subscribed client. */
async function openSession(env: Record<string, string>, wsHost: string, wsPort: number): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), 'ocs-migrate-check-'));
  const secret = env.AUTH_SECRET || (isLoopback(wsHost) ? '' : randomBytes(32).toString('hex'));
  const config = loadConfig({
    ...env,
    // The HTTP side is not under test and the live server may hold its port: any free one will do.
    PORT: '0',
    WEBSOCKET_HOST: wsHost,
    WEBSOCKET_PORT: String(wsPort),
    DATABASE_URL: join(dir, 'check.db'),
    LOG_LEVEL: 'silent',
    LOG_FILE: '',
    RATE_LIMIT_PER_SECOND: '0',
    AUTH_SECRET: secret,
    // Never poll or post to a real Telegram bot from a check.
    TELEGRAM_BOT_TOKEN: '',
    TELEGRAM_CHAT_ID: '',
    OPENCODE_TRANSPORT: 'websocket',
  });
  let app: App;
  try {
    app = await startApp(config, { logger: pino({ level: 'silent' }), clientDir: join(dir, 'no-client') });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = `ws://${urlHost(connectHost(wsHost))}:${wsPort}`;
  const params = secret
    ? { token: await mintToken(secret, { user: 'migration-check', role: 'admin' }, '10m') }
    : { userId: 'migration-check' };
  const ws = createWSClient({
    url,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: params,
    retryDelayMs: () => 200,
  });
  const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  const received: Message[] = [];
  let started!: () => void;
  const ready = new Promise<void>((resolve) => {
    started = resolve;
  });
  const sub = trpc.chat.onMessage.subscribe(
    {},
    { onStarted: () => started(), onData: (event) => received.push(...event.data.messages) },
  );
  const close = async () => {
    sub.unsubscribe();
    await ws.close();
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await within(ready, `connecting to ${url}`);
  } catch (error) {
    await close();
    throw error;
  }
  return { app, url, send: (text) => trpc.chat.send.mutate({ text }), received, close };
}

async function within<T>(promise: Promise<T>, what: string, ms = CHECK_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s while ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  await within(
    (async () => {
      while (!check()) await new Promise((r) => setTimeout(r, 20));
    })(),
    what,
  );
}

/** Step 2: start on host:port, send a message, receive it back on the subscription, stop. */
export async function checkWebSocket(host: string, port: number): Promise<Record<string, unknown>> {
  const session = await openSession({}, host, port);
  try {
    const startedAt = performance.now();
    const sent = await within(session.send(`migration check ${randomBytes(4).toString('hex')}`), 'sending');
    await until(() => session.received.some((m) => m.id === sent.id), 'waiting for the message to come back');
    return { url: session.url, messageId: sent.id, roundTripMs: Math.round(performance.now() - startedAt) };
  } finally {
    await session.close();
  }
}

/** What step 4 needs of the agents service (another module; absent in builds without it). */
interface AgentsLike {
  hire(input: { name: string; role: string; smartness: 'normal' }, by: string): Promise<unknown>;
  fire(name: string, by: string): Promise<unknown>;
}

/**
 * Step 4: the migrated settings (`env`, from the new .env) on host:port; a temporary agent is hired and
 * must answer a mention over the WebSocket transport. Returns skipped details when there are no agents.
 */
export async function checkAgentCommunication(
  env: Record<string, string>,
  host: string,
  port: number,
): Promise<Record<string, unknown>> {
  const session = await openSession(env, host, port);
  try {
    const agents = (session.app.services as unknown as { agents?: AgentsLike }).agents;
    if (!agents || typeof agents.hire !== 'function') {
      return {
        skipped: true,
        reason: 'this build has no agents service; the WebSocket transport was checked',
      };
    }
    const name = `migcheck-${randomBytes(3).toString('hex')}`;
    await agents.hire({ name, role: 'tester', smartness: 'normal' }, 'migration-check');
    try {
      const startedAt = performance.now();
      const mention = await within(session.send(`@${name} hello, are you there?`), 'sending the mention');
      await until(
        () =>
          session.received.some((m) => m.senderKind === 'agent' && m.sender === name && m.id > mention.id),
        `waiting for @${name} to acknowledge`,
      );
      const reply = session.received.find((m) => m.senderKind === 'agent' && m.sender === name);
      return {
        url: session.url,
        agent: name,
        acknowledgement: reply?.text,
        latencyMs: Math.round(performance.now() - startedAt),
      };
    } finally {
      await agents.fire(name, 'migration-check').catch(() => undefined);
    }
  } finally {
    await session.close();
  }
}
