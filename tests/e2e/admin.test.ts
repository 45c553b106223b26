// End to end in real Chromium, token mode: people sign in with tokens, only admins get the admin area, where
// they see the transport, hire an agent, follow its task (log opened from the chat message) and stop it.
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { mintToken } from '../../src/server/auth';
import { freePort } from '../helpers/process';
import { startTestServer, tempDir } from '../helpers/server';
import { TEST_SECRET } from '../helpers/services';
import {
  type BrowserSession,
  launchBrowser,
  messageLocator,
  SCREENSHOTS,
  screenshot,
  sendMessage,
} from './helpers/browser';

// A real child process that prints a line and keeps working until stopped.
const WORKER = `'${process.execPath}' '${join(resolve('tests/fixtures'), 'slow-worker.mjs')}'`;

let app: App;
let session: BrowserSession;
let wsPort: number;

beforeAll(async () => {
  session = await launchBrowser();
  // WebSocket on its own port, as in production (the other suites share the HTTP port).
  wsPort = await freePort();
  app = await startTestServer({
    WEBSOCKET_PORT: String(wsPort),
    AUTH_SECRET: TEST_SECRET,
    AGENT_WORKER_COMMAND: WORKER,
    PROJECT_ROOT: tempDir('ocs-e2e-agents-'),
  });
}, 120_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

async function joinWithToken(page: Page, token: string): Promise<void> {
  await page.goto(`${app.httpUrl}/`);
  await page.getByTestId('join-token').fill(token);
  await page.getByTestId('join-submit').click();
}

describe('token mode and the admin area', () => {
  let admin: Page;
  let user: Page;

  it('turns away a token the server does not accept', async () => {
    const page = await session.newPage();
    const forged = await mintToken('another-secret-another-secret-0123456789', {
      user: 'mallory',
      role: 'admin',
    });
    await joinWithToken(page, forged);
    await page.getByTestId('join-error').waitFor();
    expect(await page.getByTestId('join-error').textContent()).toContain('token is invalid');
  });

  it('signs in with tokens and shows the admin area to admins only', async () => {
    user = await session.newPage();
    admin = await session.newPage();
    const sockets: string[] = [];
    user.on('websocket', (socket) => sockets.push(socket.url()));
    await joinWithToken(user, await mintToken(TEST_SECRET, { user: 'ula', role: 'user' }));
    await joinWithToken(admin, await mintToken(TEST_SECRET, { user: 'root', role: 'admin' }));
    for (const page of [user, admin])
      await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
    expect(await user.getByTestId('current-user').textContent()).toBe('ula');
    // Found through /config.json: the page's host, the WebSocket port.
    expect(sockets[0]).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${wsPort}/`));
    expect(await user.getByTestId('open-admin').count()).toBe(0);

    // The token is remembered: a reload goes straight back into the chat.
    await user.reload();
    await user.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();

    await admin.getByTestId('open-admin').click();
    await admin.getByTestId('admin-panel').waitFor();
    await expect.poll(() => admin.getByTestId('active-transport').textContent()).toBe('websocket');
  });

  it('does not offer Telegram while the server has no bot, and says what to set', async () => {
    await admin.getByTestId('telegram-unavailable').waitFor();
    expect(await admin.getByTestId('switch-telegram').count()).toBe(0);
    expect(await admin.getByTestId('telegram-unavailable').textContent()).toContain('TELEGRAM_BOT_TOKEN');
    expect(await admin.getByTestId('active-transport').textContent()).toBe('websocket');
  });

  it('sends someone who is not an admin from /admin back to the chat', async () => {
    await user.goto(`${app.httpUrl}/admin`);
    await user.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
    await expect.poll(() => new URL(user.url()).pathname).toBe('/');
    expect(await user.getByTestId('admin-panel').count()).toBe(0);
  });

  it('hires an agent that then takes a task from the chat, with its log one click away', async () => {
    await admin.getByTestId('hire-name').fill('ada');
    await admin.getByTestId('hire-role').fill('developer');
    await admin.getByTestId('hire-submit').click();
    await admin.locator('[data-testid="employees-table"] [data-employee="ada"]').waitFor();

    await sendMessage(user, '@ada please add a login form');
    const ask = messageLocator(user, 'please add a login form').and(user.locator('[data-sender="ula"]'));
    await ask.waitFor();
    const badge = ask.getByTestId('task-badge');
    await badge.waitFor({ timeout: 15_000 });
    // Ada's acknowledgement opens the thread of the request (its talk about the task lives there).
    await ask.getByTestId('thread-summary').waitFor();
    await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toContain('running');

    // The people list shows the agent at work on it.
    const adaEntry = user.locator('[data-testid="user-list"] [data-user="ada"][data-status="working"]');
    await adaEntry.waitFor();
    expect(await adaEntry.textContent()).toContain('add a login form');

    await badge.getByTestId('open-task-log').click();
    const log = user.getByTestId('task-log');
    await log.waitFor();
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toMatch(/worker \d+ child \d+/);
    await user.keyboard.press('Escape');
    await expect.poll(() => log.count()).toBe(0);
  });

  it('lists the running task for the admin, who stops it', async () => {
    const row = admin.locator('[data-testid="tasks-table"] tr[data-status="running"]').first();
    await row.waitFor({ timeout: 10_000 });
    const id = await row.getAttribute('data-task-id');
    await admin.getByTestId(`stop-task-${id}`).click();
    await admin
      .locator(`[data-testid="tasks-table"] tr[data-task-id="${id}"][data-status="cancelled"]`)
      .waitFor({
        timeout: 15_000,
      });
    // The agent says so in the main list as well as the task's thread (the task card on the request shows "Stopped" too).
    await expect
      .poll(() => user.locator('[data-testid="message-item"][data-sender="ada"]').last().textContent(), {
        timeout: 15_000,
      })
      .toContain('Stopped');
  });

  it('shows statistics with the hourly chart', async () => {
    await admin.getByTestId('stats-refresh').click();
    await expect
      .poll(async () => Number(await admin.getByTestId('stats-total').textContent()))
      .toBeGreaterThan(0);
    // Ada acknowledged the task: her reply time comes from the stored messages.
    expect(await admin.getByTestId('stats-agent-latency').textContent()).toMatch(/^[\d.]+ \/ [\d.]+ ms$/);
    expect(await admin.getByTestId('stats-rate-limit-hits').textContent()).toBe('0');
    const chart = admin.getByTestId('per-hour-chart');
    expect(await chart.locator('rect').count()).toBe(24);
    // Axes with values (issue 14): round counts on the y axis from 0, hours on the x axis, counts on the bars.
    const yTicks = await chart.getByTestId('chart-y-tick').allTextContents();
    expect(yTicks[0]).toBe('0');
    expect(yTicks.length).toBeGreaterThanOrEqual(2);
    expect(await chart.getByTestId('chart-x-tick').count()).toBe(6);
    expect((await chart.getByTestId('chart-x-tick').first().textContent())?.trim()).toMatch(/\d/);
    const values = (await chart.getByTestId('chart-value').allTextContents()).map(Number);
    const total = Number(await admin.getByTestId('stats-total').textContent());
    expect(values.reduce((a, b) => a + b, 0)).toBe(total);
    // The tick labels are drawn where a person can see them, not clipped off the chart.
    const box = await chart.boundingBox();
    const tick = await chart.getByTestId('chart-y-tick').last().boundingBox();
    expect(box && tick && tick.x >= box.x && tick.y >= box.y).toBe(true);
    await screenshot(admin, 'admin-screen');
    await chart.screenshot({ path: join(SCREENSHOTS, 'admin-chart.png') });
  });
});
