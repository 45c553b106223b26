// End to end in real Chromium against the real server and the built client: two people chat, mention an agent
// through the autocomplete, reply in threads, see each other typing, and hostile text stays text.
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
  await app.services.agents.hire({ name: 'ada', role: 'developer', smartness: 'normal' }, 'test');
  alice = await session.newPage();
  bob = await session.newPage();
  await joinAs(alice, app.httpUrl, 'alice');
  await joinAs(bob, app.httpUrl, 'bob');
}, 120_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

describe('chat in the browser', () => {
  it('delivers a message from one person to another, once, in both windows', async () => {
    await sendMessage(alice, 'hello bob, this is alice');
    await messageLocator(bob, 'hello bob, this is alice').waitFor();
    await sendMessage(bob, 'hi alice!');
    await messageLocator(alice, 'hi alice!').waitFor();

    for (const page of [alice, bob]) {
      await expect.poll(() => shownMessageIds(page)).toHaveLength(2);
      expect(await page.locator('[data-testid="message-item"][data-pending]').count()).toBe(0);
    }
    expect(await messageLocator(bob, 'hello bob, this is alice').getAttribute('data-sender')).toBe('alice');
    await expect.poll(() => alice.getByTestId('user-list').textContent()).toContain('bob');
    expect(await alice.getByTestId('message-input').inputValue()).toBe('');
  });

  it('picks a mention from the @ autocomplete with the keyboard, and the agent answers', async () => {
    const input = bob.getByTestId('message-input');
    await input.click();
    await input.pressSequentially('@ad');
    const suggestions = bob.getByTestId('mention-suggestions');
    await suggestions.waitFor();
    const first = suggestions.getByRole('option').first();
    expect(await first.getAttribute('data-value')).toBe('ada');
    expect(await first.textContent()).toContain('developer');
    await screenshot(bob, 'mention-suggestions');
    await input.press('Enter');
    expect(await input.inputValue()).toBe('@ada ');
    await expect.poll(() => suggestions.count()).toBe(0);

    await input.pressSequentially('what do you think about our test suite?');
    await input.press('Enter');
    const asked = messageLocator(alice, 'what do you think about our test suite?').and(
      alice.locator('[data-sender="bob"]'),
    );
    await asked.waitFor();
    expect(await asked.locator('[data-mention="ada"]').textContent()).toBe('@ada');

    const askedId = await asked.getAttribute('data-message-id');
    const answer = alice.locator(`[data-testid="message-item"][data-sender="ada"]`, {
      has: alice.locator(`[data-testid="reply-quote"][data-reply-to="${askedId}"]`),
    });
    await answer.waitFor({ timeout: 15_000 });
    await screenshot(alice, 'main-screen');
  });

  it('offers commands after a leading slash', async () => {
    const input = alice.getByTestId('message-input');
    await input.fill('');
    await input.pressSequentially('/he');
    const commands = alice.getByTestId('command-suggestions');
    await commands.waitFor();
    await input.press('Tab');
    expect(await input.inputValue()).toBe('/help ');
    await input.press('Enter');
    // /help is the server's answer from the one command table: every command that works is listed.
    await expect.poll(() => alice.getByTestId('notice').textContent()).toContain('/transport');
    const help = (await alice.getByTestId('notice').textContent()) ?? '';
    for (const usage of [
      '/hire <name> <role…>',
      '/fire <name>',
      '/task <agent> <what to do…>',
      '/stop <agent>',
    ])
      expect(help).toContain(usage);

    await input.fill('');
    await input.pressSequentially('/');
    await expect
      .poll(() =>
        commands.getByRole('option').evaluateAll((os) => os.map((o) => o.getAttribute('data-value'))),
      )
      .toEqual(['help', 'hire', 'fire', 'task', 'stop', 'transport']);
    await input.fill('');
  });

  it('threads a reply under its original, and the quote jumps to and highlights it', async () => {
    await sendMessage(alice, 'the original question about deploys');
    const original = messageLocator(bob, 'the original question about deploys');
    await original.waitFor();
    const originalId = Number(await original.getAttribute('data-message-id'));

    await original.hover();
    await original.getByTestId('reply-button').click();
    const preview = bob.getByTestId('reply-preview');
    expect(await preview.getAttribute('data-reply-to')).toBe(String(originalId));
    expect(await preview.textContent()).toContain('the original question about deploys');
    await sendMessage(bob, 'a threaded answer');
    await expect.poll(() => preview.count()).toBe(0);

    // Enough later messages that the original leaves the first page and the rendered window.
    for (let i = 0; i < 70; i++)
      await app.services.hub.post({ text: `filler ${i}`, sender: 'carol', senderKind: 'user' }, 'api');
    // The stream is in order: once the last filler is in, the reply is too (a reader at the bottom follows the
    // fillers, so the reply may already have left the rendered window).
    await messageLocator(alice, 'filler 69').waitFor();
    await alice.reload();
    await alice.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
    await messageLocator(alice, 'filler 69').waitFor();
    expect(await alice.locator(`[data-message-id="${originalId}"]`).count()).toBe(0);

    // Scroll the reply into view through the list, then click its quote.
    const replyId = (await app.services.repo.history(null, 200)).find(
      (m) => m.text === 'a threaded answer',
    )?.id;
    expect(replyId).toBeDefined();
    await alice.getByTestId('message-list').hover();
    await expect
      .poll(async () => {
        await alice.mouse.wheel(0, -800);
        return alice.locator(`[data-message-id="${replyId}"]`).count();
      })
      .toBe(1);
    const quote = alice.locator(`[data-message-id="${replyId}"] [data-testid="reply-quote"]`);
    expect(await quote.textContent()).toContain('the original question about deploys');
    await quote.click();
    const highlighted = alice.locator(`[data-message-id="${originalId}"][data-highlighted="true"]`);
    await highlighted.waitFor();
    expect(await highlighted.isVisible()).toBe(true);
  });

  it('shows who is typing and clears it after they stop', async () => {
    const indicator = alice.getByTestId('typing-indicator');
    await bob.getByTestId('message-input').fill('');
    await bob.getByTestId('message-input').pressSequentially('I am writing some');
    await expect.poll(() => indicator.textContent()).toBe('bob is typing…');
    // Three seconds of silence: bob's client says it stopped (and alice's would expire it anyway).
    await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toBe('');
    // Bob's own window never shows himself typing.
    expect(await bob.getByTestId('typing-indicator').textContent()).toBe('');
  });

  it('renders hostile markup as inert text', async () => {
    const payloads = [
      '<img src=x onerror="window.__xss = 1">',
      '<script>window.__xss = 2</script>',
      '[click me](javascript:window.__xss=3)',
      'javascript:window.__xss=4 and <a href="javascript:window.__xss=5">link</a>',
      'a real link https://example.com/docs?q=1.',
    ];
    for (const text of payloads) await sendMessage(bob, text);
    // After the reply test Alice is still scrolled up at the thread: new messages wait below.
    const jump = alice.getByTestId('jump-to-latest');
    if (await jump.count()) await jump.click();
    for (const text of payloads) await messageLocator(alice, text.slice(0, 20)).first().waitFor();

    for (const page of [alice, bob]) {
      const list = page.getByTestId('message-list');
      for (const text of payloads) expect(await list.textContent()).toContain(text);
      expect(await list.locator('img, script, iframe').count()).toBe(0);
      const hrefs = await list.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(hrefs).toEqual(['https://example.com/docs?q=1']);
      expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    }
  });

  it('fits a phone: the people list folds away behind a button, and dark mode follows the system', async () => {
    const phone = await session.newPage({ viewport: { width: 390, height: 800 }, colorScheme: 'dark' });
    await joinAs(phone, app.httpUrl, 'pat');
    const people = phone.getByTestId('user-list');
    expect(await people.isVisible()).toBe(false);
    await screenshot(phone, 'phone-chat');
    await phone.getByRole('button', { name: 'Show people and agents' }).click();
    await people.waitFor();
    expect(await people.textContent()).toContain('ada');
    // Tapping a name mentions it and folds the list away again.
    await people.getByRole('button', { name: 'Mention ada' }).click();
    expect(await phone.getByTestId('message-input').inputValue()).toBe('@ada ');
    expect(await people.isVisible()).toBe(false);
    await phone.getByRole('button', { name: 'Show people and agents' }).click();
    const background = await phone
      .locator('body > #root > div')
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    await screenshot(phone, 'phone-dark');
    expect(background).not.toBe('rgb(255, 255, 255)');
    await screenshot(phone, 'phone-dark');
  });
});
