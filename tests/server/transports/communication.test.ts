// The transport manager: start-up detection, the persisted runtime switch, errors, REST twins.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/app';
import type { Services } from '../../../src/server/services';
import { startTestServer, tempDir } from '../../helpers/server';
import { callerFor, createTestServices } from '../../helpers/services';
import { Emulator, telegramEnv } from './telegram/emulator';

let services: Services[] = [];
let apps: App[] = [];
let emulator: Emulator | null = null;

afterEach(async () => {
  for (const s of services) {
    await s.transports.stop();
    await s.repo.close();
  }
  for (const app of apps) await app.stop();
  await emulator?.stop();
  [services, apps, emulator] = [[], [], null];
});

async function make(env: Record<string, string> = {}): Promise<Services> {
  const s = await createTestServices(env);
  services.push(s);
  return s;
}

const admin = { id: 'root', role: 'admin' as const };

describe('transport detection at start-up', () => {
  it('defaults to websocket when nothing is set', async () => {
    const s = await make();
    expect(s.transports.info()).toMatchObject({ type: 'websocket', detectedBy: 'default', reason: null });
  });

  it('picks telegram when both Telegram settings are present', async () => {
    emulator = await Emulator.start();
    const s = await make(telegramEnv(emulator.apiRoot));
    const info = s.transports.info();
    expect(info).toMatchObject({ type: 'telegram', detectedBy: 'telegram-settings', connected: true });
    expect(info.transports.telegram).toMatchObject({
      botUsername: 'TestNameBot',
      chatId: '1',
      running: true,
    });
  });

  it('prefers websocket in safe mode even with Telegram settings', async () => {
    emulator = await Emulator.start();
    const s = await make({ ...telegramEnv(emulator.apiRoot), OPENCODE_SAFE_MODE: 'true' });
    expect(s.transports.info()).toMatchObject({ type: 'websocket', detectedBy: 'safe-mode' });
    expect(s.transports.info().transports.telegram.running).toBe(false);
  });

  it('obeys OPENCODE_TRANSPORT over safe mode and the Telegram settings', async () => {
    emulator = await Emulator.start();
    const s = await make({
      ...telegramEnv(emulator.apiRoot),
      OPENCODE_SAFE_MODE: 'true',
      OPENCODE_TRANSPORT: 'telegram',
    });
    expect(s.transports.info()).toMatchObject({ type: 'telegram', detectedBy: 'env' });
  });

  it('falls back to websocket when OPENCODE_TRANSPORT=telegram has no Telegram settings, and says why', async () => {
    const s = await make({ OPENCODE_TRANSPORT: 'telegram' });
    const info = s.transports.info();
    expect(info).toMatchObject({ type: 'websocket', detectedBy: 'fallback' });
    expect(info.reason).toMatch(/set TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID/);
  });
});

describe('communication.switch', () => {
  it('switches at runtime and the choice survives a restart unless the environment sets one', async () => {
    emulator = await Emulator.start();
    const env = { ...telegramEnv(emulator.apiRoot), DATABASE_URL: join(tempDir(), 'chat.db') };
    const first = await make(env);
    expect(first.transports.type).toBe('telegram');

    const info = await callerFor(first, admin).communication.switch({ transport: 'websocket' });
    expect(info).toMatchObject({ type: 'websocket', detectedBy: 'switch' });
    expect(info.transports.telegram.running).toBe(false);
    await first.transports.stop();
    await first.repo.close();
    services = [];

    const second = await make(env);
    expect(second.transports.info()).toMatchObject({ type: 'websocket', detectedBy: 'saved' });
    await second.transports.stop();
    await second.repo.close();
    services = [];

    const third = await make({ ...env, OPENCODE_TRANSPORT: 'telegram' });
    expect(third.transports.info()).toMatchObject({ type: 'telegram', detectedBy: 'env' });
  });

  it('refuses telegram without its settings: PRECONDITION_FAILED, nothing saved', async () => {
    const s = await make();
    await expect(callerFor(s, admin).communication.switch({ transport: 'telegram' })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: expect.stringContaining('TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID'),
    });
    expect(await s.repo.getSetting('communication.transport')).toBeNull();
  });

  it('is for admins only', async () => {
    const s = await make();
    await expect(
      callerFor(s, { id: 'bob', role: 'user' }).communication.switch({ transport: 'websocket' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('rejects an unknown transport with a readable message', async () => {
    const s = await make();
    await expect(
      callerFor(s, admin).communication.switch({ transport: 'carrier-pigeon' as 'websocket' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('websocket or telegram'),
    });
  });
});

describe('communication REST twins', () => {
  it('switches with POST /communication/switch and reports info and stats', async () => {
    emulator = await Emulator.start();
    const app = await startTestServer(telegramEnv(emulator.apiRoot));
    apps.push(app);

    const switched = await fetch(`${app.httpUrl}/communication/switch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ transport_type: 'websocket' }),
    });
    expect(switched.status).toBe(200);
    expect(await switched.json()).toMatchObject({ success: true, transport: 'websocket' });

    const bad = await fetch(`${app.httpUrl}/communication/switch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ transport_type: 'fax' }),
    });
    expect(bad.status).toBe(400);

    const info = await (await fetch(`${app.httpUrl}/communication/info`)).json();
    expect(info).toMatchObject({
      type: 'websocket',
      transports: {
        websocket: { connected: true, connections: 0 },
        telegram: { configured: true, running: false, botUsername: 'TestNameBot', outboxDepth: 0 },
        legacy: { path: '/legacy', connections: 0 },
      },
    });
    const stats = await (await fetch(`${app.httpUrl}/communication/stats`)).json();
    expect(stats).toMatchObject({ transport: 'websocket', outboxDepth: 0, rateLimitHits: 0 });
    expect(stats.messages.perHour).toHaveLength(24);
  });
});
