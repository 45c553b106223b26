// End to end in real Chromium (issue 19): a thread longer than one chat.thread page opens on its newest replies and
// shows its oldest one once the reader scrolls to the top of the panel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import type { Message } from '../../src/shared/message';
import { startTestServer } from '../helpers/server';
import { type BrowserSession, joinAs, launchBrowser, screenshot } from './helpers/browser';

let app: App;
let session: BrowserSession;
let root: Message;
const replies: Message[] = [];

const post = (text: string, sender: string, threadRoot?: number) =>
  app.services.hub.post({ text, sender, senderKind: 'user', threadRoot }, 'api');

beforeAll(async () => {
  session = await launchBrowser();
  app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  root = await post('a long discussion about the release', 'dana');
  for (let i = 1; i <= 130; i++)
    replies.push(await post(`thread reply ${i}`, i % 2 ? 'carol' : 'erin', root.id));
  // The newest page holds the root and these: the stream resumes after them, so no reply reaches the page by it.
  for (let i = 1; i <= 49; i++) await post(`main filler ${i}`, 'gina');
}, 120_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

describe('a long thread', () => {
  it('opens on its newest replies and shows the first reply after scrolling up', async () => {
    const page = await session.newPage();
    await joinAs(page, app.httpUrl, 'frank');
    // The root is the oldest of the newest page: up at the top of the list, once the list has settled at the bottom.
    await page.locator('[data-testid="message-item"]', { hasText: 'main filler 49' }).waitFor();
    const summary = page.locator(`[data-message-id="${root.id}"] [data-testid="thread-summary"]`);
    await page.getByTestId('message-list').hover();
    await expect
      .poll(
        async () => {
          await page.mouse.wheel(0, -5_000);
          if ((await summary.count()) > 0) await summary.click({ timeout: 1_000 }).catch(() => undefined);
          return page.getByTestId('thread-panel').count();
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBe(1);
    const panel = page.getByTestId('thread-panel');
    const first = replies[0] as Message;
    const last = replies[replies.length - 1] as Message;
    await panel.locator(`[data-message-id="${last.id}"]`).waitFor();
    // One page, not the whole thread; the count is the thread's.
    expect(await panel.locator(`[data-message-id="${first.id}"]`).count()).toBe(0);
    expect(await panel.getByTestId('thread-count').textContent()).toBe('130 replies');

    const messages = panel.getByTestId('thread-messages');
    await messages.hover();
    await expect
      .poll(
        async () => {
          await page.mouse.wheel(0, -5_000);
          return panel.locator(`[data-message-id="${first.id}"]`).count();
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBe(1);
    // The root, then every reply once, in order, and nothing older left to load.
    const shown = await messages
      .locator('[data-testid="message-item"][data-message-id]')
      .evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-message-id'))));
    expect(shown).toEqual([root.id, ...replies.map((r) => r.id)]);
    expect(await panel.getByTestId('thread-load-older').count()).toBe(0);
    await screenshot(page, 'thread-oldest-reply');
  }, 60_000);
});
