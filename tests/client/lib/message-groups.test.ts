// Laying out the message list: groups of one sender's consecutive messages and a separator at each new day.
import { describe, expect, it } from 'vitest';
import { dayLabel, GROUP_WINDOW_MS, layoutRows } from '../../../src/client/lib/message-groups';

const at = (y: number, mo: number, d: number, h: number, mi: number, s = 0) =>
  new Date(y, mo - 1, d, h, mi, s).toISOString();
const row = (sender: string, createdAt: string, senderKind = 'user') => ({ sender, senderKind, createdAt });
const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const NOW = new Date(2026, 11, 2, 12, 0);

describe('layoutRows', () => {
  it('groups consecutive messages of one sender within the window, and starts a new group otherwise', () => {
    const rows = [
      row('ana', at(2026, 12, 2, 9, 0)),
      row('ana', at(2026, 12, 2, 9, 4)), // within 5 min of the previous
      row('ana', at(2026, 12, 2, 9, 8)), // within 5 min of the previous (not of the first): still grouped
      row('bob', at(2026, 12, 2, 9, 9)), // another sender
      row('ana', at(2026, 12, 2, 9, 10)), // back to ana: new group
      row('ana', later(at(2026, 12, 2, 9, 10), GROUP_WINDOW_MS + 1000)), // just past the window
      row('ana', at(2026, 12, 2, 9, 17), 'agent'), // an agent named like a person is not the person
    ];
    expect(layoutRows(rows, NOW).map((r) => r.continued)).toEqual([
      false,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('puts a day separator on the first message and on each message that starts a new day, never grouping across it', () => {
    const rows = [
      row('ana', at(2026, 11, 29, 23, 58)),
      row('ana', at(2026, 11, 30, 0, 1)),
      row('ana', at(2026, 12, 1, 10, 0)),
      row('bob', at(2026, 12, 1, 10, 1)),
      row('bob', at(2026, 12, 2, 8, 0)),
    ];
    const layout = layoutRows(rows, NOW);
    expect(layout.map((r) => r.day)).toEqual([
      dayLabel(rows[0]?.createdAt as string, NOW),
      dayLabel(rows[1]?.createdAt as string, NOW),
      'Yesterday',
      null,
      'Today',
    ]);
    expect(layout[1]?.continued).toBe(false);
  });

  it('labels older days with the weekday and date, and the year only when it is not this year', () => {
    expect(dayLabel(at(2026, 11, 30, 10, 0), NOW)).toContain('30');
    expect(dayLabel(at(2026, 11, 30, 10, 0), NOW)).not.toContain('2026');
    expect(dayLabel(at(2025, 6, 1, 10, 0), NOW)).toContain('2025');
  });
});
