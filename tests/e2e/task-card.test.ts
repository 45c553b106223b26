// The live task card in real Chromium: under the task's message (the agent's talk is in its thread), it follows a command-mode fixture worker
// (steps, then done with its summary) and Stop ends a running task — all without reloading the page.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { startTestServer } from '../helpers/server';
import { fixtureCommand } from '../server/agents/helpers';
import { type BrowserSession, joinAs, launchBrowser, screenshot, sendMessage } from './helpers/browser';

let app: App;
let session: BrowserSession;
let alice: Page;
let bob: Page;

beforeAll(async () => {
  session = await launchBrowser();
  app = await startTestServer({
    RATE_LIMIT_PER_SECOND: '0',
    AGENT_WORKER_COMMAND: fixtureCommand('card-worker.mjs', '{prompt}'),
  });
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

/** The card under the message with `text` that asked for the task. */
async function cardUnderAsk(page: Page, askText: string) {
  const ask = page.locator('[data-testid="message-item"][data-sender="alice"]:not([data-pending])', {
    hasText: askText,
  });
  await ask.waitFor();
  const card = ask.getByTestId('task-card');
  await card.waitFor();
  return card;
}

describe('task card', () => {
  it("appears under the task's message and follows the worker to done, in every window", async () => {
    await sendMessage(alice, '@ada please create a login component');
    for (const page of [alice, bob]) {
      const card = await cardUnderAsk(page, 'please create a login component');
      await expect.poll(() => card.getAttribute('data-status'), { timeout: 15_000 }).toBe('done');
      expect(await card.getByTestId('task-card-status').textContent()).toContain('done');
      expect(await card.getByTestId('task-card-summary').textContent()).toContain('created src/Login.tsx');
      expect(await card.getByTestId('task-card-elapsed').textContent()).toMatch(/\d+ s/);
      // Exactly one card for the task, under its message only.
      expect(await page.getByTestId('task-card').count()).toBe(1);
    }
    await screenshot(alice, 'task-card-done');
  });

  it('shows a running task live, and Stop from the assigner stops it', async () => {
    await sendMessage(alice, '@ada please review the parser until stopped');
    const card = await cardUnderAsk(alice, 'review the parser until stopped');
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 15_000 }).toBe('running');
    await expect.poll(() => card.getByTestId('task-card-step').textContent()).toBe('waiting for review');
    const bobCard = await cardUnderAsk(bob, 'review the parser until stopped');
    await expect.poll(() => bobCard.getAttribute('data-status')).toBe('running');
    await screenshot(alice, 'task-card-running');

    await card.getByTestId('task-card-stop').click();
    for (const c of [card, bobCard]) {
      await expect.poll(() => c.getAttribute('data-status'), { timeout: 15_000 }).toBe('stopped');
      expect(await c.getByTestId('task-card-status').textContent()).toContain('stopped');
    }
    expect(await card.getByTestId('task-card-stop').count()).toBe(0);
  });
});
