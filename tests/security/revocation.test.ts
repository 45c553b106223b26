// Revoking a person's access: open connections are dropped, the token is refused everywhere, restore undoes it.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../src/server/app';
import { mintToken } from '../../src/server/auth';
import { RawWebSocket } from '../helpers/raw-ws';
import { connectClient, startTestServer, type TestClient, tempDir, waitFor } from '../helpers/server';
import { TEST_SECRET } from '../helpers/services';

const started: App[] = [];
const clients: TestClient[] = [];
const raws: RawWebSocket[] = [];
afterEach(async () => {
  for (const raw of raws.splice(0)) raw.destroy();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const app of started.splice(0)) await app.stop();
});

const server = async (env: Record<string, string> = {}) => {
  const app = await startTestServer({ AUTH_SECRET: TEST_SECRET, ...env });
  started.push(app);
  return app;
};
const client = (app: App, token: string) => {
  const c = connectClient(app.wsUrl, { token });
  clients.push(c);
  return c;
};

describe('revoking a user', () => {
  it('drops their open connection and refuses the still-valid token until restored', async () => {
    const app = await server();
    const admin = client(app, await mintToken(TEST_SECRET, { user: 'root', role: 'admin' }));
    const carol = client(app, await mintToken(TEST_SECRET, { user: 'carol', role: 'user' }));
    const errors: string[] = [];
    let started = false;
    carol.trpc.chat.onMessage.subscribe(
      {},
      {
        onStarted: () => {
          started = true;
        },
        onError: (error) => errors.push(String(error.data?.code)),
      },
    );
    await carol.trpc.chat.send.mutate({ text: 'before' });
    await waitFor(() => started, 5000, 'carol’s subscription');
    expect(app.services.connections.userConnections('carol')).toBe(1);

    const revoked = await admin.trpc.users.revoke.mutate({ user: 'carol' });
    expect(revoked).toEqual({ user: 'carol', changed: true, droppedConnections: 1 });
    // Her client reconnects at once and resubscribes; the new connection is refused by its context.
    await waitFor(() => errors.includes('UNAUTHORIZED'), 5000, 'carol’s subscription to be refused');
    expect(app.services.connections.userConnections('carol')).toBe(0);
    await expect(carol.trpc.chat.send.mutate({ text: 'after' })).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
      message: 'access revoked: carol was removed by an admin',
    });
    expect(await admin.trpc.users.revoked.query()).toEqual({ users: ['carol'] });

    await admin.trpc.users.restore.mutate({ user: 'carol' });
    const again = client(app, await mintToken(TEST_SECRET, { user: 'carol', role: 'user' }));
    expect((await again.trpc.chat.send.mutate({ text: 'back' })).sender).toBe('carol');
  });

  it('regression: the legacy endpoint also drops a revoked person and refuses their token', async () => {
    const app = await server();
    const admin = client(app, await mintToken(TEST_SECRET, { user: 'root', role: 'admin' }));
    const token = await mintToken(TEST_SECRET, { user: 'erin', role: 'user' });
    const legacyUrl = `${app.wsUrl.replace(/\/ws$/, '').replace(/\/$/, '')}/legacy`;
    const signIn = async () => {
      const ws = new WebSocket(legacyUrl);
      const frames: { type: string; message?: string }[] = [];
      ws.on('message', (data) => frames.push(JSON.parse(String(data))));
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(JSON.stringify({ type: 'auth', user_id: 'erin', token }));
      await waitFor(
        () => frames.some((f) => f.type === 'auth_success' || f.type === 'error'),
        5000,
        'auth answer',
      );
      return { frames, closed };
    };
    const before = await signIn();
    expect(before.frames.map((f) => f.type)).toContain('auth_success');

    const revoked = await admin.trpc.users.revoke.mutate({ user: 'erin' });
    expect(revoked.droppedConnections).toBe(1);
    expect(await before.closed).toBe(4003);

    const after = await signIn();
    expect(after.frames.find((f) => f.type === 'error')).toMatchObject({
      type: 'error',
      message: 'auth failed: access revoked: erin was removed by an admin',
    });
    expect(await after.closed).toBe(4001);
  });

  it('keeps the revocation across a restart on the same database', async () => {
    const db = `${tempDir()}/chat.db`;
    const first = await server({ DATABASE_URL: db });
    const admin = client(first, await mintToken(TEST_SECRET, { user: 'root', role: 'admin' }));
    await admin.trpc.users.revoke.mutate({ user: 'dave' });
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await first.stop();

    const second = await server({ DATABASE_URL: db });
    const res = await fetch(`${second.httpUrl}/communication/info`, {
      headers: { authorization: `Bearer ${await mintToken(TEST_SECRET, { user: 'dave', role: 'admin' })}` },
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('access revoked: dave');
  });

  describe('a client that ignores the close frame', () => {
    /** A raw tRPC client signed in as `user` (an admin here: the worst case), answering nothing but its calls. */
    const rawTrpc = async (app: App, user: string) => {
      const raw = await RawWebSocket.open(`${app.wsUrl}?connectionParams=1`);
      raws.push(raw);
      const token = await mintToken(TEST_SECRET, { user, role: 'admin' });
      raw.sendText(JSON.stringify({ method: 'connectionParams', data: { token } }));
      return raw;
    };
    const call = (raw: RawWebSocket, id: number, method: string, path: string, input: unknown) =>
      raw.sendText(JSON.stringify({ id, method, params: { path, input } }));
    const answered = (raw: RawWebSocket, id: number) => () => raw.json().some((f) => f.id === id);

    it('regression: commits nothing and hires nobody after users.revoke, and its socket is destroyed', async () => {
      const app = await server();
      const admin = client(app, await mintToken(TEST_SECRET, { user: 'root', role: 'admin' }));
      const raw = await rawTrpc(app, 'mallory');
      call(raw, 1, 'mutation', 'chat.send', { text: 'before' });
      await waitFor(answered(raw, 1), 5000, 'the first send');

      await admin.trpc.users.revoke.mutate({ user: 'mallory' });
      await waitFor(() => raw.closeCode !== null, 5000, 'the close frame');
      expect(raw.closeCode).toBe(4003);
      // The client does not answer the close frame and keeps calling, as the attacker did.
      for (let i = 0; i < 10; i++) call(raw, 10 + i, 'mutation', 'chat.send', { text: `after ${i}` });
      for (let i = 0; i < 5; i++)
        call(raw, 30 + i, 'mutation', 'employees.hire', { name: `mole${i}`, role: 'developer' });
      await waitFor(() => raw.ended, 5000, 'the server to destroy the socket');

      const history = await admin.trpc.chat.history.query({ limit: 50 });
      expect(history.messages.filter((m) => m.sender === 'mallory').map((m) => m.text)).toEqual(['before']);
      expect((await admin.trpc.employees.list.query()).map((e) => e.name)).not.toContain('mole0');
    });

    it('regression: a frame from a user revoked without a drop (another instance) is refused and closes the socket', async () => {
      const app = await server();
      const raw = await rawTrpc(app, 'oscar');
      call(raw, 1, 'mutation', 'chat.send', { text: 'before' });
      await waitFor(answered(raw, 1), 5000, 'the first send');

      // Only the list changes, as when the revocation arrives from elsewhere: this socket is not dropped by it.
      await app.services.revoked.revoke('oscar');
      call(raw, 2, 'mutation', 'chat.send', { text: 'after' });
      await waitFor(answered(raw, 2), 5000, 'the refusal');
      expect(raw.json().find((f) => f.id === 2)).toMatchObject({
        error: { data: { code: 'UNAUTHORIZED' }, message: 'access revoked: oscar was removed by an admin' },
      });
      await waitFor(() => raw.ended, 5000, 'the server to destroy the socket');
      expect(raw.closeCode).toBe(4003);
      const history = await app.services.repo.history(null, 50);
      expect(history.map((m) => m.text)).toEqual(['before']);
    });

    it('regression: a listener revoked without a drop gets no more messages, though it sends nothing', async () => {
      const app = await server();
      const raw = await rawTrpc(app, 'lurker');
      call(raw, 1, 'subscription', 'chat.onMessage', {});
      await waitFor(() => raw.json().some((f) => f.id === 1), 5000, 'the subscription');
      await app.services.hub.post({ text: 'public', sender: 'root', senderKind: 'user' }, 'api');
      await waitFor(() => raw.texts.some((t) => t.includes('public')), 5000, 'the first message');

      await app.services.revoked.revoke('lurker');
      await app.services.hub.post({ text: 'secret plans', sender: 'root', senderKind: 'user' }, 'api');
      await waitFor(() => raw.ended, 5000, 'the server to destroy the socket');
      expect(raw.closeCode).toBe(4003);
      expect(raw.texts.some((t) => t.includes('secret plans'))).toBe(false);
      expect(raw.json().find((f) => f.id === 1 && 'error' in f)).toMatchObject({
        error: { data: { code: 'UNAUTHORIZED' } },
      });
    });

    it('regression: on /legacy, chat frames after users.revoke are not committed and the socket is destroyed', async () => {
      const app = await server();
      const admin = client(app, await mintToken(TEST_SECRET, { user: 'root', role: 'admin' }));
      const legacyUrl = `${app.wsUrl.replace(/\/ws$/, '').replace(/\/$/, '')}/legacy`;
      const raw = await RawWebSocket.open(legacyUrl);
      raws.push(raw);
      const token = await mintToken(TEST_SECRET, { user: 'trent', role: 'admin' });
      raw.sendText(JSON.stringify({ type: 'auth', user_id: 'trent', token }));
      await waitFor(() => raw.json().some((f) => f.type === 'auth_success'), 5000, 'auth');
      raw.sendText(JSON.stringify({ type: 'chat_message', text: 'before' }));
      await waitFor(async () => (await app.services.repo.history(null, 5)).length === 1, 5000, 'the first');

      await admin.trpc.users.revoke.mutate({ user: 'trent' });
      await waitFor(() => raw.closeCode !== null, 5000, 'the close frame');
      for (let i = 0; i < 10; i++) raw.sendText(JSON.stringify({ type: 'chat_message', text: `after ${i}` }));
      await waitFor(() => raw.ended, 5000, 'the server to destroy the socket');

      const history = await app.services.repo.history(null, 50);
      expect(history.filter((m) => m.sender === 'trent').map((m) => m.text)).toEqual(['before']);
    });
  });
});
