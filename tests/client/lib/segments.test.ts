// Splitting message text for rendering: mentions the server parsed, http(s) links, and everything else as text.
import { describe, expect, it } from 'vitest';
import { segmentText } from '../../../src/client/lib/segments';
import { parseMentions } from '../../../src/shared/parse';

const segments = (text: string) => segmentText(text, parseMentions(text));

describe('segmentText', () => {
  it('marks mentions the server recognises, not e-mail addresses', () => {
    expect(segments('hi @Ada, mail bob@example.com')).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'mention', text: '@Ada', name: 'ada' },
      { kind: 'text', text: ', mail bob@example.com' },
    ]);
  });

  it('links http(s) URLs without trailing punctuation, and never javascript: URLs', () => {
    expect(segments('see https://example.com/a?b=1. or javascript:alert(1)')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. or javascript:alert(1)' },
    ]);
  });

  it('gives back exactly the original text when joined', () => {
    const text = '<img src=x onerror=alert(1)> @bob https://x.y/z) end';
    expect(
      segments(text)
        .map((s) => s.text)
        .join(''),
    ).toBe(text);
  });
});

describe('segmentText with the parsed command', () => {
  it('marks the leading /command the server parsed, and nothing when it did not parse one', () => {
    const text = '  /ask@bot @ada why';
    const marked = segmentText(text, parseMentions(text), 'ask');
    expect(marked.slice(0, 3)).toEqual([
      { kind: 'text', text: '  ' },
      { kind: 'command', text: '/ask@bot', name: 'ask' },
      { kind: 'text', text: ' ' },
    ]);
    expect(marked.map((s) => s.text).join('')).toBe(text);
    expect(segmentText('/ask why', [], null).map((s) => s.kind)).toEqual(['text']);
  });
});
