// The task card with the real opencode (scripted model) in Chromium: tool calls appear on the card, a permission
// ask is answered with the card's Allow button, a question with one of its option buttons; the agent's talk is in
// the thread of the task's message, where a plain reply answers its question.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { startTestServer } from '../helpers/server';
import { type AttachedOpencode, attachedOpencode } from '../server/agents/opencode/harness';
import { type BrowserSession, joinAs, launchBrowser, screenshot, sendMessage } from './helpers/browser';

let oc: AttachedOpencode;
let app: App;
let session: BrowserSession;
let carol: Page;

beforeAll(async () => {
  oc = await attachedOpencode('card-password');
  session = await launchBrowser();
  app = await startTestServer({
    RATE_LIMIT_PER_SECOND: '0',
    // Attaching needs the server's password: a setting, as in production.
    ...oc.settings,
  });
  await app.services.agents.hire({ name: 'ada', role: 'developer', smartness: 'normal' }, 'test');
  carol = await session.newPage();
  await joinAs(carol, app.httpUrl, 'carol');
}, 180_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
  await oc?.stop();
});

/** The card on carol's message with `text` that asked for the task (ada's talk is in its thread). */
async function cardFor(text: string) {
  const ask = carol.locator('[data-testid="message-item"][data-sender="carol"]:not([data-pending])', {
    hasText: text,
  });
  await ask.waitFor();
  const card = ask.getByTestId('task-card');
  try {
    await card.waitFor({ timeout: 60_000 });
  } catch (error) {
    await screenshot(carol, 'task-card-asks-failure');
    const tasks = await app.services.agents.listTasks({});
    throw new Error(
      `${(error as Error).message}\nchat:\n${await carol.getByTestId('message-list').textContent()}\ntasks: ${JSON.stringify(tasks)}`,
    );
  }
  return card;
}

describe('task card with opencode', () => {
  it('shows the shell call waiting for permission; Allow on the card lets it run to done', async () => {
    await sendMessage(carol, '@ada please build it now script:bash');
    const card = await cardFor('build it now script:bash');
    const allow = card.getByTestId('task-ask-allow');
    await allow.waitFor({ timeout: 60_000 });
    expect(await card.getByTestId('task-card-ask').textContent()).toContain('echo ran > ran.txt');
    await screenshot(carol, 'task-card-permission');
    await allow.click();
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(await card.getByTestId('task-card-ask').count()).toBe(0);
    expect(await card.getByTestId('task-card-tools').textContent()).toMatch(/ran|echo|Write ran.txt/);
    expect(await card.getByTestId('task-card-summary').textContent()).toContain('The shell said');
    expect(await card.getByTestId('task-card-usage').textContent()).toMatch(/tokens/);
  }, 150_000);

  it("answers the agent's question with an option button", async () => {
    await sendMessage(carol, '@ada please fix the button script:question');
    const card = await cardFor('fix the button script:question');
    const blue = card.getByTestId('task-ask-option').filter({ hasText: 'blue' });
    await blue.waitFor({ timeout: 60_000 });
    await blue.click();
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(await card.getByTestId('task-card-summary').textContent()).toContain('blue');
  }, 150_000);

  it("shows ada's talk in the thread of the task's message; a plain reply there answers her question", async () => {
    await sendMessage(carol, '@ada please add a header script:question');
    const ask = carol.locator('[data-testid="message-item"][data-sender="carol"]:not([data-pending])', {
      hasText: 'add a header script:question',
    });
    await ask.waitFor();
    // Her acknowledgement and question live in the thread: the main list shows the count under the message.
    const summary = ask.getByTestId('thread-summary');
    await summary.waitFor({ timeout: 60_000 });
    await summary.click();
    const panel = carol.getByTestId('thread-panel');
    const fromAda = (text: string) =>
      panel.locator('[data-testid="message-item"][data-sender="ada"]', { hasText: text });
    await fromAda("I'll add a header").waitFor({ timeout: 60_000 });
    await fromAda('Which colour should the button be?').waitFor({ timeout: 60_000 });
    await screenshot(carol, 'task-thread-question');

    // No quote, no mention: the only open question of the thread is answered.
    await panel.getByTestId('thread-input').fill('blue');
    await panel.getByTestId('thread-send').click();
    const done = fromAda('✅ Done');
    await done.waitFor({ timeout: 60_000 });
    expect(await done.textContent()).toContain('blue');
    const card = ask.getByTestId('task-card');
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    // The result line is also in the main list; the question (and the acknowledgement) are not.
    const list = carol.getByTestId('message-list');
    await list
      .locator('[data-testid="message-item"][data-sender="ada"]', { hasText: '✅ Done: add a header' })
      .first()
      .waitFor();
    expect(
      await list
        .locator('[data-testid="message-item"][data-sender="ada"]', {
          hasText: /❓ Question about|I'll add a header/,
        })
        .count(),
    ).toBe(0);
  }, 150_000);
});
