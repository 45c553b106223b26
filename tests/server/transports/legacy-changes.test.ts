// /legacy clients are told about changes to what was said: message_edited (the whole message, as chat_message
// carries it) and message_deleted; reactions and thread counts have no frame in the old protocol.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../../src/server/app';
import { connectClient, startTestServer, type TestClient, waitFor } from '../../helpers/server';

let app: App | null = null;
let web: TestClient | null = null;
let socket: WebSocket | null = null;

afterEach(async () => {
  socket?.terminate();
  await web?.close();
  await app?.stop();
  [app, web, socket] = [null, null, null];
});

type Frame = { type: string; data?: Record<string, unknown> };

async function signedInLegacyClient(url: string, user: string) {
  const ws = new WebSocket(url);
  socket = ws;
  const frames: Frame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'auth', user_id: user, role: 'user' }));
  await waitFor(() => frames.some((f) => f.type === 'auth_success'), 5000, 'auth_success');
  return frames;
}

describe('/legacy change frames', () => {
  it('sends message_edited and message_deleted, in order, and nothing for a reaction', async () => {
    app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
    web = connectClient(app.wsUrl, { userId: 'webby' });
    const url = `${app.wsUrl.replace(/\/ws$/, '').replace(/\/$/, '')}/legacy`;
    const frames = await signedInLegacyClient(url, 'oldtimer');

    const sent = await web.trpc.chat.send.mutate({ text: 'ping @carol' });
    const edited = await web.trpc.chat.edit.mutate({ id: sent.id, text: '**pong** @dave' });
    await app.services.hub.react({ id: sent.id, emoji: '👍', on: true }, 'webby');
    await web.trpc.chat.delete.mutate({ id: sent.id });
    await waitFor(() => frames.some((f) => f.type === 'message_deleted'), 5000, 'message_deleted');

    const changes = frames.filter((f) => f.type !== 'auth_success' && f.type !== 'presence_update');
    expect(changes.map((f) => f.type).filter((t) => t !== 'user_status')).toEqual([
      'chat_message',
      'message_edited',
      'message_deleted',
    ]);
    expect(frames.find((f) => f.type === 'message_edited')?.data).toMatchObject({
      id: sent.id,
      text: 'pong @dave',
      markdown: '**pong** @dave',
      sender: 'webby',
      mentions: ['dave'],
      edited_at: edited.editedAt,
      edited_by: 'webby',
    });
    expect(frames.find((f) => f.type === 'message_deleted')?.data).toMatchObject({
      id: sent.id,
      deleted_by: 'webby',
    });
    expect(JSON.stringify(frames.find((f) => f.type === 'message_deleted'))).not.toContain('pong');
  });
});
