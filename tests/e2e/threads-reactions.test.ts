// End to end in real Chromium: a reaction seen live by the other person (count, who, your own pressed, taken
// back), and a thread opened from a reply count, with replies sent from its composer (one also to the channel).
import type { Page } from 'playwright-core';
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
let alice: Page;
let bob: Page;

beforeAll(async () => {
  session = await launchBrowser();
  app = await startTestServer();
  alice = await session.newPage();
  bob = await session.newPage();
  await joinAs(alice, app.httpUrl, 'alice');
  await joinAs(bob, app.httpUrl, 'bob');
}, 120_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

const chip = (page: Page, id: number, emoji: string) =>
  page.locator(`[data-message-id="${id}"] [data-testid="reaction-chip"][data-emoji="${emoji}"]`);

describe('reactions and threads in the browser', () => {
  it('shows a reaction live to the other person, with who reacted, and takes it back', async () => {
    await sendMessage(alice, 'lunch at noon?');
    const onBob = messageLocator(bob, 'lunch at noon?');
    await onBob.waitFor();
    const id = Number(await onBob.getAttribute('data-message-id'));

    await onBob.hover();
    await onBob.getByTestId('add-reaction').click();
    await onBob.getByTestId('reaction-picker').getByRole('button', { name: 'React with 🎉' }).click();

    await chip(alice, id, '🎉').waitFor();
    expect(await chip(alice, id, '🎉').getAttribute('data-count')).toBe('1');
    expect(await chip(alice, id, '🎉').getAttribute('aria-pressed')).toBe('false');
    expect(await chip(alice, id, '🎉').getAttribute('title')).toBe('bob reacted with 🎉');
    await expect.poll(() => chip(bob, id, '🎉').getAttribute('aria-pressed')).toBe('true');

    // Alice adds hers from the chip: both see two, each with their own pressed.
    await chip(alice, id, '🎉').click();
    await expect.poll(() => chip(bob, id, '🎉').getAttribute('data-count')).toBe('2');
    expect(await chip(bob, id, '🎉').getAttribute('title')).toBe('You and alice reacted with 🎉');
    await expect.poll(() => chip(alice, id, '🎉').getAttribute('aria-pressed')).toBe('true');
    await screenshot(bob, 'reactions');

    // Bob takes his back: the count drops for alice too.
    await chip(bob, id, '🎉').click();
    await expect.poll(() => chip(alice, id, '🎉').getAttribute('data-count')).toBe('1');
    expect(await chip(alice, id, '🎉').getAttribute('title')).toBe('You reacted with 🎉');
  });

  it('opens a thread from a reply count and replies from its composer, live for the other person', async () => {
    await sendMessage(alice, 'which region do we deploy to?');
    const rootOnBob = messageLocator(bob, 'which region do we deploy to?');
    await rootOnBob.waitFor();
    const rootId = Number(await rootOnBob.getAttribute('data-message-id'));

    // Bob starts the thread with the "Reply in thread" action.
    await rootOnBob.hover();
    await rootOnBob.getByTestId('reply-in-thread').click();
    const bobPanel = bob.getByTestId('thread-panel');
    await bobPanel.waitFor();
    expect(await bobPanel.getAttribute('data-root')).toBe(String(rootId));
    await expect.poll(() => bobPanel.getByTestId('thread-root').textContent()).toContain('which region');
    await bob.keyboard.type('eu-west, like last time');
    await bob.keyboard.press('Enter');
    await bobPanel.locator('[data-testid="message-item"]', { hasText: 'eu-west, like last time' }).waitFor();

    // Alice sees a count under the root, not the reply in the main list.
    const summary = alice.locator(`[data-message-id="${rootId}"] [data-testid="thread-summary"]`);
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/^1 reply · last \d/);
    expect(await messageLocator(alice, 'eu-west, like last time').count()).toBe(0);

    // She opens the thread from the count and answers, also to the channel.
    await summary.click();
    const alicePanel = alice.getByTestId('thread-panel');
    await alicePanel
      .locator('[data-testid="message-item"]', { hasText: 'eu-west, like last time' })
      .waitFor();
    await alicePanel.getByTestId('thread-input').fill('agreed, shipping there');
    await alicePanel.getByTestId('thread-also-to-channel').check();
    await alicePanel.getByTestId('thread-send').click();
    await expect.poll(() => alicePanel.getByTestId('thread-input').inputValue()).toBe('');
    await screenshot(alice, 'thread-panel');

    // Bob's open panel gets it live, and so does his main list (it was sent to the channel too).
    await bobPanel.locator('[data-testid="message-item"]', { hasText: 'agreed, shipping there' }).waitFor();
    const broadcast = messageLocator(bob, 'agreed, shipping there').and(
      bob.getByTestId('message-list').locator('[data-testid="message-item"]'),
    );
    await broadcast.waitFor();
    expect(await broadcast.getByTestId('thread-origin').count()).toBe(1);
    await expect
      .poll(() =>
        bob
          .locator(`[data-message-id="${rootId}"] [data-testid="thread-summary"]`)
          .getAttribute('data-reply-count'),
      )
      .toBe('2');
    expect(await bobPanel.getByTestId('thread-count').textContent()).toBe('2 replies');

    // Escape closes the panel; the thread-only reply never entered the main list.
    await bob.getByTestId('thread-input').focus();
    await bob.keyboard.press('Escape');
    await expect.poll(() => bobPanel.count()).toBe(0);
    const mainIds = await shownMessageIds(bob);
    const replyId = (await app.services.repo.thread(rootId)).find(
      (m) => m.text === 'eu-west, like last time',
    )?.id;
    expect(replyId).toBeDefined();
    expect(mainIds).not.toContain(replyId);
  });

  it('keeps thread replies out of the main list and the counts under roots after a reload', async () => {
    await bob.reload();
    await bob.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
    await messageLocator(bob, 'which region do we deploy to?').waitFor();
    expect(await messageLocator(bob, 'eu-west, like last time').count()).toBe(0);
    const summary = bob.locator('[data-testid="thread-summary"]');
    expect(await summary.getAttribute('data-reply-count')).toBe('2');
    await summary.click();
    await bob
      .getByTestId('thread-panel')
      .locator('[data-testid="message-item"]', { hasText: 'eu-west, like last time' })
      .waitFor();
    await bob.keyboard.press('Escape');
    await expect.poll(() => bob.getByTestId('thread-panel').count()).toBe(0);
  });

  it('opens a thread from the keyboard with T on a message, and Escape returns to the composer', async () => {
    const root = messageLocator(bob, 'which region do we deploy to?').and(
      bob.getByTestId('message-list').locator('[data-testid="message-item"]'),
    );
    await root.focus();
    await bob.keyboard.press('t');
    const panel = bob.getByTestId('thread-panel');
    await panel.waitFor();
    expect(await panel.getAttribute('data-root')).toBe(await root.getAttribute('data-message-id'));
    await expect
      .poll(() => bob.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('thread-input');
    await bob.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);
    expect(await bob.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'message-input',
    );
  });

  it('opens the thread, with the reply highlighted, from a quote of a reply that lives only in the thread', async () => {
    // Not chat.history: that holds the main conversation only, and this reply lives only in its thread.
    const reply = (await app.services.repo.messagesAfter(0, 500)).find(
      (m) => m.text === 'eu-west, like last time',
    );
    expect(reply?.threadRoot).toBeDefined();
    await app.services.hub.post(
      { text: 'see the region answer', replyTo: reply?.id, sender: 'carol', senderKind: 'user' },
      'api',
    );
    const quote = messageLocator(alice, 'see the region answer').getByTestId('reply-quote');
    await quote.click();
    const panel = alice.getByTestId('thread-panel');
    await panel.waitFor();
    expect(await panel.getAttribute('data-root')).toBe(String(reply?.threadRoot));
    await panel.locator(`[data-message-id="${reply?.id}"][data-highlighted="true"]`).waitFor();
    expect(await alice.getByTestId('notice').count()).toBe(0);
  });

  it('fits a phone: the thread covers the conversation, and its close button brings the conversation back', async () => {
    const phone = await session.newPage({ viewport: { width: 390, height: 800 } });
    await joinAs(phone, app.httpUrl, 'pat');
    const summary = phone.locator('[data-testid="thread-summary"]');
    await summary.click();
    const panel = phone.getByTestId('thread-panel');
    await panel.locator('[data-testid="message-item"]', { hasText: 'eu-west, like last time' }).waitFor();
    expect((await panel.boundingBox())?.width).toBe(390);
    await screenshot(phone, 'thread-phone');
    await panel.getByRole('button', { name: 'Close the thread' }).click();
    await expect.poll(() => panel.count()).toBe(0);
    expect(await phone.getByTestId('message-list').isVisible()).toBe(true);
  });
});
