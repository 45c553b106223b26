// Which reaction the bot shows in Telegram, and how emoji are spelled on either side.
import { describe, expect, it } from 'vitest';
import { opOf, rowOf } from '../../../../src/server/transports/telegram/outbox-ops';
import {
  botReaction,
  fromTelegramEmoji,
  parseReactors,
  toTelegramEmoji,
  withReactor,
} from '../../../../src/server/transports/telegram/reactions';

describe('Telegram reactions', () => {
  it('spells emoji the way each side does: no variation selector in Telegram, the quick set form in the chat', () => {
    expect(toTelegramEmoji('❤️')).toBe('❤');
    expect(toTelegramEmoji('👍')).toBe('👍');
    expect(toTelegramEmoji('😂')).toBeNull();
    expect(fromTelegramEmoji('❤')).toBe('❤️');
    expect(fromTelegramEmoji('🔥')).toBe('🔥');
  });

  it('picks the emoji Telegram has with the most web reactors, the first used on a tie, none when there is none', () => {
    const telegram = new Set(['tg_bob', 'tg_eve']);
    const reactions = [
      { emoji: '👍', users: ['carol'] },
      { emoji: '🎉', users: ['tg_bob', 'tg_eve', 'dave'] },
      { emoji: '😂', users: ['x', 'y', 'z'] },
      { emoji: '🔥', users: ['ann'] },
    ];
    expect(botReaction(reactions, telegram)).toBe('👍');
    expect(botReaction([...reactions, { emoji: '🔥', users: ['b', 'c'] }], telegram)).toBe('🔥');
    expect(botReaction([{ emoji: '🎉', users: ['tg_bob'] }], telegram)).toBeNull();
    expect(botReaction(undefined, telegram)).toBeNull();
  });

  it('remembers who reacted from Telegram, newest last, without repeats', () => {
    const one = withReactor(null, 'tg_bob');
    const two = withReactor(one, 'tg_eve');
    expect(withReactor(two, 'tg_eve')).toBeNull();
    expect(JSON.parse(withReactor(two, 'tg_bob') ?? '[]')).toEqual(['tg_eve', 'tg_bob']);
    expect(parseReactors('not json')).toEqual(new Set());
  });

  it('keeps an outbox row kind in its part numbers, both ways', () => {
    for (const op of [
      { kind: 'send', part: 2, parts: 3 },
      { kind: 'edit', part: 1, parts: 2 },
      { kind: 'delete' },
      { kind: 'react' },
    ] as const)
      expect(opOf(rowOf(op))).toEqual(op);
  });
});
