// How the importer reads the original's values: its timestamps (local datetime.now(), UTC CURRENT_TIMESTAMP,
// isoformat with an offset) and the rows it must skip or refuse.
import { afterEach, describe, expect, it } from 'vitest';
import { parseOriginalTime, toEmployee, toMessage } from '../../scripts/import/convert';

const zone = process.env.TZ;
afterEach(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe('parseOriginalTime', () => {
  it("reads the chat history's naive datetime.now() text in the machine's time zone", () => {
    process.env.TZ = 'America/New_York';
    expect(parseOriginalTime('2025-06-02 09:00:00.123456', 'local')?.toISOString()).toBe(
      '2025-06-02T13:00:00.123Z',
    );
    expect(parseOriginalTime('2025-01-02 09:00:00', 'local')?.toISOString()).toBe('2025-01-02T14:00:00.000Z');
  });

  it("reads SQLite's CURRENT_TIMESTAMP as UTC and honours an explicit offset", () => {
    process.env.TZ = 'Asia/Tokyo';
    expect(parseOriginalTime('2025-06-01 08:00:00', 'utc')?.toISOString()).toBe('2025-06-01T08:00:00.000Z');
    expect(parseOriginalTime('2025-06-02T09:00:00.5+02:00', 'local')?.toISOString()).toBe(
      '2025-06-02T07:00:00.500Z',
    );
    expect(parseOriginalTime('2025-06-02T09:00:00Z', 'local')?.toISOString()).toBe(
      '2025-06-02T09:00:00.000Z',
    );
  });

  it.each([['2025-02-30 10:00:00'], ['2025-06-02 24:00:00'], ['yesterday'], [''], [1717318800], [null]])(
    'refuses %o',
    (value) => {
      expect(parseOriginalTime(value, 'utc')).toBeNull();
    },
  );
});

describe('rows the importer skips or refuses', () => {
  const row = {
    message_id: '9',
    conversation_id: 'main',
    sender: 'stanley',
    text: 'hi',
    message_type: 'chat_message',
    timestamp: '2025-06-02 09:00:00',
    reply_to: null,
  };
  const isAgent = () => false;

  it('skips an empty text and refuses what cannot be a message here, naming why', () => {
    expect(toMessage({ ...row, text: '  ' }, isAgent)).toMatchObject({ ok: false, kind: 'skip' });
    expect(toMessage({ ...row, timestamp: 'soon' }, isAgent)).toMatchObject({
      ok: false,
      kind: 'refuse',
      reason: 'timestamp "soon" is not a date',
    });
    expect(toMessage({ ...row, sender: ' ' }, isAgent)).toMatchObject({
      kind: 'refuse',
      reason: 'sender is empty',
    });
    expect(toMessage({ ...row, message_id: '' }, isAgent)).toMatchObject({
      kind: 'refuse',
      reason: 'message_id is empty',
    });
  });

  it('reads smartness as the original did (anything else is normal) and skips employees it had let go', () => {
    const agent = {
      name: 'Dave',
      role: 'ops',
      smartness: 'genius',
      hired_at: '2025-06-01 08:00:00',
      status: null,
    };
    expect(toEmployee(agent)).toMatchObject({ ok: true, value: { name: 'dave', smartness: 'normal' } });
    expect(toEmployee({ ...agent, status: 'inactive' })).toMatchObject({ ok: false, kind: 'skip' });
    expect(toEmployee({ ...agent, name: 'all' })).toMatchObject({ ok: false, kind: 'refuse' });
  });
});
