// End to end in real Chromium: nothing a person types is lost. Fourteen lines typed ~150 ms apart all end up
// stored, in order, once each, with the default limits and with a server whose limit is tiny (the extra lines wait
// in the outgoing queue as "sending…" and go out as the limit allows, with the same clientId).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { startTestServer } from '../helpers/server';
import {
  type BrowserSession,
  joinAs,
  launchBrowser,
  messageLocator,
  shownMessageIds,
} from './helpers/browser';

let session: BrowserSession;
const apps: App[] = [];

beforeAll(async () => {
  session = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await session?.close();
  for (const app of apps) await app.stop();
});

const LINES = Array.from({ length: 14 }, (_, i) => `quick line ${i + 1}`);

/** Enters each line and presses Enter, ~150 ms apart: one-line messages sent as fast as a quick typist does. */
async function typeQuickly(page: Page, lines: string[]): Promise<void> {
  const input = page.getByTestId('message-input');
  for (const line of lines) {
    await input.fill(line);
    await input.press('Enter');
    await page.waitForTimeout(150);
  }
}

async function storedBy(app: App, sender: string) {
  return (await app.services.repo.history(null, 200)).filter((m) => m.sender === sender);
}

describe('outgoing queue', () => {
  it('commits 14 lines typed ~150 ms apart, in order, with the default limits', async () => {
    const app = await startTestServer();
    apps.push(app);
    const page = await session.newPage();
    await joinAs(page, app.httpUrl, 'quick');

    await typeQuickly(page, LINES);
    await messageLocator(page, 'quick line 14').waitFor();

    await expect.poll(async () => (await storedBy(app, 'quick')).map((m) => m.text)).toEqual(LINES);
    expect(await page.locator('[data-testid="message-item"][data-pending]').count()).toBe(0);
    expect(await page.getByTestId('send-error').textContent()).toBe('');
    expect(await page.getByTestId('message-input').inputValue()).toBe('');
  });

  it('holds what meets a tiny limit (burst 3, 1/s) as "sending…" and commits all 14 in order, none twice', async () => {
    const app = await startTestServer({ RATE_LIMIT_BURST: '3', RATE_LIMIT_PER_SECOND: '1' });
    apps.push(app);
    const page = await session.newPage();
    await joinAs(page, app.httpUrl, 'eager');

    await typeQuickly(page, LINES);
    // Typing took ~2.5 s: about 5 lines are in, the rest wait their turn in the list, and none is an error.
    const waiting = page.locator('[data-testid="message-item"][data-pending]');
    expect(await waiting.count()).toBeGreaterThan(0);
    expect(await waiting.first().textContent()).toContain('sending…');
    expect(await page.getByTestId('failed-sends').count()).toBe(0);
    expect(await page.getByTestId('message-input').inputValue()).toBe('');

    await messageLocator(page, 'quick line 14').waitFor({ timeout: 20_000 });
    const stored = await storedBy(app, 'eager');
    expect(stored.map((m) => m.text)).toEqual(LINES);
    expect(new Set(stored.map((m) => m.clientId)).size).toBe(14);
    // The page shows each stored message once, in id order, and nothing is left pending.
    await expect.poll(() => shownMessageIds(page)).toEqual(stored.map((m) => m.id));
    expect(await waiting.count()).toBe(0);
    expect(app.services.limiter.hits).toBeGreaterThan(0);
  });

  it('keeps unsent messages through a reload of the tab and sends them once, in order', async () => {
    const app = await startTestServer({ RATE_LIMIT_BURST: '2', RATE_LIMIT_PER_SECOND: '0.5' });
    apps.push(app);
    const page = await session.newPage();
    await joinAs(page, app.httpUrl, 'reloader');
    const lines = [
      'before reload 1',
      'before reload 2',
      'before reload 3',
      'before reload 4',
      'before reload 5',
    ];
    await typeQuickly(page, lines);
    // Two went at once; the rest are still in the queue when the page reloads.
    await page.locator('[data-testid="message-item"][data-pending]').first().waitFor();

    await page.reload();
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
    await messageLocator(page, 'before reload 5').waitFor({ timeout: 20_000 });
    const stored = await storedBy(app, 'reloader');
    expect(stored.map((m) => m.text)).toEqual(lines);
    await expect.poll(() => shownMessageIds(page)).toEqual(stored.map((m) => m.id));
    expect(await page.locator('[data-testid="message-item"][data-pending]').count()).toBe(0);
  });
});
