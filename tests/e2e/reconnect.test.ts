// End to end in real Chromium: the server restarts mid-conversation on the same database file and port; the page
// shows it is reconnecting, resumes from its last event id, and ends with every message exactly once, in order.
// Also: a rate-limited send waits in the outgoing queue as "sending…" and goes out when the limit allows.
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { SqliteRepository } from '../../src/server/db/sqlite-repository';
import { Hub } from '../../src/server/hub/hub';
import { InProcessBus } from '../../src/server/ports/bus';
import { startTestServer, tempDir } from '../helpers/server';
import {
  type BrowserSession,
  joinAs,
  launchBrowser,
  messageLocator,
  sendMessage,
  shownMessageIds,
} from './helpers/browser';

let app: App | null = null;
let session: BrowserSession;
const dbPath = join(tempDir('ocs-e2e-restart-'), 'chat.db');

beforeAll(async () => {
  session = await launchBrowser();
  app = await startTestServer({ DATABASE_URL: dbPath });
}, 120_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

/** Commits messages through a real hub on the database file while no server is running. */
async function postWhileDown(texts: string[]): Promise<void> {
  const repo = SqliteRepository.open(dbPath);
  const hub = new Hub(repo, new InProcessBus((error) => pino().error(error)));
  for (const text of texts) await hub.post({ text, sender: 'dave', senderKind: 'user' }, 'api');
  hub.close();
  await repo.close();
}

describe('server restart', () => {
  it('recovers after a restart with no gap and no duplicate', async () => {
    const running = app as App;
    const page = await session.newPage();
    await joinAs(page, running.httpUrl, 'alice');
    for (const text of ['before one', 'before two', 'before three']) await sendMessage(page, text);
    await messageLocator(page, 'before three').waitFor();

    const port = new URL(running.httpUrl).port;
    await running.stop();
    app = null;
    await page.locator('[data-testid="connection-status"][data-state="reconnecting"]').waitFor();
    expect(await page.getByTestId('connection-status').textContent()).toMatch(/^Reconnecting/);

    await postWhileDown(['missed while down 1', 'missed while down 2']);
    app = await startTestServer({ DATABASE_URL: dbPath, PORT: port, WEBSOCKET_PORT: port });
    await page
      .locator('[data-testid="connection-status"][data-state="connected"]')
      .waitFor({ timeout: 20_000 });
    await messageLocator(page, 'missed while down 2').waitFor();

    await sendMessage(page, 'after the restart');
    await app.services.hub.post({ text: 'live after restart', sender: 'dave', senderKind: 'user' }, 'api');
    await messageLocator(page, 'live after restart').waitFor();
    await messageLocator(page, 'after the restart').waitFor();

    const stored = (await app.services.repo.history(null, 100)).map((m) => m.id);
    expect(stored).toHaveLength(7);
    await expect.poll(() => shownMessageIds(page)).toEqual(stored);
    expect(await page.locator('[data-testid="message-item"][data-pending]').count()).toBe(0);
  });

  it('sends a message met by the rate limit once the limit allows (no error, nothing lost, stored once)', async () => {
    const running = app as App;
    const page = await session.newPage();
    await joinAs(page, running.httpUrl, 'carol');
    // Spend carol's whole burst through the real limiter, as a flurry of quick sends would.
    while ((await running.services.limiter.take('carol')).ok);

    await sendMessage(page, 'one too many');
    expect(await page.getByTestId('message-input').inputValue()).toBe('');
    await messageLocator(page, 'one too many').waitFor();
    expect(await page.getByTestId('send-error').textContent()).toBe('');
    const stored = await running.services.repo.history(null, 100);
    expect(stored.filter((m) => m.text === 'one too many')).toHaveLength(1);
  });
});
