// End to end in real Chromium: while the server is away the page waits a jittered backoff between tries, but when
// the browser says the network is back (`online`) or the tab becomes visible again it tries at once. The page's
// clock is paused during the outage, so its backoff can never run out: only those events can bring it back.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { App } from '../../src/server/app';
import { startTestServer, tempDir } from '../helpers/server';
import { type BrowserSession, joinAs, launchBrowser } from './helpers/browser';

let app: App | null = null;
let session: BrowserSession;
const dbPath = join(tempDir('ocs-e2e-wake-'), 'chat.db');

beforeAll(async () => {
  session = await launchBrowser();
  app = await startTestServer({ DATABASE_URL: dbPath });
}, 120_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

/** Stops the server, waits until the page is between tries with its clock paused, and starts the server again. */
async function outage(page: Page): Promise<void> {
  const running = app as App;
  const port = new URL(running.httpUrl).port;
  await running.stop();
  app = null;
  await page.locator('[data-testid="connection-status"][data-state="reconnecting"]').waitFor();
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 100);
  // Let a connect attempt already on its way fail, then step past the client's zero-delay hops (not the backoff,
  // which is at least 125 ms): the page now sits waiting out its backoff on a clock that does not move.
  // On a loaded machine a failing attempt can take longer than a moment: step the hops a few times over 1.5 s
  // (30 ms of page time in all, well under the shortest backoff of 125 ms).
  for (let i = 0; i < 6; i++) {
    await page.waitForTimeout(250);
    await page.clock.runFor(5);
  }
  app = await startTestServer({ DATABASE_URL: dbPath, PORT: port, WEBSOCKET_PORT: port });
}

const connected = (page: Page) =>
  page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor({ timeout: 10_000 });

describe('reconnect without waiting out the backoff', () => {
  it('tries at once when the network comes back, and when the tab becomes visible again', async () => {
    const page = await session.newPage();
    await page.clock.install();
    await joinAs(page, (app as App).httpUrl, 'nomad');

    await outage(page);
    await page.context().setOffline(true);
    await page.context().setOffline(false);
    await connected(page);
    await page.clock.resume();

    await outage(page);
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await connected(page);
    await page.clock.resume();
  });
});
