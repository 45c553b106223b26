import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/app';
import { startTestServer } from '../../helpers/server';

let app: App;
beforeAll(async () => {
  app = await startTestServer({ CORS_ORIGINS: 'http://localhost:5173' });
});
afterAll(() => app.stop());

const get = async (path: string, init?: RequestInit) => {
  const res = await fetch(`${app.httpUrl}${path}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
};
const post = (path: string, body: string) =>
  get(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('REST compatibility routes (open mode)', () => {
  it('GET /health answers healthy with the database and transport', async () => {
    const { status, body } = await get('/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'healthy',
      components: { database: { status: 'up' }, transports: { status: 'up', active: 'websocket' } },
    });
  });

  it('GET /communication/info describes the websocket transport', async () => {
    const { body } = await get('/communication/info');
    expect(body).toMatchObject({
      type: 'websocket',
      connected: true,
      transports: { websocket: { connected: true, connections: 0, users: [] } },
    });
  });

  it('GET /communication/stats counts messages by origin and hour', async () => {
    await post('/trpc/chat.send', JSON.stringify({ text: 'from curl' }));
    const { body } = await get('/communication/stats');
    expect(body).toMatchObject({ transport: 'websocket', messages: { total: 1, byOrigin: { api: 1 } } });
    expect((body.messages as { perHour: unknown[] }).perHour).toHaveLength(24);
  });

  it('POST /communication/switch accepts transport_type and persists the choice', async () => {
    const { status, body } = await post('/communication/switch', '{"transport_type":"websocket"}');
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: true, transport: 'websocket' });
    expect(await app.services.repo.getSetting('communication.transport')).toBe('websocket');
  });

  it('POST /communication/switch explains bad input with a 400', async () => {
    expect(await post('/communication/switch', '{"transport_type":"pigeon"}')).toMatchObject({
      status: 400,
      body: { error: { code: 'BAD_REQUEST', message: 'transport must be websocket or telegram' } },
    });
    expect(await post('/communication/switch', '{not json')).toMatchObject({
      status: 400,
      body: { error: { code: 'BAD_REQUEST', message: 'request body is not valid JSON' } },
    });
  });

  it('GET /status combines health, communication and presence', async () => {
    const { body } = await get('/status');
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['health', 'communication', 'presence']));
  });

  it('sends CORS headers only to listed origins', async () => {
    const listed = await get('/health', { headers: { origin: 'http://localhost:5173' } });
    expect(listed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const other = await get('/health', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves a page at / and JSON 404s for unknown tRPC procedures', async () => {
    const page = await fetch(`${app.httpUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const missing = await get('/trpc/chat.nope');
    expect(missing.status).toBe(404);
  });
});
