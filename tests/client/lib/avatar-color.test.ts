// Avatar colours: stable per name, spread over the palette so neighbours rarely share one.
import { describe, expect, it } from 'vitest';
import { AVATAR_HUES, avatarColor, avatarHue } from '../../../src/client/lib/avatar-color';

describe('avatarColor', () => {
  it('gives a name the same colour every time, whatever its case', () => {
    expect(avatarColor('Ana')).toBe(avatarColor('ana'));
    expect(avatarColor('bob')).toBe(avatarColor('bob'));
  });

  it('spreads names over the palette', () => {
    const names = [
      'ana',
      'bob',
      'carol',
      'dave',
      'eve',
      'frank',
      'grace',
      'heidi',
      'ivan',
      'judy',
      'mallory',
      'oscar',
    ];
    const hues = new Set(names.map(avatarHue));
    expect(hues.size).toBeGreaterThanOrEqual(7);
    const many = new Set(Array.from({ length: 200 }, (_, i) => avatarHue(`user${i}`)));
    expect(many.size).toBe(AVATAR_HUES);
  });
});
