// End to end in real Chromium (issue 19): a jump to a message thousands back shows a window around it (a handful of
// requests, not a page per 50 messages between), keeps it in view, keeps live messages for Jump to latest, and
// joins the live list again when the reader scrolls down to it.
import type { Page, WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import type { Message } from '../../src/shared/message';
import { startTestServer } from '../helpers/server';
import { type BrowserSession, joinAs, launchBrowser, messageLocator, screenshot } from './helpers/browser';

let app: App;
let session: BrowserSession;
let far: Message;
let near: Message;

const post = (text: string, sender = 'carol') =>
  app.services.hub.post({ text, sender, senderKind: 'user' }, 'api');

/** `count` fillers, committed a hundred at a time (the writer groups them). */
async function fillers(count: number, label: string): Promise<void> {
  for (let i = 0; i < count; i += 100)
    await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, (_, j) => post(`${label} ${i + j + 1}`)),
    );
}

beforeAll(async () => {
  session = await launchBrowser();
  app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  await fillers(200, 'ancient filler');
  far = await post('the aardvark budget, long ago', 'dana');
  await fillers(5_700, 'old filler');
  near = await post('the pangolin roadmap, a while back', 'dana');
  await fillers(300, 'recent filler');
}, 240_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

/** Whether the message's row is inside the list's visible area (not just rendered in the overscan). */
async function inView(page: Page, id: number): Promise<boolean> {
  return page.evaluate((id) => {
    const list = document.querySelector('[data-testid="message-list"]')?.getBoundingClientRect();
    const row = document.querySelector(`[data-message-id="${id}"]`)?.getBoundingClientRect();
    if (!list || !row) return false;
    return row.bottom > list.top && row.top < list.bottom;
  }, id);
}

/** Counts the page's chat.history and chat.around calls on its WebSocket, from now on. */
function countPaging(page: Page): { history: number; around: number } {
  const counts = { history: 0, around: 0 };
  page.on('websocket', (ws: WebSocket) =>
    ws.on('framesent', ({ payload }) => {
      const text = String(payload);
      if (text.includes('"chat.history"')) counts.history += 1;
      if (text.includes('"chat.around"')) counts.around += 1;
    }),
  );
  return counts;
}

async function searchAndJump(page: Page, words: string, id: number): Promise<void> {
  await page.keyboard.press('Control+k');
  await page.getByTestId('search-input').fill(words);
  await page.locator(`[data-testid="search-hit"][data-message-id="${id}"]`).waitFor();
  await page.keyboard.press('Enter');
  await page.getByTestId('search-panel').waitFor({ state: 'detached' });
  await page.locator(`[data-message-id="${id}"][data-highlighted="true"]`).waitFor();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const list = (page: Page) => page.getByTestId('message-list');

describe('a far jump', () => {
  it('shows a window around a message 6,000 back with a handful of requests, and keeps it in view', async () => {
    const page = await session.newPage();
    const counts = countPaging(page);
    await joinAs(page, app.httpUrl, 'frank');
    const newest = await app.services.repo.lastMessageId();
    expect(newest - far.id).toBeGreaterThanOrEqual(5_000);
    await page.locator(`[data-message-id="${newest}"]`).waitFor();
    const before = { ...counts };

    await searchAndJump(page, 'aardvark budget', far.id);
    expect(await list(page).getAttribute('data-detached')).toBe('true');
    // Loaded rows above and below, and the live stream, must not pull the list away from it.
    await sleep(1_500);
    expect(await inView(page, far.id)).toBe(true);
    const requests = counts.history + counts.around - before.history - before.around;
    expect(requests).toBeGreaterThanOrEqual(1);
    expect(requests).toBeLessThanOrEqual(4);
    // A window, not every row between: the list holds a few pages at most.
    expect(await page.locator('[data-testid="message-item"]').count()).toBeLessThan(200);
    await screenshot(page, 'far-jump-window');

    // Someone writes while the reader is in the window: counted on the pill, not appended to the window.
    const live = await post('fresh news while you read old things', 'gina');
    const pill = page.getByTestId('jump-to-latest');
    await expect.poll(() => pill.getAttribute('data-count')).toBe('1');
    expect(await page.locator(`[data-message-id="${live.id}"]`).count()).toBe(0);
    expect(await inView(page, far.id)).toBe(true);

    await pill.click();
    await page.locator(`[data-message-id="${live.id}"]`).waitFor();
    await expect.poll(() => inView(page, live.id)).toBe(true);
    expect(await list(page).getAttribute('data-detached')).toBeNull();
    expect(await list(page).getAttribute('data-following')).toBe('true');
    await screenshot(page, 'far-jump-back-to-latest');
  }, 120_000);

  it('joins the live list again when the reader scrolls down from the window to it', async () => {
    const page = await session.newPage();
    await joinAs(page, app.httpUrl, 'hank');
    const newest = await app.services.repo.lastMessageId();
    await page.locator(`[data-message-id="${newest}"]`).waitFor();

    await searchAndJump(page, 'pangolin roadmap', near.id);
    expect(await list(page).getAttribute('data-detached')).toBe('true');
    await expect.poll(() => inView(page, near.id)).toBe(true);

    // The reader scrolls down (the wheel): each time the window's end is reached the next newer page loads, until
    // the window meets the live list and they are one list; scrolling on reaches its newest and follows it again.
    await list(page).hover();
    await expect
      .poll(
        async () => {
          await page.mouse.wheel(0, 4_000);
          return page.evaluate(
            (id) =>
              document.querySelector('[data-testid="message-list"]')?.hasAttribute('data-detached') ===
                false && !!document.querySelector(`[data-message-id="${id}"]`),
            newest,
          );
        },
        { timeout: 60_000, interval: 250 },
      )
      .toBe(true);
    await expect
      .poll(
        async () => {
          await page.mouse.wheel(0, 4_000);
          return list(page).getAttribute('data-following');
        },
        { timeout: 15_000, interval: 250 },
      )
      .toBe('true');
    const live = await post('right after joining', 'gina');
    await messageLocator(page, 'right after joining').waitFor();
    await expect.poll(() => inView(page, live.id)).toBe(true);
    // The window's rows are still there above: the list is one from the jump's page to the newest.
    expect(await page.getByTestId('jump-to-latest').count()).toBe(0);
  }, 120_000);
});
