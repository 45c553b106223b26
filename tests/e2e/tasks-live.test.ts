// Regressions (issue 14) in real Chromium: a failed task's badge appeared only after a reload, then three times,
// and its agent stayed "idle"; an agent hired with /hire showed no role until a reload.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { startTestServer, tempDir } from '../helpers/server';
import { fixtureCommand } from '../server/agents/helpers';
import { type BrowserSession, joinAs, launchBrowser, messageLocator, sendMessage } from './helpers/browser';

let app: App;
let session: BrowserSession;
let carol: Page;

beforeAll(async () => {
  session = await launchBrowser();
  app = await startTestServer({
    // A real worker process that fails (exit 3).
    AGENT_WORKER_COMMAND: fixtureCommand('fail-worker.mjs'),
    PROJECT_ROOT: tempDir('ocs-e2e-tasks-'),
  });
  carol = await session.newPage();
  await joinAs(carol, app.httpUrl, 'carol');
}, 120_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

const agentEntry = (page: Page, name: string) =>
  page.locator(`[data-testid="user-list"] [data-user="${name}"]`);

describe('agents and their tasks, live', () => {
  it('shows an agent hired with /hire with its role at once', async () => {
    await sendMessage(carol, '/hire ada designer');
    await agentEntry(carol, 'ada').waitFor();
    await expect
      .poll(() => agentEntry(carol, 'ada').textContent(), { timeout: 10_000 })
      .toContain('designer');
  });

  it('shows the failed task once, without a reload, and the agent says its last task failed', async () => {
    await sendMessage(carol, '@ada please add a login form');
    const ask = messageLocator(carol, 'please add a login form').and(carol.locator('[data-sender="carol"]'));
    await ask.waitFor();
    const badge = ask.getByTestId('task-badge');
    await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toContain('failed');
    // The agent's replies (the acknowledgement in the request's thread, the failure report there and in the main
    // list) carry no second badge.
    await ask.getByTestId('thread-summary').waitFor({ timeout: 15_000 });
    await carol
      .locator('[data-testid="message-item"][data-sender="ada"]', { hasText: 'Failed:' })
      .first()
      .waitFor({ timeout: 15_000 });
    expect(await carol.getByTestId('task-badge').count()).toBe(1);
    await agentEntry(carol, 'ada').getByTestId('agent-failed').waitFor();
    expect(await agentEntry(carol, 'ada').getByTestId('agent-failed').textContent()).toBe('last task failed');
  });
});

describe('the admin area has its own address', () => {
  it('opens at /admin, shows the failed task on its agent, and Back returns to the chat', async () => {
    await carol.getByTestId('open-admin').click();
    await carol.getByTestId('admin-panel').waitFor();
    expect(new URL(carol.url()).pathname).toBe('/admin');
    const row = carol.locator('[data-testid="employees-table"] [data-employee="ada"]');
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(/last task \(#\d+\) failed/);

    await carol.goBack();
    await carol.locator('[data-testid="message-list"][role="log"]').waitFor();
    expect(new URL(carol.url()).pathname).toBe('/');
    expect(await carol.getByTestId('admin-panel').count()).toBe(0);

    await carol.goForward();
    await carol.getByTestId('admin-panel').waitFor();
    // A reload (the server answers /admin with the app) stays in the admin area, signed in.
    await carol.reload();
    await carol.getByTestId('admin-panel').waitFor();
    await carol.getByTestId('close-admin').click();
    await carol.locator('[data-testid="message-list"][role="log"]').waitFor();
    expect(new URL(carol.url()).pathname).toBe('/');
  });
});
