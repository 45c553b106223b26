// The default send limits over the real endpoints: a person at a chat client (tRPC WebSocket) gets a burst of 20;
// scripts and bots (chat.send over plain HTTP, the /legacy JSON adapter) are held to the bulk burst of 10.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../../src/server/app';
import { connectClient, startTestServer, type TestClient, waitFor } from '../../helpers/server';

let app: App;
let client: TestClient;

beforeAll(async () => {
  // Default RATE_LIMIT_* settings (the helper leaves them unset); a slow refill only so the counts are exact.
  app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0.01', RATE_LIMIT_BULK_PER_SECOND: '0.01' });
  client = connectClient(app.wsUrl, { userId: 'wes' });
});

afterAll(async () => {
  await client?.close();
  await app?.stop();
});

const sendOverHttp = (user: string, text: string) =>
  fetch(`${app.httpUrl}/trpc/chat.send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': user, origin: app.httpUrl },
    body: JSON.stringify({ text }),
  });

describe('send limits', () => {
  it('lets a person at a chat client send 20 at once, then asks them to wait', async () => {
    for (let i = 0; i < 20; i++) await client.trpc.chat.send.mutate({ text: `wes ${i}` });
    await expect(client.trpc.chat.send.mutate({ text: 'wes 21' })).rejects.toMatchObject({
      data: { code: 'TOO_MANY_REQUESTS', retryAfterMs: expect.any(Number) },
    });
  });

  it('holds chat.send over plain HTTP (scripts, bots) to the bulk burst of 10', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await sendOverHttp('hal', `hal ${i}`)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(statuses[10]).toBe(429);
  });

  it('holds the /legacy JSON adapter to the bulk burst of 10', async () => {
    const url = `${app.wsUrl.replace(/\/ws$/, '').replace(/\/$/, '')}/legacy`;
    const ws = new WebSocket(url, { headers: { origin: app.httpUrl } });
    const frames: { type: string; data?: { code?: string } }[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'auth', user_id: 'leo' }));
    await waitFor(() => frames.some((f) => f.type === 'auth_success'), 5000, 'legacy sign-in');
    for (let i = 0; i < 11; i++) ws.send(JSON.stringify({ type: 'chat_message', text: `leo ${i}` }));
    await waitFor(() => frames.some((f) => f.type === 'error'), 5000, 'the legacy refusal');
    expect(frames.find((f) => f.type === 'error')?.data?.code).toBe('rate_limited');
    ws.terminate();
    await expect
      .poll(async () => (await app.services.repo.history(null, 100)).filter((m) => m.sender === 'leo').length)
      .toBe(10);
  });
});
