// End to end in real Chromium: while the server is down the people list does not claim anyone is online; it shows
// everyone greyed with a note, and once the page has reconnected it shows real presence again.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { startTestServer, tempDir } from '../helpers/server';
import { type BrowserSession, joinAs, launchBrowser } from './helpers/browser';

let app: App | null = null;
let session: BrowserSession;
const dbPath = join(tempDir('ocs-e2e-presence-'), 'chat.db');

beforeAll(async () => {
  session = await launchBrowser();
  app = await startTestServer({ DATABASE_URL: dbPath });
}, 120_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

describe('presence during an outage', () => {
  it('marks presence unknown while disconnected and shows it again after the reconnect', async () => {
    const running = app as App;
    const alice = await session.newPage();
    const bob = await session.newPage();
    await joinAs(alice, running.httpUrl, 'alice');
    await joinAs(bob, running.httpUrl, 'bob');
    const list = alice.getByTestId('user-list');
    const bobEntry = list.locator('li[data-user="bob"]');
    await alice.locator('[data-testid="user-list"] li[data-user="bob"][data-online="true"]').waitFor();
    expect(await list.getAttribute('data-presence')).toBe('known');

    const port = new URL(running.httpUrl).port;
    await running.stop();
    app = null;
    await alice.locator('[data-testid="user-list"][data-presence="unknown"]').waitFor();
    expect(await bobEntry.getAttribute('data-online')).toBe('unknown');
    expect(await alice.getByTestId('presence-unknown').textContent()).toMatch(/who is online is unknown/);
    expect(await list.getByRole('region', { name: 'Online' }).count()).toBe(0);

    app = await startTestServer({ DATABASE_URL: dbPath, PORT: port, WEBSOCKET_PORT: port });
    await alice
      .locator('[data-testid="connection-status"][data-state="connected"]')
      .waitFor({ timeout: 20_000 });
    await bob
      .locator('[data-testid="connection-status"][data-state="connected"]')
      .waitFor({ timeout: 20_000 });
    await alice.locator('[data-testid="user-list"] li[data-user="bob"][data-online="true"]').waitFor();
    expect(await list.getAttribute('data-presence')).toBe('known');
    expect(await alice.getByTestId('presence-unknown').count()).toBe(0);
  });
});
