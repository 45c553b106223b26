// Secrets never reach the logs: a token-mode server process at LOG_LEVEL=trace, a session that uses and abuses
// every credential (tokens on ws, HTTP and legacy; the Telegram bot token through an outage), then a grep.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { mintToken } from '../../src/server/auth';
import { freePort, type ServerProcess, startServerProcess } from '../helpers/process';
import { connectClient, type TestClient, tempDir, waitFor } from '../helpers/server';
import { TOKEN as BOT_TOKEN, Emulator, telegramEnv } from '../server/transports/telegram/emulator';

const SECRET = 'log-test-secret-7f3a9c1e5b2d4f60-a8e7c6b5d4e3f2a1';
const OPENAI_KEY = 'sk-test-openai-key-that-must-not-be-logged-123456';

let server: ServerProcess | null = null;
let emulator: Emulator | null = null;
const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  await emulator?.stop();
  [server, emulator] = [null, null];
});

async function legacySession(url: string, token: string): Promise<void> {
  const ws = new WebSocket(url);
  const frames: string[] = [];
  ws.on('message', (d) => frames.push(String(d)));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'auth', token }));
  await waitFor(() => frames.length > 0, 5000, 'the legacy answer');
  if (frames[0]?.includes('auth_success'))
    ws.send(JSON.stringify({ type: 'chat_message', text: 'legacy hello' }));
  await new Promise((r) => setTimeout(r, 50));
  ws.close();
}

describe('secrets in logs', () => {
  it('never writes the auth secret, any token, the bot token or an API key to the log, even at trace level', async () => {
    emulator = await Emulator.start();
    const logDir = tempDir('ocs-logs-');
    const [http, wsPort] = [await freePort(), await freePort()];
    server = await startServerProcess({
      ...telegramEnv(emulator.apiRoot),
      AUTH_SECRET: SECRET,
      OPENAI_API_KEY: OPENAI_KEY,
      PORT: String(http),
      WEBSOCKET_PORT: String(wsPort),
      DATABASE_URL: join(logDir, 'chat.db'),
      LOG_FILE: join(logDir, 'server.log'),
      LOG_LEVEL: 'trace',
    });
    const wsUrl = `ws://127.0.0.1:${wsPort}`;
    const user = await mintToken(SECRET, { user: 'alice', role: 'user' });
    const admin = await mintToken(SECRET, { user: 'root', role: 'admin' });
    const forged = await mintToken('forged-secret-forged-secret-forged-secret', {
      user: 'eve',
      role: 'admin',
    });
    const expired = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('old')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(SECRET));
    const tokens = { user, admin, forged, expired };

    // tRPC over WebSocket, good and bad credentials.
    const alice = connectClient(wsUrl, { token: user });
    const root = connectClient(wsUrl, { token: admin });
    clients.push(alice, root);
    await alice.trpc.chat.send.mutate({ text: 'hello from alice' });
    await root.trpc.users.revoke.mutate({ user: 'mallory' });
    for (const bad of [forged, expired]) {
      const c = connectClient(wsUrl, { token: bad });
      clients.push(c);
      await expect(c.trpc.chat.send.mutate({ text: 'nope' })).rejects.toThrow();
    }
    // HTTP with Bearer tokens, good and bad.
    for (const token of Object.values(tokens)) {
      await fetch(`http://127.0.0.1:${http}/communication/info`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await fetch(`http://127.0.0.1:${http}/trpc/chat.send`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'over http' }),
      });
    }
    // Legacy sign-ins with a token in the frame.
    await legacySession(`${wsUrl}/legacy`, user);
    await legacySession(`${wsUrl}/legacy`, forged);
    // The bridge through a Telegram outage: failed calls carry the bot token in their URL.
    await waitFor(() => emulator?.sent.length !== 0, 10_000, 'the bridge to forward');
    await emulator.stop();
    await alice.trpc.chat.send.mutate({ text: 'while Telegram is down' });
    await new Promise((r) => setTimeout(r, 1500));
    await emulator.resume();
    await waitFor(
      () => emulator?.sent.some((s) => s.text.includes('while Telegram is down')) ?? false,
      15_000,
      'the bridge to recover',
    );

    server.child.kill('SIGTERM');
    await server.exited;
    const files = readdirSync(logDir).filter((f) => f.endsWith('.log'));
    const log = files.map((f) => readFileSync(join(logDir, f), 'utf8')).join('\n') + server.output();
    // The session really was logged (so an empty log cannot pass).
    expect(files.length).toBeGreaterThan(0);
    expect(log).toContain('server started');
    expect(log.split('\n').length).toBeGreaterThan(20);

    const secrets: Record<string, string> = {
      AUTH_SECRET: SECRET,
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      'bot token secret part': BOT_TOKEN.split(':')[1] as string,
      OPENAI_API_KEY: OPENAI_KEY,
      ...Object.fromEntries(Object.entries(tokens).map(([k, v]) => [`${k} token`, v])),
      ...Object.fromEntries(
        Object.entries(tokens).map(([k, v]) => [`${k} token signature`, v.split('.')[2] as string]),
      ),
    };
    const leaked = Object.entries(secrets)
      .filter(([, value]) => log.includes(value))
      .map(([name]) => name);
    const where = log.split('\n').filter((l) => Object.values(secrets).some((v) => l.includes(v)));
    if (where.length)
      console.log(
        where
          .slice(0, 5)
          .map((l) => l.slice(0, 600))
          .join('\n'),
      );
    expect(leaked).toEqual([]);
  }, 60_000);
});
