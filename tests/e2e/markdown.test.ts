// Messages that read well, in real Chromium (issue 19): Markdown rendered, a fenced code block highlighted with
// highlight.js fetched only then, mentions marked in text but not in code, and one sender's consecutive messages
// grouped under a day separator.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import type { Message } from '../../src/shared/message';
import { startTestServer } from '../helpers/server';
import { type BrowserSession, joinAs, launchBrowser, screenshot } from './helpers/browser';

let app: App;
let session: BrowserSession;
let page: Page;
const fetched: string[] = [];

beforeAll(async () => {
  session = await launchBrowser();
  app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  page = await session.newPage();
  page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
  await joinAs(page, app.httpUrl, 'reader');
}, 120_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

const post = (text: string, sender = 'ana') =>
  app.services.hub.post({ text, sender, senderKind: 'user' }, 'api');
const item = (m: Message) => page.locator(`[data-testid="message-item"][data-message-id="${m.id}"]`);

describe('Markdown in the browser', () => {
  it('fetches the Markdown renderer and highlight.js only when a message needs them, and highlights a fenced block', async () => {
    await post('plain words first');
    await page.locator('[data-testid="message-item"]', { hasText: 'plain words first' }).waitFor();
    // Plain text needs neither the Markdown renderer nor highlight.js: neither chunk has been fetched yet.
    const before = fetched.filter((path) => /\/(Markdown|core|typescript)-[\w-]+\.js$/.test(path));
    expect(before).toEqual([]);

    const m = await post('look:\n```ts\nconst answer: number = 42; // @reader not a mention here\n```');
    const block = item(m).locator('[data-testid="code-block"][data-highlighted="true"]');
    await block.waitFor();
    expect(await block.getAttribute('data-language')).toBe('typescript');
    expect(await block.locator('.hljs-keyword').first().textContent()).toBe('const');
    expect(await block.locator('.hljs-number').first().textContent()).toBe('42');
    // highlight.js's colours apply (not just its classes): a keyword is not the block's plain text colour.
    const colours = await block.evaluate((pre) => ({
      plain: getComputedStyle(pre).color,
      keyword: getComputedStyle(pre.querySelector('.hljs-keyword') as Element).color,
    }));
    expect(colours.keyword).not.toBe(colours.plain);
    expect(await item(m).locator('[data-mention]').count()).toBe(0);
    expect(fetched.some((path) => /\/core-[\w-]+\.js$/.test(path))).toBe(true);
    expect(fetched.some((path) => /\/Markdown-[\w-]+\.js$/.test(path))).toBe(true);
  });

  it('renders bold, lists and links, and marks a mention in text but not in inline code', async () => {
    const m = await post(
      '**ship it** @reader, not `@reader`\n\n- one\n- two\n\n[docs](https://example.com/docs)',
    );
    await item(m).locator('[data-markdown]').waitFor();
    expect(await item(m).locator('strong').first().textContent()).toBe('ship it');
    expect(await item(m).locator('li').allTextContents()).toEqual(['one', 'two']);
    const link = item(m).locator('a[href="https://example.com/docs"]');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await item(m).locator('[data-mention="reader"]').count()).toBe(1);
    expect(await item(m).locator('code [data-mention]').count()).toBe(0);
  });

  it('groups one sender’s consecutive messages and starts the day with a separator', async () => {
    const a1 = await post('first of a run', 'carol');
    const a2 = await post('second of the run', 'carol');
    const b1 = await post('someone else', 'dave');
    await item(b1).waitFor();
    expect(await item(a1).getAttribute('data-continued')).toBeNull();
    expect(await item(a2).getAttribute('data-continued')).toBe('true');
    expect(await item(b1).getAttribute('data-continued')).toBeNull();
    expect(await item(a2).locator('[data-avatar]').count()).toBe(0);
    expect(await item(a1).locator('[data-avatar="user"]').count()).toBe(1);
    // The hover time of a grouped message carries the full date.
    const title = await item(a2).locator('time').getAttribute('title');
    expect(title).toMatch(/\d{4}/);
    const separators = await page.getByTestId('day-separator').allTextContents();
    expect(separators).toEqual(['Today']);
    await post(
      '> a quote\n\n| name | role |\n|---|---|\n| ada | coder |\n\n1. first\n2. ~~second~~ **third**',
      'eve',
    );
    await post('/help', 'reader');
    await app.services.hub.post(
      { text: 'done: see `src/app.ts`', sender: 'coder', senderKind: 'agent' },
      'agent',
    );
    await page.locator('[data-markdown] table').waitFor();
    await screenshot(page, 'markdown');
  });
});
