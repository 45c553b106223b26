// Unread and notifications in real Chromium (issue 19): after a reload the "New messages" divider sits before the
// first message that came while the person was away, the tab title carries the count and a mention mark, and the
// position follows them to another device; with notifications turned on, a mention while the tab is hidden shows a
// desktop notification (sender, first line) whose click brings the message into view; a reply in my thread too,
// whose click opens the thread.
//
// Hidden tab: an init script overrides document.visibilityState / document.hidden (a page flag flips them and fires
// visibilitychange) — headless Chromium keeps every page "visible", and CDP's focus emulation does not change
// visibilityState. Notifications: the context is granted the permission, and an init script wraps
// window.Notification to record each construction (the real one is still called).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { startTestServer } from '../helpers/server';
import { type BrowserSession, joinAs, launchBrowser, screenshot } from './helpers/browser';

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

const post = (text: string, sender: string, replyTo?: number) =>
  app.services.hub.post({ text, sender, senderKind: 'user', replyTo }, 'api');

/** Lets the test hide and show the tab (see the file's first comment). */
const VISIBILITY_SWITCH = () => {
  if (location.protocol === 'about:') return;
  const w = window as unknown as { __hidden: boolean; setHidden(hidden: boolean): void };
  // Remembered across reloads of the tab, so a page can open in the background.
  w.__hidden = localStorage.getItem('test-hidden') === '1';
  Object.defineProperty(document, 'visibilityState', { get: () => (w.__hidden ? 'hidden' : 'visible') });
  Object.defineProperty(document, 'hidden', { get: () => w.__hidden });
  w.setHidden = (hidden) => {
    w.__hidden = hidden;
    localStorage.setItem('test-hidden', hidden ? '1' : '0');
    document.dispatchEvent(new Event('visibilitychange'));
  };
};

/** Records every `new Notification(title, options)` and keeps the instances (to click one). */
const NOTIFICATION_RECORDER = () => {
  const Real = window.Notification;
  const shown: { title: string; body: string; tag: string; instance: Notification }[] = [];
  class Recorded extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      shown.push({ title, body: options?.body ?? '', tag: options?.tag ?? '', instance: this });
    }
  }
  Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true, writable: true });
  (window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown;
};

const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate((h) => (window as unknown as { setHidden(h: boolean): void }).setHidden(h), hidden);

const readState = (user: string) => app.services.readPositions.readState(user);

describe('the read position', () => {
  it('shows a "New messages" divider after a reload, the count in the title, and follows to another device', async () => {
    const welcome = await post('welcome, everyone', 'lena');
    const page = await session.newPage();
    await page.addInitScript(VISIBILITY_SWITCH);
    await joinAs(page, app.httpUrl, 'kim');
    // The newest message is on screen in a visible tab: read.
    await expect.poll(async () => (await readState('kim')).upTo, { timeout: 10_000 }).toBe(welcome.id);
    expect(await page.getByTestId('unread-divider').count()).toBe(0);

    // Kim is away (tab gone); three messages come, one mentions her.
    await setHidden(page, true);
    await page.goto('about:blank');
    const firstUnread = await post('are we shipping today?', 'lena');
    await post('@kim can you check the build?', 'omar');
    await post('never mind, it is green', 'omar');

    // Back, with the tab in the background at first: nothing is marked read, the title says 3 and one for her.
    await page.goto(`${app.httpUrl}/`);
    const divider = page.getByTestId('unread-divider');
    await divider.waitFor();
    const next = divider.locator('xpath=following::*[@data-testid="message-item"][1]');
    expect(await next.getAttribute('data-message-id')).toBe(String(firstUnread.id));
    // Lena's second message a minute after her first would join its group; after the line it shows her name.
    expect(await next.getAttribute('data-continued')).toBeNull();
    await expect.poll(() => page.title()).toBe('(3) ● OpenCode-Slack');
    expect((await readState('kim')).upTo).toBe(welcome.id);
    await screenshot(page, 'unread-divider');

    // Visible again with the newest on screen: read everywhere; the divider stays where it was.
    await setHidden(page, false);
    await expect.poll(() => page.title(), { timeout: 10_000 }).toBe('OpenCode-Slack');
    const newest = await app.services.repo.lastMessageId();
    expect((await readState('kim')).upTo).toBe(newest);
    expect(await divider.count()).toBe(1);

    // Another device of kim's opens with nothing unread: no divider, plain title.
    const phone = await session.newPage();
    await joinAs(phone, app.httpUrl, 'kim');
    await expect.poll(() => phone.title()).toBe('OpenCode-Slack');
    expect(await phone.getByTestId('unread-divider').count()).toBe(0);
  }, 60_000);
});

describe('desktop notifications', () => {
  it('shows one for a mention while the tab is hidden, and its click brings the message into view', async () => {
    const page = await session.newPage();
    await page.context().grantPermissions(['notifications'], { origin: app.httpUrl });
    await page.addInitScript(VISIBILITY_SWITCH);
    await page.addInitScript(NOTIFICATION_RECORDER);
    await joinAs(page, app.httpUrl, 'nina');
    const bell = page.getByTestId('notifications-toggle');
    expect(await bell.getAttribute('data-state')).toBe('off');
    await bell.click();
    await expect.poll(() => bell.getAttribute('data-state')).toBe('on');

    const shown = () =>
      page.evaluate(() =>
        (
          window as unknown as { shownNotifications: { title: string; body: string; tag: string }[] }
        ).shownNotifications.map(({ title, body, tag }) => ({ title, body, tag })),
      );
    // Visible: a mention shows in the page, no notification.
    await post('@nina while you are here', 'omar');
    await page.locator('[data-testid="message-item"]', { hasText: 'while you are here' }).waitFor();

    await setHidden(page, true);
    await post('just chatting', 'omar');
    const mention = await post('@nina the deploy failed\nlogs are in the task', 'omar');
    await expect.poll(shown).toEqual([
      {
        title: 'omar mentioned you',
        body: '@nina the deploy failed',
        tag: `opencode-slack-message-${mention.id}`,
      },
    ]);

    // Clicked: the tab is back and the message is highlighted in view.
    await setHidden(page, false);
    await page.evaluate(() =>
      (
        window as unknown as { shownNotifications: { instance: Notification }[] }
      ).shownNotifications[0]?.instance.dispatchEvent(new Event('click')),
    );
    await page.locator(`[data-message-id="${mention.id}"][data-highlighted="true"]`).waitFor();

    // A reply in the thread of nina's message, there only: notified too, and its click opens that thread.
    const root = await post('nina: where are the release notes?', 'nina');
    await page.locator(`[data-message-id="${root.id}"]`).waitFor();
    await setHidden(page, true);
    await app.services.hub.post(
      { text: 'in the wiki, under Releases', sender: 'omar', senderKind: 'user', threadRoot: root.id },
      'api',
    );
    await expect.poll(async () => (await shown()).length).toBe(2);
    expect((await shown())[1]).toMatchObject({
      title: 'omar replied to you',
      body: 'in the wiki, under Releases',
    });
    await setHidden(page, false);
    await page.evaluate(() =>
      (
        window as unknown as { shownNotifications: { instance: Notification }[] }
      ).shownNotifications[1]?.instance.dispatchEvent(new Event('click')),
    );
    await page.getByTestId('thread-panel').getByText('in the wiki, under Releases').waitFor();
  }, 60_000);
});
