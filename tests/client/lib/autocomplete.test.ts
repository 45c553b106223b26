// Mention and command autocomplete: finding the word at the caret, ranking suggestions, inserting a pick.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applySuggestion,
  commandSuggestions,
  findTrigger,
  mentionSuggestions,
} from '../../../src/client/lib/autocomplete';
import type { PresenceEntry } from '../../../src/shared/activity';
import { parseMentions } from '../../../src/shared/parse';

const person = (name: string, online = true): PresenceEntry => ({
  name,
  kind: 'user',
  online,
  connections: online ? 1 : 0,
  since: '',
});
const agent = (
  name: string,
  status: PresenceEntry['status'] = 'idle',
  role = 'developer',
): PresenceEntry => ({
  name,
  kind: 'agent',
  online: status !== 'offline',
  connections: 0,
  since: '',
  status,
  role,
});

describe('findTrigger', () => {
  it('finds an @word ending at the caret', () => {
    expect(findTrigger('hi @al', 6)).toEqual({ kind: 'mention', start: 3, query: 'al' });
    expect(findTrigger('@', 1)).toEqual({ kind: 'mention', start: 0, query: '' });
  });

  it('ignores e-mail addresses and words the caret has left', () => {
    expect(findTrigger('mail bob@example', 16)).toBeNull();
    expect(findTrigger('hi @al there', 12)).toBeNull();
  });

  it('finds a command only at the start of the message', () => {
    expect(findTrigger('/he', 3)).toEqual({ kind: 'command', start: 0, query: 'he' });
    expect(findTrigger('see /he', 7)).toBeNull();
  });
});

describe('mentionSuggestions', () => {
  const users = [
    person('bob'),
    person('bella', false),
    agent('ada'),
    agent('abe', 'stuck', 'tester'),
    person('me'),
  ];

  it('ranks prefix matches, online before offline, and leaves out oneself', () => {
    expect(mentionSuggestions('b', users, 'me').map((s) => s.value)).toEqual(['bob', 'bella', 'abe']);
    expect(mentionSuggestions('m', users, 'me')).toEqual([]);
  });

  it('describes agents by role and status', () => {
    const [ada] = mentionSuggestions('ada', users, null);
    expect(ada).toMatchObject({ value: 'ada', kind: 'agent', detail: 'developer · idle' });
    expect(mentionSuggestions('abe', users, null)[0]?.detail).toBe('tester · stuck');
  });
});

describe('applySuggestion', () => {
  it('replaces the partial word with the full mention and a space', () => {
    const trigger = findTrigger('hi @ad', 6);
    if (!trigger) throw new Error('no trigger');
    const pick = mentionSuggestions('ad', [agent('ada')], null)[0];
    if (!pick) throw new Error('no suggestion');
    expect(applySuggestion('hi @ad', 6, trigger, pick)).toEqual({ text: 'hi @ada ', caret: 8 });
  });

  it('keeps the text after the caret', () => {
    const trigger = findTrigger('@b please', 2);
    if (!trigger) throw new Error('no trigger');
    const result = applySuggestion('@b please', 2, trigger, {
      value: 'bob',
      label: 'bob',
      detail: '',
      kind: 'user',
    });
    expect(result).toEqual({ text: '@bob please', caret: 5 });
  });

  it('inserts a mention the server parses as that name, whatever surrounds it', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }).map((s) => s.replace(/[@\w.-]$/, '')),
        fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,10}[a-z0-9]$/).filter((n) => !n.endsWith('-bot')),
        (before, name) => {
          const text = `${before}${before && !/\s$/.test(before) ? ' ' : ''}@${name.slice(0, 1)}`;
          const trigger = findTrigger(text, text.length);
          if (!trigger) return;
          const result = applySuggestion(text, text.length, trigger, {
            value: name,
            label: name,
            detail: '',
            kind: 'user',
          });
          expect(parseMentions(result.text)).toContain(name);
        },
      ),
    );
  });
});

describe('commandSuggestions', () => {
  it('lists commands starting with the query', () => {
    const commands = [
      { name: 'help', args: '', description: 'list' },
      { name: 'hire', args: '<name> <role…>', description: 'hire' },
      { name: 'stop', args: '<agent>', description: 'stop' },
    ];
    expect(commandSuggestions('h', commands).map((s) => s.label)).toEqual(['/help', '/hire']);
  });
});
