// Outgoing Markdown as Telegram HTML: the formatting Telegram has, everything else escaped, never HTML it refuses.
import { describe, expect, it } from 'vitest';
import { renderForTelegram, TELEGRAM_MAX_TEXT } from '../../../../src/server/transports/telegram/format';
import { message } from '../../../helpers/messages';
import { parseTelegramHtml } from './telegram-html';

const html = (text: string) => renderForTelegram(message({ text }));
const one = (text: string) => {
  const parts = html(text);
  expect(parts).toHaveLength(1);
  return (parts[0] as string).replace(/^<b>alice<\/b>:[ \n]/, '');
};

describe('Markdown to Telegram HTML', () => {
  it('turns bold, italic, strike, inline code and links into Telegram tags', () => {
    expect(one('**bold** _it_ *it2* ~~gone~~ `x` [site](https://example.com/a?b=1&c=2)')).toBe(
      '<b>bold</b> <i>it</i> <i>it2</i> <s>gone</s> <code>x</code> <a href="https://example.com/a?b=1&amp;c=2">site</a>',
    );
  });

  it('sends a fenced block as pre with its language, its text escaped and untouched by Markdown', () => {
    expect(html('```ts\nif (a < b && **c**) {}\n```')).toEqual([
      '<b>alice</b>:\n<pre><code class="language-ts">if (a &lt; b &amp;&amp; **c**) {}</code></pre>',
    ]);
    expect(one('```\nplain <pre>\n```')).toBe('<pre>plain &lt;pre&gt;</pre>');
    // A language that is not a plain word cannot break out of the class attribute.
    expect(one('```"><script>\nx\n```')).toBe('<pre>x</pre>');
  });

  it('keeps quotes, shows lists as bullets and a table as a monospace block', () => {
    expect(one('> quoted **b**\n\nafter')).toBe('<blockquote>quoted <b>b</b></blockquote>\n\nafter');
    expect(one('- one\n- two\n  1. sub\n- [x] done\n- [ ] todo')).toBe(
      '• one\n• two\n   1. sub\n☑ done\n☐ todo',
    );
    expect(one('3. c\n4. d')).toBe('3. c\n4. d');
    expect(one('| a | long |\n|---|---|\n| 1 | 2 |')).toBe('<pre>a | long\n--+-----\n1 | 2</pre>');
  });

  it('escapes raw HTML, lone markers and entities as text', () => {
    expect(one('<b>not bold</b> & <script>alert(1)</script>')).toBe(
      '&lt;b&gt;not bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;',
    );
    expect(one('**unclosed *markers `here and 2 * 3 _ 4')).toBe('**unclosed *markers `here and 2 * 3 _ 4');
    expect(one('&lt; is an entity, \\*escaped\\*')).toBe('&lt; is an entity, *escaped*');
  });

  it('never makes a link of a javascript: or relative target, and escapes quotes in a href', () => {
    expect(one('[click](javascript:alert(1)) [rel](/etc/passwd)')).toBe('click rel');
    expect(one('[q](https://e.com/"onmouseover="x)')).toBe(
      '<a href="https://e.com/&quot;onmouseover=&quot;x">q</a>',
    );
  });

  it('follows Telegram nesting rules: no code inside bold or a link, no quote inside a quote', () => {
    expect(one('**bold `code` bold**')).toBe('<b>bold </b><code>code</code><b> bold</b>');
    expect(one('[see `this`](https://e.com)')).toBe('<a href="https://e.com">see this</a>');
    expect(one('> a\n> > b')).toBe('<blockquote>a\nb</blockquote>');
    expect(one('# Title')).toBe('<b>Title</b>');
    expect(one('**a __b__ c**')).toBe('<b>a b c</b>');
  });

  const corpus = [
    '**bold _italic ~~strike `code` strike~~ italic_ bold**',
    '> quote with ```\ncode <in> quote\n```',
    '> - list in quote\n>   > nested quote **b**',
    '[**bold** _link_ ~~s~~ `c`](https://e.com) after',
    '***both*** __*mixed*__ _**mixed**_',
    '`` a ` b `` and ``` `` ```',
    '* a\n\n  ```js\n  x < y\n  ```\n* b',
    '<a href="https://x">raw</a> <pre>raw</pre> &amp; &#60; &#x3C;',
    '| `c` | **b** |\n|--|--|\n| <x> | [l](https://e.com) |',
    '![img](https://e.com/i.png) ![](javascript:x) [ref][1]\n\n[1]: https://e.com/ref',
    'footnote[^1]\n\n[^1]: the **note**',
    '# h1\n## h2 `code`\n---\n***\nend',
    '~~~python\nprint("<&>")\n~~~',
    '    indented code <b>',
    'www.example.com/<x> and https://e.com/a_b_c and a@b.co',
    '\\<b\\> \\& \\`',
    'emoji 😀 **😀** `😀`',
  ];

  it.each(corpus)('sends HTML Telegram accepts for %j', (text) => {
    for (const part of html(text)) {
      const parsed = parseTelegramHtml(part);
      expect(parsed.text.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
    }
  });

  it('splits a long formatted message into parts that are each balanced and within the limit', () => {
    const paragraph = `**${'word '.repeat(150).trim()}** and \`code\``;
    const text = Array.from({ length: 6 }, () => paragraph).join('\n\n');
    const parts = html(text);
    expect(parts.length).toBeGreaterThan(1);
    const seen = parts.map((p) => parseTelegramHtml(p));
    for (const part of seen) expect(part.text.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
    // Cut between paragraphs: every part is whole paragraphs, each still bold.
    for (const part of seen) expect(part.entities.filter((e) => e.type === 'bold').length).toBeGreaterThan(0);
    const words = seen.map((p) => p.text.replace(/^alice \(\d+\/\d+\): /, '')).join('\n\n');
    expect(words.match(/word/g)).toHaveLength(150 * 6);
  });

  it('splits one huge code block into parts that each open and close the block', () => {
    const code = Array.from({ length: 600 }, (_, i) => `line ${i} <&> "x"`).join('\n');
    const parts = html(`\`\`\`py\n${code}\n\`\`\``);
    expect(parts.length).toBeGreaterThan(1);
    let all = '';
    for (const part of parts) {
      const parsed = parseTelegramHtml(part);
      expect(parsed.text.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
      expect(parsed.entities).toContainEqual(expect.objectContaining({ type: 'pre', language: 'py' }));
      all += `${parsed.text.replace(/^alice \(\d+\/\d+\):\n/, '')}\n`;
    }
    expect(all.trim()).toBe(code);
  });

  it('counts what a reader sees against the limit, not the escaped HTML', () => {
    const parts = html('<'.repeat(4000));
    expect(parts).toHaveLength(1);
    expect(parseTelegramHtml(parts[0] as string).text).toBe(`alice: ${'<'.repeat(4000)}`);
  });
});

describe('Markdown to Telegram HTML, generated inputs', () => {
  // A fixed-seed generator: the same 2,000 inputs every run, built from the characters Markdown and HTML care about.
  let seed = 19;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pieces = [
    '*',
    '**',
    '_',
    '~~',
    '`',
    '```',
    '\n',
    '\n\n',
    '> ',
    '- ',
    '1. ',
    '# ',
    '[',
    '](',
    ')',
    'https://e.com/',
    'javascript:',
    '<',
    '>',
    '&',
    '"',
    '|',
    '---',
    '\\',
    ' ',
    'word',
    '😀',
    '@bob',
    '    ',
    '![',
    '<b>',
    '&amp;',
  ];
  const inputs = Array.from({ length: 2000 }, () =>
    Array.from(
      { length: 1 + Math.floor(random() * 40) },
      () => pieces[Math.floor(random() * pieces.length)],
    ).join(''),
  );

  it('always gives HTML Telegram accepts, every part within the limit', () => {
    for (const text of inputs) {
      for (const part of renderForTelegram(message({ text }))) {
        let parsed: ReturnType<typeof parseTelegramHtml>;
        try {
          parsed = parseTelegramHtml(part);
        } catch (error) {
          throw new Error(
            `${(error as Error).message} for ${JSON.stringify(text)} -> ${JSON.stringify(part)}`,
          );
        }
        expect(parsed.text.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
      }
    }
  });

  it('keeps long generated messages balanced when they are split', () => {
    for (const text of inputs.slice(0, 50)) {
      const long = Array.from({ length: 40 }, () => text)
        .join('\n\n')
        .slice(0, 4096);
      for (const part of renderForTelegram(message({ text: long })))
        expect(parseTelegramHtml(part).text.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
    }
  });
});
