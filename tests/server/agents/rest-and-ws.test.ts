import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/app';
import type { Message } from '../../../src/shared/message';
import { connectClient, startTestServer, type TestClient, tempDir, waitFor } from '../../helpers/server';
import { fixtureCommand } from './helpers';

let app: App | null = null;
let client: TestClient | null = null;
afterEach(async () => {
  await client?.close();
  await app?.stop();
  app = null;
  client = null;
});

const json = async (method: string, url: string, body?: unknown) => {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('agents over REST and WebSocket', () => {
  it('hires, assigns, reports status, stops and fires through the REST twins', async () => {
    app = await startTestServer({
      PROJECT_ROOT: tempDir(),
      AGENT_WORKER_COMMAND: fixtureCommand('slow-worker.mjs'),
    });
    const base = app.httpUrl;

    const hired = await json('POST', `${base}/employees`, {
      name: 'alice',
      role: 'developer',
      smartness: 'smart',
    });
    expect(hired.status).toBe(200);
    expect(hired.body.employee).toMatchObject({ name: 'alice', smartness: 'smart', status: 'idle' });
    expect((await json('POST', `${base}/employees`, { name: 'x', role: 'dev' })).status).toBe(400);
    expect((await json('GET', `${base}/employees`)).body).toEqual([
      expect.objectContaining({ name: 'alice' }),
    ]);

    const assigned = await json('POST', `${base}/tasks`, {
      name: 'alice',
      task: 'build the API',
      model: 'm/1',
    });
    expect(assigned.body).toMatchObject({
      success: true,
      ahead: 0,
      task: { status: 'running', model: 'm/1' },
    });
    const status = await json('GET', `${base}/status`);
    expect(status.body.active).toEqual([expect.objectContaining({ description: 'build the API' })]);
    expect(status.body.queue).toEqual([]);
    expect(status.body.agents).toEqual([expect.objectContaining({ name: 'alice', status: 'working' })]);

    const stopped = await json('DELETE', `${base}/tasks/alice`);
    expect(stopped.body).toMatchObject({ success: true, task: { status: 'cancelled' } });
    expect((await json('DELETE', `${base}/tasks/alice`)).status).toBe(404);
    expect((await json('POST', `${base}/tasks`, { name: 'nobody', task: 'x' })).status).toBe(404);
    expect((await json('DELETE', `${base}/employees/alice`)).body).toMatchObject({
      success: true,
      name: 'alice',
    });
    expect((await json('DELETE', `${base}/employees/alice`)).status).toBe(404);
  });

  it('a web client sees the agent reply to its mention over the live stream', async () => {
    app = await startTestServer({ PROJECT_ROOT: tempDir() });
    await app.services.agents.hire({ name: 'alice', role: 'designer', smartness: 'normal' }, 'boss');
    client = connectClient(app.wsUrl, { userId: 'carol' });
    const seen: Message[] = [];
    // lastEventId 0 replays from the start, so nothing is missed while the subscription starts.
    const sub = client.trpc.chat.onMessage.subscribe(
      { lastEventId: '0' },
      { onData: (batch) => seen.push(...batch.data.messages) },
    );
    const presence = await client.trpc.presence.list.query();
    expect(presence).toContainEqual(
      expect.objectContaining({ name: 'alice', kind: 'agent', status: 'idle' }),
    );

    const mention = await client.trpc.chat.send.mutate({ text: '@alice hello!' });
    await waitFor(
      () => seen.some((m) => m.sender === 'alice' && m.replyTo === mention.id),
      5000,
      'alice reply',
    );
    expect(seen.find((m) => m.sender === 'alice')).toMatchObject({ senderKind: 'agent', origin: 'agent' });
    sub.unsubscribe();
  });
});
