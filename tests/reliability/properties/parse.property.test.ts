// Property tests for message parsing (src/shared/parse.ts), over arbitrary Unicode text, e-mails and commands.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeName, parseCommand, parseMentions, parseText } from '../../../src/shared/parse';

const RUNS = { numRuns: 500 };
const anyText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 }));
const word = fc.stringMatching(/^[a-z0-9][a-z0-9]{0,10}$/);

describe('parseText on arbitrary text', () => {
  it('never throws and returns a consistent shape', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const parsed = parseText(text);
        expect(Array.isArray(parsed.mentions)).toBe(true);
        expect(parsed.isCommand).toBe(parsed.command !== null);
        if (!parsed.isCommand) expect(parsed.commandArgs).toEqual([]);
      }),
      RUNS,
    );
  });

  it('returns mentions normalised, unique, and each after an @ in the text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const mentions = parseMentions(text);
        expect(new Set(mentions).size).toBe(mentions.length);
        for (const m of mentions) {
          expect(normalizeName(m)).toBe(m);
          expect(text.toLowerCase()).toContain(`@${m}`);
        }
      }),
      RUNS,
    );
  });

  it('is deterministic and unaffected by text appended after a space', () => {
    fc.assert(
      fc.property(anyText, word, (text, tail) => {
        const before = parseMentions(text);
        expect(parseMentions(text)).toEqual(before);
        const after = parseMentions(`${text} ${tail}`);
        for (const m of before) expect(after).toContain(m);
      }),
      RUNS,
    );
  });

  it('never takes the domain of an e-mail address for a mention', () => {
    fc.assert(
      fc.property(word, word, fc.constantFrom('com', 'org', 'io'), (local, domain, tld) => {
        expect(parseMentions(`mail ${local}@${domain}.${tld} now`)).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('parseCommand', () => {
  const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,20}$/);
  const arg = fc.stringMatching(/^[^\s]{1,12}$/);

  it('reads a leading /command and its whitespace-separated arguments', () => {
    fc.assert(
      fc.property(
        name,
        fc.array(arg, { maxLength: 6 }),
        fc.constantFrom(' ', '  ', '\t', '\n'),
        (cmd, args, sep) => {
          const parsed = parseCommand(`  /${cmd}${args.length ? sep : ''}${args.join(sep)}`);
          expect(parsed).toEqual({ isCommand: true, command: cmd.toLowerCase(), commandArgs: args });
        },
      ),
      RUNS,
    );
  });

  it('finds no command unless the text starts with a slash', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        fc.pre(!text.trimStart().startsWith('/'));
        expect(parseCommand(text).isCommand).toBe(false);
      }),
      RUNS,
    );
  });

  it('never yields empty or whitespace arguments', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const a of parseCommand(`/run ${text}`).commandArgs) expect(a).toMatch(/^\S+$/);
      }),
      RUNS,
    );
  });
});
