// The Telegram bridge end to end: the real app, the real grammY client, the telegram-test-api emulator.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../../src/server/app';
import type { Message } from '../../../../src/shared/message';
import {
  collectMessages,
  connectClient,
  startTestServer,
  type TestClient,
  tempDir,
  waitFor,
} from '../../../helpers/server';
import { CHAT_ID, Emulator, telegramEnv } from './emulator';

let emulator: Emulator | null = null;
let apps: App[] = [];
let clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients) await client.close();
  for (const app of apps) await app.stop();
  await emulator?.stop();
  [clients, apps, emulator] = [[], [], null];
});

async function start(env: Record<string, string> = {}, dbPath?: string): Promise<App> {
  emulator ??= await Emulator.start();
  const app = await startTestServer({
    ...telegramEnv(emulator.apiRoot),
    ...(dbPath ? { DATABASE_URL: dbPath } : {}),
    ...env,
  });
  apps.push(app);
  return app;
}

function subscriber(app: App, user: string) {
  const client = connectClient(app.wsUrl, { userId: user });
  clients.push(client);
  return { client, ...collectMessages(client) };
}

/** A minimal agent plugged in through the transport layer: answers "@helper …" via the manager. */
function helperAgent(app: App) {
  const seen: Message[] = [];
  app.services.transports.addMessageHandler(async (message) => {
    seen.push(message);
    if (message.mentions.includes('helper') && message.sender !== 'helper')
      await app.services.transports.sendMessage(`on it, ${message.sender}`, 'helper', message.id);
  });
  return seen;
}

describe('Telegram bridge', () => {
  it('commits an answer sent through the Telegram transport just after a switch turned the bridge off (not delivered, not lost)', async () => {
    const app = await start();
    const web = subscriber(app, 'alice');
    await web.started();
    // A sender that picked the Telegram transport before the switch to websocket turned its bridge off.
    const telegram = app.services.transports.telegram;
    await app.services.transports.switch('websocket');
    expect(telegram.running).toBe(false);

    const delivered = await telegram.sendMessage('on it, alice', 'helper');

    expect(delivered).toBe(false);
    await waitFor(() => web.received.some((m) => m.text === 'on it, alice'), 5000, 'the answer on the web');
    expect(emulator?.sent.some((m) => m.text.includes('on it, alice'))).toBe(false);
  });

  it('brings a Telegram user message to tRPC subscribers and to the agents, attributed to the username', async () => {
    const app = await start();
    expect(app.services.transports.type).toBe('telegram');
    const agentSaw = helperAgent(app);
    const web = subscriber(app, 'bob');
    await web.started();

    await emulator?.userSays('hello from telegram @helper', { userName: 'tg_alice' });

    await waitFor(() => web.received.some((m) => m.sender === 'helper'), 10_000, 'agent reply on the web');
    const inbound = web.received.find((m) => m.text === 'hello from telegram @helper');
    expect(inbound).toMatchObject({ sender: 'tg_alice', origin: 'telegram', senderKind: 'user' });
    expect(agentSaw.map((m) => m.id)).toContain(inbound?.id);
    const reply = web.received.find((m) => m.sender === 'helper');
    expect(reply).toMatchObject({ replyTo: inbound?.id, senderKind: 'agent', origin: 'agent' });
    // The agent's reply goes to Telegram as a real reply to the user's message; the user's own is not echoed.
    await waitFor(() => (emulator?.sent.length ?? 0) >= 1, 10_000, 'reply in Telegram');
    expect(emulator?.sent).toHaveLength(1);
    expect(emulator?.sent[0]?.text).toBe('🤖 <b>helper</b>: on it, tg_alice');
  });

  it('names a Telegram user without a username by first and last name', async () => {
    const app = await start();
    const web = subscriber(app, 'bob');
    await web.started();
    const client = emulator?.server.getClient('123456:test-token', { chatId: CHAT_ID, firstName: 'Ada' });
    const message = client?.makeMessage('no username here', {
      from: { id: 7, first_name: 'Ada', last_name: 'Lovelace', is_bot: false, username: undefined },
    } as never);
    if (message) delete (message.from as { username?: string }).username;
    await client?.sendMessage(message as never);
    await waitFor(() => web.received.length === 1, 10_000, 'the message');
    expect(web.received[0]?.sender).toBe('Ada Lovelace');
  });

  it('sends web messages to the chat as escaped HTML and threads replies through the id map', async () => {
    const app = await start();
    const alice = subscriber(app, 'alice');
    await alice.started();

    const first = await alice.client.trpc.chat.send.mutate({ text: 'a <b>bold</b> claim & more' });
    await waitFor(() => emulator?.sent.length === 1, 10_000, 'first message in Telegram');
    const firstTelegramId = emulator?.sent[0]?.telegramId;
    expect(emulator?.sent[0]).toMatchObject({
      text: '<b>alice</b>: a &lt;b&gt;bold&lt;/b&gt; claim &amp; more',
      parseMode: 'HTML',
      replyTo: null,
      chatId: String(CHAT_ID),
    });

    // A web reply becomes a Telegram reply to the Telegram copy of the original.
    await alice.client.trpc.chat.send.mutate({ text: 'replying to myself', replyTo: first.id });
    await waitFor(() => emulator?.sent.length === 2, 10_000, 'reply in Telegram');
    expect(emulator?.sent[1]?.replyTo).toBe(firstTelegramId);

    // A Telegram user replying to the bot's copy becomes a reply to our original message.
    await emulator?.userSays('answering alice', { replyTo: firstTelegramId });
    await waitFor(() => alice.received.some((m) => m.text === 'answering alice'), 10_000, 'telegram reply');
    expect(alice.received.find((m) => m.text === 'answering alice')?.replyTo).toBe(first.id);
  });

  it('splits a message longer than Telegram allows into numbered parts, in order', async () => {
    const app = await start();
    const alice = subscriber(app, 'alice');
    await alice.started();
    const long = `${'x'.repeat(3000)} ${'y'.repeat(1090)}`;
    expect(long.length).toBe(4091);

    await alice.client.trpc.chat.send.mutate({ text: long });

    await waitFor(() => emulator?.sent.length === 2, 10_000, 'two parts');
    expect(emulator?.sent[0]?.text).toBe(`<b>alice</b> (1/2): ${'x'.repeat(3000)}`);
    expect(emulator?.sent[1]?.text).toBe(`<b>alice</b> (2/2): ${'y'.repeat(1090)}`);
  });

  it('ignores updates from other chats', async () => {
    const app = await start();
    const web = subscriber(app, 'bob');
    await web.started();
    await emulator?.userSays('wrong chat', { chatId: 999 });
    await emulator?.userSays('right chat');
    await waitFor(() => web.received.length >= 1, 10_000, 'the right message');
    expect(web.received.map((m) => m.text)).toEqual(['right chat']);
  });

  it('sends everything said during a Telegram outage afterwards, in order, once', async () => {
    const app = await start();
    const alice = subscriber(app, 'alice');
    await alice.started();
    await emulator?.stop();

    for (let i = 1; i <= 20; i++) await alice.client.trpc.chat.send.mutate({ text: `message ${i}` });
    await waitFor(() => app.services.transports.info().transports.telegram.lastError !== null);
    expect(app.services.transports.info().transports.telegram.lastError).toMatch(/network error/);
    expect(emulator?.sent).toHaveLength(0);
    await emulator?.resume();

    await waitFor(() => emulator?.sent.length === 20, 15_000, 'the backlog');
    expect(emulator?.sent.map((s) => s.text)).toEqual(
      Array.from({ length: 20 }, (_, i) => `<b>alice</b>: message ${i + 1}`),
    );
    await waitFor(() => app.services.transports.info().transports.telegram.outboxDepth === 0);
  });

  it('sends the backlog in order and exactly once after a Telegram outage and a restart', async () => {
    const dbPath = join(tempDir(), 'chat.db');
    const first = await start({}, dbPath);
    const alice = subscriber(first, 'alice');
    await alice.started();
    await alice.client.trpc.chat.send.mutate({ text: 'before the outage' });
    await waitFor(() => emulator?.sent.length === 1, 10_000, 'first message');

    await emulator?.stop();
    for (let i = 1; i <= 20; i++) await alice.client.trpc.chat.send.mutate({ text: `during outage ${i}` });
    // The outbox holds them and keeps retrying against the dead emulator.
    await waitFor(() => (first.services.transports.info().transports.telegram.outboxDepth ?? 0) === 20);
    await waitFor(() => first.services.transports.info().transports.telegram.lastError !== null);
    expect(first.services.transports.info().transports.telegram.lastError).toMatch(/network error/);

    // The server restarts while Telegram is still down: nothing may be lost.
    await alice.client.close();
    clients = [];
    await first.stop();
    apps = [];
    const second = await start({}, dbPath);
    // getMe fails while the emulator is down: the server falls back to websocket and says why.
    expect(second.services.transports.info()).toMatchObject({
      type: 'websocket',
      detectedBy: 'fallback',
    });
    expect(second.services.transports.info().reason).toMatch(/getMe failed: network error/);

    // Telegram answers again: the bridge comes back by itself (no admin needed) and sends the backlog.
    await emulator?.resume();
    await waitFor(() => second.services.transports.type === 'telegram', 15_000, 'the bridge to recover');
    expect(second.services.transports.info()).toMatchObject({ detectedBy: 'recovered', reason: null });

    await waitFor(() => emulator?.sent.length === 21, 15_000, 'the backlog');
    expect(emulator?.sent.map((s) => s.text)).toEqual([
      '<b>alice</b>: before the outage',
      ...Array.from({ length: 20 }, (_, i) => `<b>alice</b>: during outage ${i + 1}`),
    ]);
    // The last row is deleted just after Telegram answered.
    await waitFor(() => second.services.transports.info().transports.telegram.outboxDepth === 0);
    expect(await second.services.transports.outboxDepth()).toBe(0);
  });
});
