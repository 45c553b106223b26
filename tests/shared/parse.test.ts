import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand, parseMentions, parseText } from '../../src/shared/parse';

describe('parseMentions', () => {
  it('finds names with dashes, underscores and digits', () => {
    expect(parseMentions('@alice and @bob_2 and @fe-dev3 please')).toEqual(['alice', 'bob_2', 'fe-dev3']);
  });

  it('drops a trailing -bot and de-duplicates case-insensitively', () => {
    expect(parseMentions('@Alice-bot @alice @ALICE, hi')).toEqual(['alice']);
  });

  it('ignores e-mail addresses', () => {
    expect(parseMentions('mail bob@example.com or @carol@example.com, cc @dave.')).toEqual(['dave']);
  });

  it('stops at punctuation and needs a word boundary before @', () => {
    expect(parseMentions('(@erin), x@frank, @gina! @@henry')).toEqual(['erin', 'gina']);
  });

  it('finds nothing in plain text', () => {
    expect(parseMentions('no mentions here @ all')).toEqual([]);
  });
});

describe('parseCommand', () => {
  it('parses a command with arguments at the start', () => {
    expect(parseCommand('/assign alice  fix the tests')).toEqual({
      isCommand: true,
      command: 'assign',
      commandArgs: ['alice', 'fix', 'the', 'tests'],
    });
  });

  it('accepts a bot-addressed command and no arguments', () => {
    expect(parseCommand('/status@opencode_bot')).toEqual({
      isCommand: true,
      command: 'status',
      commandArgs: [],
    });
  });

  it('is not a command in the middle of text or as a path', () => {
    expect(parseCommand('see /help').isCommand).toBe(false);
    expect(parseCommand('/usr/bin is a path').isCommand).toBe(false);
  });
});

describe('parseText properties', () => {
  it('every mention is lower case, unique and occurs in the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const { mentions } = parseText(text);
        expect(new Set(mentions).size).toBe(mentions.length);
        for (const m of mentions) {
          expect(m).toBe(m.toLowerCase());
          expect(text.toLowerCase()).toContain(`@${m}`);
        }
      }),
    );
  });

  it('a generated @name is always found', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}[a-z0-9]$/);
    fc.assert(
      fc.property(name, fc.constantFrom(' ', ', ', '! ', '\n'), (n, sep) => {
        expect(parseMentions(`hey @${n}${sep}there`)).toContain(n);
      }),
    );
  });
});
