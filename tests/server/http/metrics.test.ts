import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../../src/server/app';
import { connectClient, startTestServer, type TestClient, waitFor } from '../../helpers/server';

/** Reads one sample from the Prometheus text, e.g. value(text, 'ocs_messages_total{origin="api"}'). */
function value(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}

let app: App;
let client: TestClient;
beforeAll(async () => {
  // A burst of 2 and a slow refill: the third message in a row is refused by the rate limit.
  app = await startTestServer({ RATE_LIMIT_BURST: '2', RATE_LIMIT_PER_SECOND: '0.01' });
  client = connectClient(app.wsUrl, { userId: 'mia' });
});
afterAll(async () => {
  await client.close();
  await app.stop();
});

const scrape = async () => {
  const res = await fetch(`${app.httpUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
};

describe('GET /metrics', () => {
  it('exposes connections, messages by origin, delivery latency, rate-limit hits and errors by code', async () => {
    const received: number[] = [];
    const sub = client.trpc.chat.onMessage.subscribe(
      {},
      { onData: (event) => received.push(...event.data.messages.map((m) => m.id)) },
    );
    await waitFor(() => app.services.hub.messages.size === 1, 5000, 'subscription');

    const sent = await client.trpc.chat.send.mutate({ text: 'hello over ws' });
    await fetch(`${app.httpUrl}/trpc/chat.send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'ned' },
      body: JSON.stringify({ text: 'hello over http' }),
    });
    await client.trpc.chat.send.mutate({ text: 'and again' });
    await expect(client.trpc.chat.send.mutate({ text: 'one too many' })).rejects.toThrow(/too fast/);
    await expect(client.trpc.chat.send.mutate({ text: '' })).rejects.toThrow();
    await waitFor(() => received.includes(sent.id), 5000, 'delivery');

    const text = await scrape();
    expect(value(text, 'ocs_open_connections{transport="websocket"}')).toBe(1);
    expect(value(text, 'ocs_messages_total{origin="websocket"}')).toBe(2);
    expect(value(text, 'ocs_messages_total{origin="api"}')).toBe(1);
    expect(value(text, 'ocs_delivery_latency_seconds_count{transport="websocket"}')).toBeGreaterThanOrEqual(
      1,
    );
    expect(value(text, 'ocs_rate_limit_hits_total')).toBe(1);
    expect(value(text, 'ocs_errors_total{code="TOO_MANY_REQUESTS"}')).toBe(1);
    expect(value(text, 'ocs_errors_total{code="BAD_REQUEST"}')).toBe(1);
    expect(value(text, 'ocs_telegram_outbox_depth')).toBe(0);
    sub.unsubscribe();
  });

  it('counts legacy WebSocket connections under their own transport', async () => {
    const legacy = new WebSocket(app.wsUrl.replace(/\/ws$/, '/legacy'));
    await new Promise((resolve, reject) => {
      legacy.once('open', resolve);
      legacy.once('error', reject);
    });
    await waitFor(() => app.services.transports.legacy.status().connections === 1, 5000, 'legacy session');
    expect(value(await scrape(), 'ocs_open_connections{transport="legacy"}')).toBe(1);
    legacy.close();
    await waitFor(() => app.services.transports.legacy.status().connections === 0, 5000, 'legacy close');
    expect(value(await scrape(), 'ocs_open_connections{transport="legacy"}')).toBe(0);
  });

  it('exposes the process metrics, event-loop lag included', async () => {
    const text = await scrape();
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
  });

  it('measures agent response latency from a mention to the agent posting', async () => {
    const { hub } = app.services;
    const mention = await hub.post(
      { text: '@Quill please review', sender: 'mia', senderKind: 'user' },
      'api',
    );
    const reply = await hub.post({ text: 'on it', sender: 'quill', senderKind: 'agent' }, 'agent');
    // An agent speaking again without a new mention is not a response to anything.
    await hub.post({ text: 'still on it', sender: 'quill', senderKind: 'agent' }, 'agent');

    const text = await scrape();
    expect(value(text, 'ocs_agent_response_latency_seconds_count{agent="quill"}')).toBe(1);
    const seconds = value(text, 'ocs_agent_response_latency_seconds_sum{agent="quill"}');
    expect(seconds).toBe((Date.parse(reply.createdAt) - Date.parse(mention.createdAt)) / 1000);
    expect(value(text, 'ocs_messages_total{origin="agent"}')).toBe(2);
  });
});
