// Browser-test set-up: the built client (built once if stale), real Debian Chromium via playwright-core, pages
// signed in by name, and a screenshot folder that git ignores.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { ensureClientBuilt } from '../../../scripts/build-client';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = resolve('test-results/e2e');

export interface BrowserSession {
  browser: Browser;
  newPage(options?: {
    viewport?: { width: number; height: number };
    colorScheme?: 'light' | 'dark';
  }): Promise<Page>;
  close(): Promise<void>;
}

/** Builds the client if needed and launches Chromium with a throwaway profile. */
export async function launchBrowser(): Promise<BrowserSession> {
  await ensureClientBuilt();
  // playwright-core gives every launch a fresh temporary profile (--user-data-dir is not allowed with launch()).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async newPage(options = {}) {
      // Each page gets its own context: separate localStorage, like two people on two machines.
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1280, height: 900 },
        colorScheme: options.colorScheme ?? 'light',
      });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}

/** Opens the app and joins with a name (open mode); resolves once the chat is connected. */
export async function joinAs(page: Page, baseUrl: string, name: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('join-name').fill(name);
  await page.getByTestId('join-submit').click();
  await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
  await page.locator('[data-testid="message-list"][role="log"]').waitFor();
}

/** Types into the composer and presses Enter. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('message-input');
  await input.fill(text);
  await input.press('Enter');
}

export function messageLocator(page: Page, text: string) {
  return page.locator('[data-testid="message-item"]:not([data-pending])', { hasText: text });
}

/** Ids of the stored messages the page shows, in order. */
export async function shownMessageIds(page: Page): Promise<number[]> {
  return page
    .locator('[data-testid="message-item"][data-message-id]')
    .evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-message-id'))));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
