// Incoming Telegram entities as our Markdown: the same formatting the web writes, at the right UTF-16 offsets.
import type { MessageEntity } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { entitiesToMarkdown } from '../../../../src/server/transports/telegram/entities';
import { renderForTelegram } from '../../../../src/server/transports/telegram/format';
import { parseText } from '../../../../src/shared/parse';
import { message } from '../../../helpers/messages';
import { parseTelegramHtml } from './telegram-html';

const e = (type: string, offset: number, length: number, extra: object = {}) =>
  ({ type, offset, length, ...extra }) as MessageEntity;

describe('Telegram entities to Markdown', () => {
  it('keeps a message without entities exactly as typed', () => {
    expect(entitiesToMarkdown('2 * 3 and snake_case **as typed**', undefined)).toBe(
      '2 * 3 and snake_case **as typed**',
    );
  });

  it('turns bold, italic, strikethrough and code into Markdown, spaces kept outside the markers', () => {
    expect(entitiesToMarkdown('a bold b', [e('bold', 2, 5)])).toBe('a **bold** b');
    expect(entitiesToMarkdown('an italic word', [e('italic', 3, 6)])).toBe('an *italic* word');
    expect(entitiesToMarkdown('old news', [e('strikethrough', 0, 3)])).toBe('~~old~~ news');
    expect(entitiesToMarkdown('run npm test now', [e('code', 4, 8)])).toBe('run `npm test` now');
  });

  it('fences code that holds backticks with longer ticks', () => {
    expect(entitiesToMarkdown('x `y` z', [e('code', 2, 3)])).toBe('x `` `y` `` z');
    expect(entitiesToMarkdown('a\n```\nb', [e('pre', 2, 3)])).toBe('a\n````\n```\n````\nb');
  });

  it('puts a pre block with its language on lines of its own', () => {
    expect(entitiesToMarkdown('look: x = 1 < 2\nok', [e('pre', 6, 9, { language: 'python' })])).toBe(
      'look:\n```python\nx = 1 < 2\n```\nok',
    );
  });

  it('makes a text link a Markdown link, and leaves an unsafe one as its text', () => {
    expect(entitiesToMarkdown('see the docs', [e('text_link', 4, 8, { url: 'https://e.com/a (b)' })])).toBe(
      'see [the docs](<https://e.com/a (b)>)',
    );
    expect(entitiesToMarkdown('[x] here', [e('text_link', 0, 3, { url: 'https://e.com' })])).toBe(
      '[\\[x\\]](https://e.com) here',
    );
    expect(entitiesToMarkdown('click', [e('text_link', 0, 5, { url: 'javascript:alert(1)' })])).toBe('click');
  });

  it('quotes a blockquote line by line and ends it before the next text', () => {
    expect(entitiesToMarkdown('line one\nline two\nmy answer', [e('blockquote', 0, 17)])).toBe(
      '> line one\n> line two\n\nmy answer',
    );
  });

  it('counts offsets in UTF-16 units: emoji before an entity do not shift it', () => {
    expect(entitiesToMarkdown('😀😀 hi there', [e('bold', 5, 2)])).toBe('😀😀 **hi** there');
  });

  it('nests entities (a bold word inside an italic link) and keeps underline and spoiler as text', () => {
    const text = 'go to our site now';
    expect(
      entitiesToMarkdown(text, [
        e('text_link', 6, 8, { url: 'https://e.com' }),
        e('italic', 6, 8),
        e('bold', 10, 4),
        e('underline', 15, 3),
        e('spoiler', 0, 2),
      ]),
    ).toBe('go to [*our **site***](https://e.com) now');
  });

  it('keeps mentions, urls and commands as text, so they are still recognised', () => {
    const text = '/deploy @ada see https://e.com now';
    const markdown = entitiesToMarkdown(text, [
      e('bot_command', 0, 7),
      e('mention', 8, 4),
      e('url', 17, 13),
      e('bold', 31, 3),
    ]);
    expect(markdown).toBe('/deploy @ada see https://e.com **now**');
    expect(parseText(markdown)).toMatchObject({ command: 'deploy', mentions: ['ada'] });
  });

  it('comes back out to Telegram as the same formatting', () => {
    const text = 'plain bold italic code';
    const markdown = entitiesToMarkdown(text, [e('bold', 6, 4), e('italic', 11, 6), e('code', 18, 4)]);
    const back = parseTelegramHtml(renderForTelegram(message({ text: markdown }))[0] as string);
    expect(back.text).toBe(`alice: ${text}`);
    expect(back.entities.map(({ type, offset, length }) => ({ type, offset, length }))).toEqual([
      { type: 'bold', offset: 0, length: 5 },
      { type: 'bold', offset: 13, length: 4 },
      { type: 'italic', offset: 18, length: 6 },
      { type: 'code', offset: 25, length: 4 },
    ]);
  });
});
