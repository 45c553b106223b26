// The bridge under trouble: 429s from a proxy, a bad token, repeated updates, runtime switching under load.
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../../src/server/app';
import type { Message } from '../../../../src/shared/message';
import {
  collectMessages,
  connectClient,
  startTestServer,
  type TestClient,
  waitFor,
} from '../../../helpers/server';
import { callerFor } from '../../../helpers/services';
import { ApiProxy, Emulator, type ProxyRule, TOKEN, telegramEnv } from './emulator';

let emulator: Emulator | null = null;
let proxy: ApiProxy | null = null;
let apps: App[] = [];
let clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients) await client.close();
  for (const app of apps) await app.stop();
  await proxy?.stop();
  await emulator?.stop();
  [clients, apps, emulator, proxy] = [[], [], null, null];
});

async function startBehindProxy(rule: ProxyRule, env: Record<string, string> = {}): Promise<App> {
  emulator = await Emulator.start();
  const target = emulator.apiRoot;
  proxy = await ApiProxy.start(() => target, rule);
  const app = await startTestServer({ ...telegramEnv(proxy.apiRoot), ...env });
  apps.push(app);
  return app;
}

function webClient(app: App, user: string) {
  const client = connectClient(app.wsUrl, { userId: user });
  clients.push(client);
  return { client, ...collectMessages(client) };
}

describe('Telegram bridge under trouble', () => {
  it('waits out a 429 for retry_after seconds, then sends the message once', async () => {
    const app = await startBehindProxy({ tooManyRequests: 1, retryAfter: 1 });
    const alice = webClient(app, 'alice');
    await alice.started();

    await alice.client.trpc.chat.send.mutate({ text: 'slow down please' });

    await waitFor(() => emulator?.sent.length === 1, 10_000, 'the message after the 429');
    expect(emulator?.sent.map((s) => s.text)).toEqual(['<b>alice</b>: slow down please']);
    // The proxy logs a call as it answers, just after the emulator stored the message.
    const sendCalls = () => proxy?.calls.filter((c) => c.method === 'sendMessage') ?? [];
    await waitFor(() => sendCalls().length === 2, 5000, 'the proxy to log the retry');
    const sends = sendCalls();
    expect(sends.map((c) => c.status)).toEqual([429, 200]);
    // Not earlier than Telegram asked (a lower bound, not a performance claim).
    expect((sends[1]?.at ?? 0) - (sends[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    const stats = await callerFor(app.services).communication.stats();
    expect(stats.telegram.rateLimitHits).toBe(1);
  });

  it('falls back to websocket on a bad token and reports why', async () => {
    const app = await startBehindProxy({ badTokens: [TOKEN] });

    const info = app.services.transports.info();
    expect(info).toMatchObject({ type: 'websocket', detectedBy: 'fallback', connected: true });
    expect(info.reason).toContain('getMe failed: getMe: 401 Unauthorized');
    expect(info.transports.telegram).toMatchObject({ configured: true, running: false });

    // Asking for telegram again fails with the same actionable reason, and changes nothing.
    const admin = callerFor(app.services, { id: 'root', role: 'admin' });
    await expect(admin.communication.switch({ transport: 'telegram' })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: expect.stringContaining('401 Unauthorized'),
    });
    expect(app.services.transports.type).toBe('websocket');
    expect(await app.services.repo.getSetting('communication.transport')).toBeNull();
  });

  it('commits a repeated update only once (idempotent by update id)', async () => {
    const app = await startBehindProxy({ repeatUpdates: true });
    const web = webClient(app, 'bob');
    await web.started();

    await emulator?.userSays('say it once');
    await waitFor(
      () => app.services.transports.info().transports.telegram.duplicateUpdatesIgnored === 1,
      10_000,
      'the repeat to be seen',
    );
    await emulator?.userSays('and then this');
    await waitFor(() => web.received.length === 2, 10_000, 'the second message');
    expect(web.received.map((m) => m.text)).toEqual(['say it once', 'and then this']);
  });

  it('switches websocket <-> telegram at runtime while messages flow: none lost, the agent keeps answering', async () => {
    const app = await startBehindProxy({});
    const { transports: manager } = app.services;
    const agentSaw: Message[] = [];
    const answered: (boolean | null)[] = [];
    manager.addMessageHandler(async (message) => {
      agentSaw.push(message);
      if (message.mentions.includes('helper') && message.sender !== 'helper')
        answered.push(await manager.sendMessage(`done: ${message.text}`, 'helper', message.id));
    });
    const alice = webClient(app, 'alice');
    await alice.started();
    const admin = callerFor(app.services, { id: 'root', role: 'admin' });

    const sends: Promise<unknown>[] = [];
    const transports = ['websocket', 'telegram', 'websocket', 'telegram'] as const;
    for (let round = 0; round < transports.length; round++) {
      for (let i = 0; i < 5; i++)
        sends.push(alice.client.trpc.chat.send.mutate({ text: `round ${round} message ${i}` }));
      sends.push(alice.client.trpc.chat.send.mutate({ text: `@helper round ${round}` }));
      await emulator?.userSays(`telegram round ${round}`);
      await admin.communication.switch({ transport: transports[round] as 'websocket' | 'telegram' });
    }
    await Promise.all(sends);

    // 4 rounds x (5 + 1 mention) web messages, 4 agent answers; Telegram messages sent while the bridge was off
    // wait on Telegram's side and arrive once it is back on.
    await waitFor(() => agentSaw.filter((m) => m.sender === 'helper').length === 4, 15_000, 'four answers');
    await waitFor(
      () => alice.received.filter((m) => m.origin === 'telegram').length === 4,
      15_000,
      'telegram',
    );
    const webTexts = alice.received.filter((m) => m.sender === 'alice').map((m) => m.text);
    expect(webTexts).toHaveLength(24);
    expect(new Set(alice.received.map((m) => m.id)).size).toBe(alice.received.length);
    expect(agentSaw.map((m) => m.id)).toEqual(alice.received.map((m) => m.id));
    // Every answer's send settles (the agent sees its own answer when it is committed, which can be before
    // Telegram took it): an answer waiting for Telegram when the bridge went off reports "not delivered"; it is
    // still committed.
    await waitFor(() => answered.length === 4, 15_000, 'every answer to settle');
    expect(manager.type).toBe('telegram');
    expect(await manager.sendMessage('all switched', 'helper')).toBe(true);
    expect(emulator?.sent.at(-1)?.text).toBe('🤖 <b>helper</b>: all switched');
    expect(await app.services.repo.getSetting('communication.transport')).toBe('telegram');
  });
});
