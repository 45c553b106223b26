// The plain text of a Markdown message (what /legacy clients show): markers gone, code and link targets kept.
import { describe, expect, it } from 'vitest';
import { isPlainText, markdownToPlain, parseMarkdown } from '../../../src/server/transports/markdown';

describe('Markdown to plain text', () => {
  it('returns text without Markdown unchanged', () => {
    expect(markdownToPlain('hello there @bob, all good')).toBe('hello there @bob, all good');
  });

  it('drops the markers and keeps what they mark', () => {
    expect(markdownToPlain('**bold** _it_ ~~s~~ `a < b` # not a heading')).toBe(
      'bold it s a < b # not a heading',
    );
    expect(markdownToPlain('# Title\n\n> quoted\n\n- one\n- two')).toBe('Title\n\nquoted\n\n• one\n• two');
    expect(markdownToPlain('```js\nconst x = `y`;\n```')).toBe('const x = `y`;');
  });

  it('shows a link target after its label, once, and never a javascript: target', () => {
    expect(markdownToPlain('[docs](https://e.com/d) and https://e.com/raw')).toBe(
      'docs (https://e.com/d) and https://e.com/raw',
    );
    expect(markdownToPlain('[click](javascript:alert(1))')).toBe('click');
    expect(markdownToPlain('**see** www.example.com or ann@example.com')).toBe(
      'see www.example.com or ann@example.com',
    );
  });

  it('keeps a command and its words where they were', () => {
    expect(markdownToPlain('/deploy **now** please')).toBe('/deploy now please');
  });

  it('skips the parser only for text the parser would read as one plain paragraph', () => {
    const samples = [
      'hello there, all good',
      'deploy went fine. next: tests (later)',
      'line one\nline two',
      "it's 5 o'clock; ok? yes!",
      'emoji 😀 and ümlauts',
      '2 * 3',
      'snake_case',
      'a  \nhard break',
      'www.example.com',
      'see https://e.com',
      'mail ann@example.com',
      '1. first',
      'title\n===',
      '&amp;',
    ];
    for (const text of samples) {
      if (!isPlainText(text)) continue;
      const root = parseMarkdown(text);
      const paragraph = root.children[0];
      expect(root.children).toHaveLength(1);
      expect(paragraph?.type === 'paragraph' && paragraph.children).toEqual([
        expect.objectContaining({ type: 'text', value: text }),
      ]);
    }
    expect(samples.filter(isPlainText)).toEqual([
      'hello there, all good',
      'deploy went fine. next: tests (later)',
      'line one\nline two',
      "it's 5 o'clock; ok? yes!",
      'emoji 😀 and ümlauts',
    ]);
  });
});
