// Nobody poses as an agent (issue 14): an employee's name is refused at every entry point (tRPC, REST, /legacy,
// token mode), the hub commits no person's message under it, a Telegram user with that name is shown with the
// origin, and hiring under a person's name is refused.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../src/server/app';
import { mintToken } from '../../src/server/auth';
import type { DomainError } from '../../src/server/domain-error';
import { connectClient, startTestServer, type TestClient, waitFor } from '../helpers/server';
import { TEST_SECRET } from '../helpers/services';
import { Emulator, telegramEnv } from '../server/transports/telegram/emulator';

let apps: App[] = [];
let clients: TestClient[] = [];
let emulator: Emulator | null = null;
afterEach(async () => {
  for (const client of clients) await client.close();
  for (const app of apps) await app.stop();
  await emulator?.stop();
  [apps, clients, emulator] = [[], [], null];
});

async function server(env: Record<string, string> = {}): Promise<App> {
  const app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0', ...env });
  apps.push(app);
  await app.services.agents.hire({ name: 'alice', role: 'developer', smartness: 'normal' }, 'root');
  return app;
}
const client = (app: App, params: Record<string, string>) => {
  const c = connectClient(app.wsUrl, params);
  clients.push(c);
  return c;
};

/** Signs in on /legacy and returns the first answer frame. */
async function legacyAuth(
  app: App,
  frame: Record<string, string>,
): Promise<{ type: string; message?: string }> {
  const url = `${app.wsUrl.replace(/\/ws$/, '').replace(/\/$/, '')}/legacy`;
  const ws = new WebSocket(url);
  const frames: { type: string; message?: string }[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'auth', ...frame }));
  await waitFor(
    () => frames.some((f) => f.type === 'auth_success' || f.type === 'error'),
    5000,
    'legacy answer',
  );
  ws.close();
  return frames.find((f) => f.type === 'auth_success' || f.type === 'error') as { type: string };
}

describe("an employee's name (open mode)", () => {
  it('is refused as a tRPC user id, in any case, and nothing is committed', async () => {
    const app = await server();
    for (const userId of ['alice', 'Alice']) {
      await expect(
        client(app, { userId }).trpc.chat.send.mutate({ text: 'I am the agent' }),
      ).rejects.toMatchObject({
        data: { code: 'UNAUTHORIZED' },
        message: `${userId} is the name of an AI employee here; people cannot use it: pick another name`,
      });
    }
    expect(await app.services.repo.lastMessageId()).toBe(0);
  });

  it('is refused over REST (x-user-id) and on /legacy', async () => {
    const app = await server();
    const res = await fetch(`${app.httpUrl}/trpc/chat.send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'alice' },
      body: JSON.stringify({ text: 'hi' }),
    });
    expect(res.status).toBe(401);
    const legacy = await legacyAuth(app, { user_id: 'ALICE' });
    expect(legacy).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/ALICE is the name of an AI employee/),
    });
    expect(await legacyAuth(app, { user_id: 'bob' })).toMatchObject({ type: 'auth_success' });
    expect(await app.services.repo.lastMessageId()).toBe(0);
  });

  it('is refused by the hub itself for a person, while the agent still speaks as itself', async () => {
    const app = await server();
    await expect(
      app.services.hub.post({ text: 'fake', sender: 'Alice', senderKind: 'user' }, 'api'),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' } satisfies Partial<DomainError>);
    const real = await app.services.hub.post({ text: 'real', sender: 'alice', senderKind: 'agent' }, 'agent');
    expect(real).toMatchObject({ sender: 'alice', senderKind: 'agent' });
  });
});

describe("an employee's name in token mode", () => {
  it('refuses a token whose sub is the name, saying what to do', async () => {
    const app = await server({ AUTH_SECRET: TEST_SECRET });
    const token = await mintToken(TEST_SECRET, { user: 'alice', role: 'admin' });
    await expect(client(app, { token }).trpc.chat.send.mutate({ text: 'hi' })).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
      message:
        'token refused: alice is the name of an AI employee; ask an admin for a token with another user id',
    });
    const res = await fetch(`${app.httpUrl}/trpc/chat.send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ text: 'hi' }),
    });
    expect(res.status).toBe(401);
    expect(await legacyAuth(app, { token })).toMatchObject({ type: 'error' });
  });
});

describe("hiring under a person's name", () => {
  it('is refused with BAD_REQUEST for someone online and for someone who has posted', async () => {
    const app = await server();
    const bob = client(app, { userId: 'Bob' });
    await bob.trpc.chat.history.query({});
    await waitFor(() => app.services.hub.presence.onlineUsers().includes('Bob'), 5000, 'Bob online');
    const hire = (name: string) =>
      app.services.agents.hire({ name, role: 'developer', smartness: 'normal' }, 'root');
    await expect(hire('bob')).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'bob is already the name of a person here (online now); pick another name for the employee',
    });
    const carol = client(app, { userId: 'carol' });
    await carol.trpc.chat.send.mutate({ text: 'hello' });
    await carol.close();
    await waitFor(() => !app.services.hub.presence.onlineUsers().includes('carol'), 5000, 'carol offline');
    await expect(hire('carol')).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: /carol is already the name/,
    });
    expect((await app.services.agents.list()).map((e) => e.name)).toEqual(['alice']);
  });
});

describe('a Telegram user named like an employee', () => {
  it('is shown with the origin, as a person, and never as the agent', async () => {
    emulator = await Emulator.start();
    const app = await server(telegramEnv(emulator.apiRoot));
    await emulator.userSays('hello from telegram', { userName: 'alice' });
    await waitFor(async () => (await app.services.repo.lastMessageId()) > 0, 10_000, 'the Telegram message');
    const [message] = await app.services.repo.history(null, 1);
    expect(message).toMatchObject({ sender: 'alice (telegram)', senderKind: 'user', origin: 'telegram' });
  });
});
