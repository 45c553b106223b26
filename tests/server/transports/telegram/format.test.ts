// How messages are rendered for Telegram: escaping, agent marks, splitting within the 4096 limit.
import { describe, expect, it } from 'vitest';
import {
  renderForTelegram,
  splitText,
  TELEGRAM_MAX_TEXT,
} from '../../../../src/server/transports/telegram/format';
import { message } from '../../../helpers/messages';

describe('Telegram rendering', () => {
  it('escapes HTML in both the sender and the text', () => {
    expect(renderForTelegram(message({ sender: 'a<b>', text: '1 < 2 && 3 > 2' }))).toEqual([
      '<b>a&lt;b&gt;</b>: 1 &lt; 2 &amp;&amp; 3 &gt; 2',
    ]);
  });

  it('marks agents and the system so nobody mistakes them for people', () => {
    expect(renderForTelegram(message({ sender: 'bot1', senderKind: 'agent' }))[0]).toBe('🤖 <b>bot1</b>: hi');
    expect(renderForTelegram(message({ sender: 'system', senderKind: 'system' }))[0]).toBe(
      '⚙️ <b>system</b>: hi',
    );
  });

  it('keeps every part within the limit a reader sees, even when escaping makes the HTML longer', () => {
    const parts = renderForTelegram(message({ text: '&'.repeat(4096) }));
    expect(parts.length).toBe(2);
    const visible = parts.map((p) => p.replace(/<\/?b>/g, '').replace(/&amp;/g, '&'));
    for (const part of visible) expect(part.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
    expect(visible.map((p) => p.replace(/^alice \(\d\/2\): /, '')).join('')).toBe('&'.repeat(4096));
  });

  it('never splits an emoji (a surrogate pair) in two', () => {
    const text = `${'a'.repeat(9)}😀${'b'.repeat(10)}`;
    const chunks = splitText(text, 10);
    expect(chunks.join('')).toBe(text);
    // A lone surrogate at either end of a chunk would be a broken character.
    for (const chunk of chunks) expect(chunk).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
  });

  it('prefers to split at a newline, then at a space', () => {
    expect(splitText('aaaa bbbb\ncccc dddd', 12)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitText('aaaa bbbb cccc', 11)).toEqual(['aaaa bbbb', 'cccc']);
  });
});
