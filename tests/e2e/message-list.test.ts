// End to end in real Chromium (issue 14): jumping to a very old quoted message lands on it and stays, a flood
// keeps a reader at the bottom at the bottom and counts new messages for one scrolled up, a phone-width screen
// shows message actions only for the message in use, and the keyboard reaches the composer at once.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { startTestServer } from '../helpers/server';
import { type BrowserSession, joinAs, launchBrowser, messageLocator, screenshot } from './helpers/browser';

let app: App;
let session: BrowserSession;

beforeAll(async () => {
  session = await launchBrowser();
  app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
}, 120_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

const post = (text: string, sender = 'carol', replyTo?: number) =>
  app.services.hub.post({ text, sender, senderKind: 'user', replyTo }, 'api');

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

describe('jumping to an old message', () => {
  it('shows the quoted original of message #1 of 330, lands on it and stays there, highlighted', async () => {
    const first = await post('the very first message: where do we deploy?\nsecond line', 'dana');
    for (let i = 2; i <= 329; i++) await post(`filler ${i}`);
    const reply = await post('replying to the very first one', 'erin', first.id);
    const page = await session.newPage();
    await joinAs(page, app.httpUrl, 'frank');

    const quote = page.locator(`[data-message-id="${reply.id}"] [data-testid="reply-quote"]`);
    await expect.poll(() => quote.textContent()).toContain('dana');
    expect(await quote.textContent()).toContain('the very first message: where do we deploy?');
    expect(await quote.textContent()).not.toContain('second line');

    await quote.click();
    const target = page.locator(`[data-message-id="${first.id}"][data-highlighted="true"]`);
    await target.waitFor();
    // The list used to drift away from the target (to around #290) within 1.5 s, losing the highlight.
    await sleep(2_000);
    expect(await inView(page, first.id)).toBe(true);
    expect(await target.count()).toBe(1);
    await screenshot(page, 'jump-to-first');
  });
});
