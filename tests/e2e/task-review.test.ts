// Reviewing an agent's branch in real Chromium (issue 21): a real git repository as PROJECT_ROOT, a task whose
// worker really edits files in its worktree, then Review shows the added and removed lines unified and side by
// side (highlight.js fetched only then), Esc closes and gives focus back, and Merge puts the commit on main.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { mintToken } from '../../src/server/auth';
import { startTestServer, tempDir } from '../helpers/server';
import { TEST_SECRET } from '../helpers/services';
import { fixtureCommand } from '../server/agents/helpers';
import { type AttachedOpencode, attachedOpencode } from '../server/agents/opencode/harness';
import { type BrowserSession, launchBrowser, screenshot, sendMessage } from './helpers/browser';

let app: App;
let session: BrowserSession;
let alice: Page;
let bob: Page;
let project: string;
/** Script and style files the page fetched, by name. */
const fetched: string[] = [];

const git = (...args: string[]) => execFileSync('git', args, { cwd: project, encoding: 'utf8' }).trim();

const GREET = [
  '// Greets people.',
  'export function greet(name: string): string {',
  "  return 'Hello, ' + name;",
  '}',
  '',
  'export {};',
  '',
].join('\n');

beforeAll(async () => {
  project = join(tempDir('ocs-review-'), 'project');
  mkdirSync(join(project, 'src'), { recursive: true });
  writeFileSync(join(project, 'src/greet.ts'), GREET);
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '-q', '-m', 'greet');

  session = await launchBrowser();
  app = await startTestServer({
    RATE_LIMIT_PER_SECOND: '0',
    // Token mode: alice and bob are plain users, so only the assigner gets Review, Merge and Discard.
    AUTH_SECRET: TEST_SECRET,
    PROJECT_ROOT: project,
    DATA_DIR: tempDir('ocs-review-data-'),
    AGENT_WORKER_COMMAND: fixtureCommand('edit-worker.mjs', '{prompt}'),
  });
  await app.services.agents.hire({ name: 'ada', role: 'developer', smartness: 'normal' }, 'test');
  alice = await session.newPage();
  alice.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  bob = await session.newPage();
  await joinWithToken(alice, 'alice');
  await joinWithToken(bob, 'bob');
}, 120_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

async function joinWithToken(page: Page, user: string): Promise<void> {
  await page.goto(`${app.httpUrl}/`);
  await page.getByTestId('join-token').fill(await mintToken(TEST_SECRET, { user, role: 'user' }));
  await page.getByTestId('join-submit').click();
  await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
  await page.locator('[data-testid="message-list"][role="log"]').waitFor();
}

/** The card of the task asked for with `askText`, once its branch is shown. */
async function branchCard(page: Page, askText: string) {
  const ask = page.locator('[data-testid="message-item"][data-sender="alice"]:not([data-pending])', {
    hasText: askText,
  });
  await ask.waitFor();
  // The card sits on the task's own message (the agent's talk is in that message's thread).
  const card = ask.getByTestId('task-card');
  await card.getByTestId('task-branch').waitFor({ timeout: 30_000 });
  return card;
}

const lineTexts = (page: Page, path: string, kind: string) =>
  page
    .locator(`[data-testid="diff-file"][data-path="${path}"] [data-testid="diff-line"][data-kind="${kind}"]`)
    .evaluateAll((rows) => rows.map((r) => r.querySelector('[data-testid="diff-code"]')?.textContent ?? ''));

describe('task review (command-mode worker)', () => {
  it('shows the branch diff unified and side by side, and Merge puts the commit on main', async () => {
    await sendMessage(alice, '@ada please make the greeting friendlier');
    const card = await branchCard(alice, 'make the greeting friendlier');
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    const branch = card.getByTestId('task-branch');
    await expect.poll(() => branch.getAttribute('data-state')).toBe('open');
    const branchName = (await card.getByTestId('task-branch-name').textContent()) ?? '';
    expect(branchName).toMatch(/^agent\/ada\/\d+-/);
    expect(git('branch', '--list', branchName)).toContain(branchName);
    const files = await card.getByTestId('task-branch-files').textContent();
    expect(files).toContain('src/greet.ts+2-1');
    expect(files).toContain('src/farewell.ts+1-0');
    // Bob did not assign it: he sees the branch, not the actions.
    const bobCard = await branchCard(bob, 'make the greeting friendlier');
    expect(await bobCard.getByTestId('task-card-merge').count()).toBe(0);
    expect(await bobCard.getByTestId('task-card-review').count()).toBe(0);

    // Review: highlight.js is fetched now, not with the page.
    expect(fetched.filter((p) => /\/assets\/(core|typescript)-/.test(p))).toEqual([]);
    await card.getByTestId('task-card-review').click();
    const panel = alice.getByTestId('diff-panel');
    await panel.waitFor();
    expect(await panel.getAttribute('data-layout')).toBe('unified');
    await panel
      .locator('[data-testid="diff-file"][data-path="src/greet.ts"] [data-testid="diff-line"]')
      .first()
      .waitFor();
    expect(await lineTexts(alice, 'src/greet.ts', 'del')).toEqual(["  return 'Hello, ' + name;"]);
    expect(await lineTexts(alice, 'src/greet.ts', 'add')).toEqual([
      "  return 'Hi, ' + name + '!';",
      'export const shout = (name: string) => greet(name).toUpperCase();',
    ]);
    expect(await lineTexts(alice, 'src/farewell.ts', 'add')).toEqual([
      "export const farewell = (name: string) => 'Bye, ' + name;",
    ]);
    await panel.locator('.hljs-keyword').first().waitFor();
    expect(fetched.some((p) => /\/assets\/core-/.test(p))).toBe(true);
    // Only the languages of these files: TypeScript, not Python.
    expect(fetched.some((p) => /\/assets\/typescript-/.test(p))).toBe(true);
    expect(fetched.some((p) => /\/assets\/python-/.test(p))).toBe(false);
    await screenshot(alice, 'task-review-unified');

    await panel.getByTestId('diff-layout-split').click();
    expect(await panel.getAttribute('data-layout')).toBe('split');
    const changed = panel.locator(
      '[data-testid="diff-file"][data-path="src/greet.ts"] [data-testid="diff-row"]:has([data-testid="diff-left"][data-kind="del"])',
    );
    expect(await changed.count()).toBe(1);
    expect(await changed.getByTestId('diff-left').textContent()).toBe("  return 'Hello, ' + name;");
    expect(await changed.getByTestId('diff-right').textContent()).toBe("  return 'Hi, ' + name + '!';");
    expect(await changed.getByTestId('diff-right').getAttribute('data-kind')).toBe('add');
    await screenshot(alice, 'task-review-side-by-side');

    // Esc closes; focus is back on Review; the layout is remembered for the next review.
    await alice.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await alice.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'task-card-review',
    );
    await alice.keyboard.press('Enter');
    await panel.waitFor();
    expect(await panel.getAttribute('data-layout')).toBe('split');
    await panel.getByTestId('diff-panel-close').click();
    await panel.waitFor({ state: 'detached' });

    // Merge: the card says merged, in both windows, and main has the task's commit.
    const before = git('rev-parse', 'main');
    await card.getByTestId('task-card-merge').click();
    for (const c of [card, bobCard])
      await expect
        .poll(() => c.getByTestId('task-branch').getAttribute('data-state'), { timeout: 15_000 })
        .toBe('merged');
    expect(await card.getByTestId('task-branch-state').textContent()).toContain('merged into main by alice');
    expect(await card.getByTestId('task-card-merge').count()).toBe(0);
    await screenshot(alice, 'task-review-merged');
    const head = git('rev-parse', 'main');
    expect(head).not.toBe(before);
    expect(git('merge-base', '--is-ancestor', before, head)).toBe('');
    expect(git('show', 'main:src/greet.ts')).toContain("return 'Hi, ' + name + '!';");
    expect(git('show', 'main:src/farewell.ts')).toContain('Bye');
    expect(git('log', '-1', '--format=%B', 'main')).toMatch(/friendlier/);
    // The worktree and branch are gone once merged.
    expect(git('branch', '--list', branchName)).toBe('');
  }, 90_000);

  it('a conflicting merge names the files in place and ada can be asked to resolve it', async () => {
    await sendMessage(alice, '@ada please make the farewell warmer');
    const card = await branchCard(alice, 'make the farewell warmer');
    const branch = card.getByTestId('task-branch');
    await expect.poll(() => branch.getAttribute('data-state'), { timeout: 30_000 }).toBe('open');
    const branchName = (await card.getByTestId('task-branch-name').textContent()) ?? '';
    // Meanwhile someone changes the same line on main.
    writeFileSync(
      join(project, 'src/farewell.ts'),
      "export const farewell = (name: string) => 'See you, ' + name;\n",
    );
    git('-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '-q', '-am', 'farewell on main');
    const mainHead = git('rev-parse', 'main');

    await card.getByTestId('task-card-merge').click();
    const error = card.getByTestId('task-branch-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^Could not merge: .*src\/farewell\.ts/);
    await expect.poll(() => branch.getAttribute('data-state'), { timeout: 15_000 }).toBe('conflict');
    expect(await card.getByTestId('task-branch-conflicts').textContent()).toContain('src/farewell.ts');
    // Refused: main and the branch are as they were.
    expect(git('rev-parse', 'main')).toBe(mainHead);
    expect(git('branch', '--list', branchName)).toContain(branchName);
    await screenshot(alice, 'task-review-conflict');

    // Bob sees the conflict but not the actions (asking the agent would make him the assigner of its continuation).
    const bobCard = await branchCard(bob, 'make the farewell warmer');
    await expect.poll(() => bobCard.getByTestId('task-branch').getAttribute('data-state')).toBe('conflict');
    expect(await bobCard.getByTestId('task-branch-conflicts').textContent()).toContain('src/farewell.ts');
    expect(await bobCard.getByTestId('task-branch-resolve').count()).toBe(0);

    // "Ask ada to resolve it" sends the request as a reply to the message that asked for the task.
    const ask = alice.locator('[data-testid="message-item"][data-sender="alice"]:not([data-pending])', {
      hasText: 'make the farewell warmer',
    });
    const askId = await ask.getAttribute('data-message-id');
    await card.getByTestId('task-branch-resolve').click();
    const request = alice.locator(
      `[data-testid="message-item"][data-sender="alice"]:not([data-pending]):has([data-testid="reply-quote"][data-reply-to="${askId}"])`,
      { hasText: '@ada resolve the merge conflict with main in src/farewell.ts' },
    );
    await request.waitFor();
    expect(await card.getByTestId('task-branch-asked').textContent()).toContain('Asked ada');
  }, 90_000);

  it('Discard asks first, then drops the branch and leaves main alone', async () => {
    await sendMessage(alice, '@ada please rewrite the greet function');
    const card = await branchCard(alice, 'rewrite the greet function');
    const branch = card.getByTestId('task-branch');
    await expect.poll(() => branch.getAttribute('data-state'), { timeout: 30_000 }).toBe('open');
    const branchName = (await card.getByTestId('task-branch-name').textContent()) ?? '';
    const mainHead = git('rev-parse', 'main');
    // Keep it changes nothing.
    await card.getByTestId('task-card-discard').click();
    await card.getByRole('button', { name: 'Keep it' }).click();
    expect(await card.getByTestId('task-card-discard-confirm').count()).toBe(0);
    await card.getByTestId('task-card-discard').click();
    await card.getByTestId('task-card-discard-confirm').click();
    await expect.poll(() => branch.getAttribute('data-state'), { timeout: 15_000 }).toBe('discarded');
    expect(await card.getByTestId('task-branch-state').textContent()).toContain('discarded by alice');
    expect(git('branch', '--list', branchName)).toBe('');
    expect(git('rev-parse', 'main')).toBe(mainHead);
  }, 90_000);
});

describe('task review with the real opencode (scripted model)', { timeout: 240_000 }, () => {
  let oc: AttachedOpencode;
  let server: App;
  let carol: Page;
  const carolFetched: string[] = [];
  const ocGit = (...args: string[]) =>
    execFileSync('git', args, { cwd: oc.world.project, encoding: 'utf8' }).trim();

  beforeAll(async () => {
    oc = await attachedOpencode('review-e2e-password');
    writeFileSync(join(oc.world.project, 'notes.txt'), 'draft\n');
    ocGit('add', 'notes.txt');
    ocGit('-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '-q', '-m', 'notes');
    server = await startTestServer({
      ...oc.settings,
      RATE_LIMIT_PER_SECOND: '0',
      AUTH_SECRET: TEST_SECRET,
      DATA_DIR: tempDir('ocs-review-oc-data-'),
    });
    for (const name of ['ada', 'bo'])
      await server.services.agents.hire({ name, role: 'developer', smartness: 'normal' }, 'test');
    // Tall: the cards of the later steps stay in the virtualized list's window.
    carol = await session.newPage({ viewport: { width: 1280, height: 1400 } });
    carol.on('request', (r) => carolFetched.push(new URL(r.url()).pathname));
    await carol.goto(`${server.httpUrl}/`);
    await carol.getByTestId('join-token').fill(await mintToken(TEST_SECRET, { user: 'carol', role: 'user' }));
    await carol.getByTestId('join-submit').click();
    await carol.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await oc?.stop();
  });

  /** The card of `agent`'s task, on carol's message with `text` that asked for it. */
  async function cardFor(agent: string, text: string) {
    const ask = carol.locator('[data-testid="message-item"][data-sender="carol"]:not([data-pending])', {
      hasText: text,
    });
    await ask.waitFor({ timeout: 30_000 });
    const card = ask.first().getByTestId('task-card');
    await card.waitFor({ timeout: 60_000 });
    // The badge beside it names the task's agent.
    expect(await ask.first().getByTestId('task-badge').textContent()).toContain(` · ${agent} · `);
    return card;
  }

  const branchState = (card: ReturnType<Page['getByTestId']>) =>
    card
      .getByTestId('task-branch')
      .getAttribute('data-state', { timeout: 1_000 })
      .catch(() => null);

  it('reviews both branches, merges one, and has the agent resolve the other conflict before merging it', async () => {
    const base = ocGit('symbolic-ref', '--short', 'HEAD');
    await sendMessage(carol, '@ada please write the notes (script:notes note:alpha)');
    await sendMessage(carol, '@bo please write the notes (script:notes note:beta)');
    const adaCard = await cardFor('ada', 'note:alpha');
    const boCard = await cardFor('bo', 'note:beta');
    for (const card of [adaCard, boCard])
      await expect.poll(() => branchState(card), { timeout: 120_000, interval: 500 }).toBe('open');

    // Review ada's branch: the removed and the added line, in both layouts.
    await adaCard.getByTestId('task-card-review').click();
    const panel = carol.getByTestId('diff-panel');
    const notes = panel.locator('[data-testid="diff-file"][data-path="notes.txt"]');
    await notes.locator('[data-testid="diff-line"]').first().waitFor();
    const lines = (kind: string) =>
      notes
        .locator(`[data-testid="diff-line"][data-kind="${kind}"] [data-testid="diff-code"]`)
        .allTextContents();
    expect(await lines('del')).toEqual(['draft']);
    expect(await lines('add')).toEqual(['alpha']);
    // A .txt file has nothing to highlight: highlight.js is not fetched at all.
    expect(carolFetched.some((p) => /\/assets\/core-/.test(p))).toBe(false);
    await screenshot(carol, 'task-review-opencode-unified');
    await panel.getByTestId('diff-layout-split').click();
    const row = notes.locator('[data-testid="diff-row"]').first();
    expect(await row.getByTestId('diff-left').textContent()).toBe('draft');
    expect(await row.getByTestId('diff-right').textContent()).toBe('alpha');
    await carol.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });

    // ada's merge fast-forwards the base.
    await adaCard.getByTestId('task-card-merge').click();
    await expect.poll(() => branchState(adaCard), { timeout: 15_000 }).toBe('merged');
    expect(ocGit('show', `${base}:notes.txt`)).toBe('alpha');

    // bo's conflicts: said in place, nothing merged.
    const before = ocGit('rev-parse', base);
    await boCard.getByTestId('task-card-merge').click();
    await boCard.getByTestId('task-branch-error').waitFor();
    expect(await boCard.getByTestId('task-branch-error').textContent()).toContain('notes.txt');
    await expect.poll(() => branchState(boCard), { timeout: 15_000 }).toBe('conflict');
    expect(ocGit('rev-parse', base)).toBe(before);
    await screenshot(carol, 'task-review-opencode-conflict');

    // Ask bo to resolve it: the same session resolves the markers on the same branch.
    await boCard.getByTestId('task-branch-resolve').click();
    // Found by id from the server: the request itself may have scrolled out of the (virtualized) list by now.
    const boTask = (await server.services.agents.listTasks({ agent: 'bo' })).find((t) =>
      t.description.includes('note:beta'),
    );
    let requestId = 0;
    await expect
      .poll(async () => {
        const stored = await server.services.repo.history(null, 200);
        const request = stored.find((m) => m.sender === 'carol' && m.text.startsWith('@bo resolve'));
        requestId = request?.id ?? 0;
        return request && { text: request.text, replyTo: request.replyTo };
      })
      .toEqual({
        text: '@bo resolve the merge conflict with master in notes.txt',
        replyTo: boTask?.messageId,
      });
    // The continuation's card sits on the request, its message (bo's talk about it is in the request's thread).
    const resolveCard = carol
      .locator(`[data-testid="message-item"][data-message-id="${requestId}"]`)
      .getByTestId('task-card');
    await expect
      .poll(() => resolveCard.getAttribute('data-status'), { timeout: 120_000, interval: 500 })
      .toBe('done');
    expect(await resolveCard.getByTestId('task-card-summary').textContent()).toContain(
      'I resolved the conflict',
    );

    // Now the merge goes through (main gets the resolution's merge commit, both notes), from the resolution's card
    // (the newest, in view: the list is virtualized and the first card may have scrolled out).
    await expect.poll(() => branchState(resolveCard), { timeout: 15_000 }).toBe('open');
    await resolveCard.getByTestId('task-card-merge').click();
    await expect.poll(() => branchState(resolveCard), { timeout: 15_000 }).toBe('merged');
    const head = ocGit('rev-parse', base);
    expect(ocGit('rev-list', '--parents', '-n', '1', head).split(' ')).toHaveLength(3);
    expect(ocGit('show', `${base}:notes.txt`)).toBe('alpha\nbeta');
    await screenshot(carol, 'task-review-opencode-merged');
  });
});
