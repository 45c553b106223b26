// End to end in real Chromium (issue 19): Ctrl+K opens the search, results show the matching words marked (as text,
// never as HTML), and choosing one 1,000 messages back jumps to it and keeps it in view.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import type { Message } from '../../src/shared/message';
import { startTestServer } from '../helpers/server';
import { type BrowserSession, joinAs, launchBrowser, screenshot } from './helpers/browser';

let app: App;
let session: BrowserSession;
let target: Message;

beforeAll(async () => {
  session = await launchBrowser();
  app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  target = await post('the <b>quarterly</b> plan: ship the zebra migration first', 'dana');
  for (let i = 1; i <= 1000; i++) await post(`filler ${i} about nothing much`);
}, 180_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

const post = (text: string, sender = 'carol') =>
  app.services.hub.post({ text, sender, senderKind: 'user' }, 'api');

/** Whether the message's row is inside the list's visible area (not just rendered in the overscan). */
async function inView(page: Page, id: number): Promise<boolean> {
  return page.evaluate((id) => {
    const list = document.querySelector('[data-testid="message-list"]')?.getBoundingClientRect();
    const row = document.querySelector(`[data-message-id="${id}"]`)?.getBoundingClientRect();
    if (!list || !row) return false;
    return row.bottom > list.top && row.top < list.bottom;
  }, id);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('search', () => {
  it('finds a message 1,000 messages back with Ctrl+K, marks the words, and jumps to it for good', async () => {
    const page = await session.newPage();
    await joinAs(page, app.httpUrl, 'frank');
    // The newest page is on screen; the target is 1,000 messages further back, not loaded.
    await page.locator('[data-message-id="1001"]').waitFor();
    expect(await page.locator(`[data-message-id="${target.id}"]`).count()).toBe(0);

    await page.keyboard.press('Control+k');
    await page.getByTestId('search-input').fill('zebra quarterly');
    const hit = page.locator(`[data-testid="search-hit"][data-message-id="${target.id}"]`);
    await hit.waitFor();

    const marks = await hit.locator('mark').allTextContents();
    expect(marks).toEqual(['quarterly', 'zebra']);
    // The sender's angle brackets are text: no <b> element came out of the message.
    expect(await hit.getByTestId('search-snippet').textContent()).toContain('<b>');
    expect(await hit.locator('b').count()).toBe(0);
    expect(await page.getByTestId('search-hit').count()).toBe(1);
    await screenshot(page, 'search-results');

    await page.keyboard.press('Enter');
    await page.getByTestId('search-panel').waitFor({ state: 'detached' });
    await page.locator(`[data-message-id="${target.id}"][data-highlighted="true"]`).waitFor();
    // Loaded pages above and the live stream below must not pull the list away from it.
    await sleep(1_500);
    expect(await inView(page, target.id)).toBe(true);
    await screenshot(page, 'search-jump');
  });

  it('opens from the header button and says when nothing matches', async () => {
    const page = await session.newPage();
    await joinAs(page, app.httpUrl, 'gina');
    await page.getByTestId('open-search').click();
    await page.getByTestId('search-input').fill('"NEAR(*)" OR -nothingmatchesthis');
    await page.getByTestId('search-empty').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('search-panel').waitFor({ state: 'detached' });
  });
});
