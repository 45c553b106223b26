// @vitest-environment happy-dom
// Messages in Markdown: GFM formatting rendered, raw HTML and unsafe links inert and shown as typed, mentions and
// the /command marked in text but never inside code; plain text skips the Markdown renderer.
import { cleanup, render, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageText } from '../../../../src/client/components/Chat/MessageText';
import { parseText } from '../../../../src/shared/parse';

afterEach(cleanup);
// The renderer is a lazy chunk: load it once up front so each test waits only for React, not for the import.
beforeAll(() => import('../../../../src/client/components/Chat/Markdown'));

/** Renders a message's text as the list does and waits for the Markdown chunk when the text uses Markdown. */
async function show(text: string, me?: string) {
  const parsed = parseText(text);
  const view = render(
    <MessageText text={text} mentions={parsed.mentions} command={parsed.command} me={me} />,
  );
  await waitFor(() => expect(view.container.querySelector('[data-markdown]')).not.toBeNull(), {
    timeout: 10_000,
  });
  return view.container;
}

describe('Markdown in messages', () => {
  it('renders bold, italic, strike, inline code, quotes, lists and tables', async () => {
    const root = await show(
      '**bold** _it_ ~~gone~~ `x < y`\n\n> quoted\n\n- one\n- two\n\n1. first\n\n| a | b |\n|---|---|\n| 1 | 2 |',
    );
    expect(root.querySelector('strong')?.textContent).toBe('bold');
    expect(root.querySelector('em')?.textContent).toBe('it');
    expect(root.querySelector('del')?.textContent).toBe('gone');
    expect(root.querySelector('code')?.textContent).toBe('x < y');
    expect(root.querySelector('blockquote')?.textContent?.trim()).toBe('quoted');
    expect([...root.querySelectorAll('ul > li')].map((li) => li.textContent)).toEqual(['one', 'two']);
    expect(root.querySelector('ol > li')?.textContent).toBe('first');
    expect([...root.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['1', '2']);
  });

  it('keeps line breaks inside a paragraph', async () => {
    const root = await show('**first** line\nsecond line');
    expect(root.querySelectorAll('br')).toHaveLength(1);
  });

  it('shows a fenced code block as code, with its language, and no Markdown inside it', async () => {
    const root = await show('```ts\nconst a = **b**;\n```');
    const block = root.querySelector('[data-testid="code-block"]');
    expect(block?.getAttribute('data-language')).toBe('typescript');
    expect(block?.textContent).toBe('const a = **b**;');
    expect(root.querySelector('strong')).toBeNull();
  });

  it('marks mentions and the command in Markdown text, never inside code', async () => {
    const root = await show('/ask **@ada** look at `@bob` and\n```\n@carol /ask\n```', 'ada');
    expect([...root.querySelectorAll('[data-mention]')].map((m) => m.getAttribute('data-mention'))).toEqual([
      'ada',
    ]);
    expect(root.querySelector('strong [data-mention="ada"]')?.className).toContain('amber');
    expect(root.querySelector('[data-command]')?.textContent).toBe('/ask');
    expect(root.querySelectorAll('code [data-mention], pre [data-mention], pre [data-command]')).toHaveLength(
      0,
    );
  });

  it('links http(s) and mailto in a new tab without opener, and shows any other link as typed', async () => {
    const root = await show(
      '[site](https://example.com/a) <mail@example.com> www.example.org [bad](javascript:alert(1)) ![pic](data:image/png;base64,AA) [rel](/admin)',
    );
    const links = [...root.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      'https://example.com/a',
      'mailto:mail@example.com',
      'http://www.example.org/',
    ]);
    for (const a of links) {
      expect(a.getAttribute('target')).toBe('_blank');
      expect(a.getAttribute('rel')).toContain('noopener');
      expect(a.getAttribute('rel')).toContain('noreferrer');
    }
    expect(root.textContent).toContain('[bad](javascript:alert(1))');
    expect(root.textContent).toContain('![pic](data:image/png;base64,AA)');
    expect(root.textContent).toContain('[rel](/admin)');
    expect(root.querySelectorAll('img')).toHaveLength(0);
  });

  it('shows an image from the web as a link to it, not as an image', async () => {
    const root = await show('![diagram](https://example.com/d.png)');
    expect(root.querySelectorAll('img')).toHaveLength(0);
    expect(root.querySelector('a')?.getAttribute('href')).toBe('https://example.com/d.png');
    expect(root.querySelector('a')?.textContent).toContain('diagram');
  });

  it('shows HTML inside Markdown as the text it is', async () => {
    const text =
      '**hi** <img src=x onerror="window.__xss=1"> <b>not bold</b>\n\n<script>window.__xss=2</script>';
    const root = await show(text);
    expect(root.querySelectorAll('img, script, b')).toHaveLength(0);
    expect(root.textContent).toContain('<img src=x onerror="window.__xss=1">');
    expect(root.textContent).toContain('<script>window.__xss=2</script>');
  });

  it('renders task list items as marks, not form controls', async () => {
    const root = await show('- [x] done\n- [ ] todo');
    expect(root.querySelectorAll('input')).toHaveLength(0);
    expect(root.textContent).toContain('☑');
    expect(root.textContent).toContain('☐');
  });

  it('renders plain text without the Markdown renderer, mentions and command marked', () => {
    const text = '/ask @ada see https://example.com';
    const parsed = parseText(text);
    const { container } = render(
      <MessageText text={text} mentions={parsed.mentions} command={parsed.command} />,
    );
    expect(container.querySelector('[data-markdown]')).toBeNull();
    expect(container.querySelector('[data-command]')?.textContent).toBe('/ask');
    expect(container.querySelector('[data-mention]')?.textContent).toBe('@ada');
    expect(container.textContent).toBe(text);
  });
});

describe('a deleted message', () => {
  it('shows "message deleted" instead of its text', () => {
    const { container, getByTestId } = render(<MessageText text="" mentions={[]} deleted />);
    expect(getByTestId('message-deleted').textContent).toBe('message deleted');
    expect(container.querySelector('[data-markdown]')).toBeNull();
  });
});
