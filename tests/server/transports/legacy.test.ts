// The legacy JSON endpoint: a raw ws client speaking the old protocol, next to a tRPC client in the same room.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../../src/server/app';
import { freePort } from '../../helpers/process';
import {
  collectMessages,
  connectClient,
  startTestServer,
  type TestClient,
  waitFor,
} from '../../helpers/server';

let apps: App[] = [];
let clients: TestClient[] = [];
let sockets: WebSocket[] = [];

afterEach(async () => {
  for (const socket of sockets) socket.terminate();
  for (const client of clients) await client.close();
  for (const app of apps) await app.stop();
  [apps, clients, sockets] = [[], [], []];
});

type Frame = Record<string, unknown> & { type: string; data?: Record<string, unknown> };

async function legacyClient(url: string) {
  const socket = new WebSocket(url);
  sockets.push(socket);
  const frames: Frame[] = [];
  let closed: number | null = null;
  socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
  socket.on('close', (code) => {
    closed = code;
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return {
    socket,
    frames,
    closed: () => closed,
    send: (frame: unknown) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next: async (type: string, from = 0) => {
      await waitFor(() => frames.slice(from).some((f) => f.type === type), 5000, `a ${type} frame`);
      return frames.slice(from).find((f) => f.type === type) as Frame;
    },
  };
}

async function startWithWeb(env: Record<string, string> = {}) {
  const app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0', ...env });
  apps.push(app);
  const web = connectClient(app.wsUrl, { userId: 'webby' });
  clients.push(web);
  const { received, started } = collectMessages(web);
  await started();
  const legacyUrl = `${app.wsUrl.replace(/\/ws$/, '').replace(/\/$/, '')}/legacy`;
  return { app, web, received, legacyUrl };
}

describe('legacy JSON endpoint', () => {
  it('runs the old protocol next to a tRPC client: both see each other', async () => {
    const { app, web, received, legacyUrl } = await startWithWeb();
    const old = await legacyClient(legacyUrl);

    old.send({ type: 'auth', user_id: 'oldtimer', role: 'user' });
    const ok = await old.next('auth_success');
    expect(ok).toMatchObject({ type: 'auth_success', user_id: 'oldtimer', role: 'user' });
    expect(app.services.hub.presence.isOnline('oldtimer')).toBe(true);

    // Old -> everyone: top-level fields.
    old.send({ type: 'chat_message', text: 'hi from the old client @webby' });
    await waitFor(() => received.some((m) => m.sender === 'oldtimer'), 5000, 'legacy message on tRPC');
    const fromOld = received.find((m) => m.sender === 'oldtimer');
    expect(fromOld).toMatchObject({ origin: 'legacy', mentions: ['webby'], senderKind: 'user' });
    const echo = await old.next('chat_message');
    expect(echo.data).toEqual({
      id: fromOld?.id,
      text: 'hi from the old client @webby',
      markdown: 'hi from the old client @webby',
      sender: 'oldtimer',
      timestamp: fromOld?.createdAt,
      mentions: ['webby'],
      is_command: false,
      command: null,
      command_args: [],
      reply_to: null,
      is_bot_message: false,
    });

    // tRPC -> old client, then a reply nested under `data`, the old way.
    const mark = old.frames.length;
    const webMessage = await web.trpc.chat.send.mutate({ text: '/deploy now please' });
    const seen = await old.next('chat_message', mark);
    expect(seen.data).toMatchObject({
      id: webMessage.id,
      sender: 'webby',
      is_command: true,
      command: 'deploy',
      command_args: ['now', 'please'],
    });
    old.send({ type: 'chat_message', data: { text: 'replying', reply_to: webMessage.id } });
    await waitFor(() => received.some((m) => m.text === 'replying'), 5000, 'nested reply');
    expect(received.find((m) => m.text === 'replying')?.replyTo).toBe(webMessage.id);
  });

  it('sends old clients the plain text a reader sees, with the Markdown source beside it', async () => {
    const { web, legacyUrl } = await startWithWeb();
    const old = await legacyClient(legacyUrl);
    old.send({ type: 'auth', user_id: 'oldtimer', role: 'user' });
    await old.next('auth_success');

    const mark = old.frames.length;
    const source =
      '**ship** it @oldtimer: see [the log](https://ci.example/1) and `a < b`\n\n```sh\nnpm test\n```';
    const sent = await web.trpc.chat.send.mutate({ text: source });
    const frame = await old.next('chat_message', mark);

    expect(frame.data).toMatchObject({
      id: sent.id,
      text: 'ship it @oldtimer: see the log (https://ci.example/1) and a < b\n\nnpm test',
      markdown: source,
      mentions: ['oldtimer'],
    });
  });

  it('answers ping with pong, relays typing and user status', async () => {
    const { web, legacyUrl } = await startWithWeb();
    const old = await legacyClient(legacyUrl);
    old.send({ type: 'ping' });
    expect((await old.next('pong')).type).toBe('pong');
    old.send({ type: 'auth', user_id: 'oldtimer' });
    await old.next('auth_success');

    const mark = old.frames.length;
    await web.trpc.chat.setTyping.mutate({ isTyping: true });
    expect((await old.next('typing', mark)).data).toMatchObject({ user_id: 'webby', is_typing: true });

    const other = await legacyClient(legacyUrl);
    other.send({ type: 'auth', user_id: 'newcomer' });
    await other.next('auth_success');
    const status = await old.next('user_status', mark);
    expect(status.data).toMatchObject({ user_id: 'newcomer', status: 'online' });

    const typingMark = other.frames.length;
    old.send({ type: 'typing', data: { is_typing: true } });
    expect((await other.next('typing', typingMark)).data).toMatchObject({
      user_id: 'oldtimer',
      is_typing: true,
    });
  });

  it('answers bad frames with an error frame and keeps the connection', async () => {
    const { received, legacyUrl } = await startWithWeb();
    const old = await legacyClient(legacyUrl);

    old.send('{not json');
    expect((await old.next('error')).message).toMatch(/invalid JSON/);
    let mark = old.frames.length;
    old.send({ type: 'chat_message', text: 'too early' });
    expect((await old.next('error', mark)).message).toMatch(/authenticate first/);
    old.send({ type: 'auth', user_id: 'oldtimer' });
    await old.next('auth_success');
    mark = old.frames.length;
    old.send({ type: 'teleport' });
    expect((await old.next('error', mark)).message).toMatch(/unknown message type "teleport"/);
    mark = old.frames.length;
    old.send({ type: 'chat_message', text: '   ' });
    expect((await old.next('error', mark)).message).toMatch(/empty/);
    mark = old.frames.length;
    old.send({ type: 'chat_message', text: 'reply to nothing', reply_to: 999_999 });
    expect((await old.next('error', mark)).message).toMatch(/replyTo: message 999999 does not exist/);

    old.send({ type: 'chat_message', text: 'still here' });
    await waitFor(() => received.some((m) => m.text === 'still here'), 5000, 'message after errors');
    expect(received.map((m) => m.text)).toEqual(['still here']);
    expect(old.closed()).toBeNull();
  });

  it('refuses an empty user id with an error frame, then closes', async () => {
    const { legacyUrl } = await startWithWeb();
    const old = await legacyClient(legacyUrl);
    old.send({ type: 'auth', user_id: '' });
    expect((await old.next('error')).message).toMatch(/user_id is empty/);
    await waitFor(() => old.closed() !== null, 5000, 'close');
    expect(old.closed()).toBe(4001);
  });

  it('is served on its own WebSocket port as well as on the shared one', async () => {
    const { app, legacyUrl } = await startWithWeb({ WEBSOCKET_PORT: String(await freePort()) });
    expect(app.wsUrl).not.toMatch(/\/ws$/);
    const old = await legacyClient(legacyUrl);
    old.send({ type: 'auth', user_id: 'porter' });
    expect((await old.next('auth_success')).user_id).toBe('porter');
  });
});
