// End to end in real Chromium: two people chat through the real server and the built client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { startTestServer } from '../helpers/server';
import {
  type BrowserSession,
  joinAs,
  launchBrowser,
  messageLocator,
  screenshot,
  sendMessage,
  shownMessageIds,
} from './helpers/browser';

let app: App;
let session: BrowserSession;

beforeAll(async () => {
  session = await launchBrowser();
  app = await startTestServer();
}, 120_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

describe('chat between two browsers', () => {
  it('delivers a message from one person to another, once, in both windows', async () => {
    const alice = await session.newPage();
    const bob = await session.newPage();
    await joinAs(alice, app.httpUrl, 'alice');
    await joinAs(bob, app.httpUrl, 'bob');

    await sendMessage(alice, 'hello bob, this is alice');
    await messageLocator(bob, 'hello bob, this is alice').waitFor();
    await sendMessage(bob, 'hi alice!');
    await messageLocator(alice, 'hi alice!').waitFor();

    for (const page of [alice, bob]) {
      await expect.poll(() => shownMessageIds(page)).toHaveLength(2);
      expect(await page.locator('[data-testid="message-item"][data-pending]').count()).toBe(0);
    }
    const first = messageLocator(bob, 'hello bob, this is alice');
    expect(await first.getAttribute('data-sender')).toBe('alice');
    await expect.poll(() => alice.getByTestId('user-list').textContent()).toContain('bob');
    await screenshot(alice, 'main-screen');
  });
});
