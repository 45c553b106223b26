// The search box's grammar (issue 19): words as the index tokenizes them, filters taken out, anything else plain.
import { describe, expect, it } from 'vitest';
import { parseSearchQuery, searchWords } from '../../src/shared/search';

describe('parseSearchQuery', () => {
  it('takes out from:, in:thread, before: and after: wherever they are typed', () => {
    expect(parseSearchQuery('deploy from:@Ana in:Thread before:2026-12-01 after:2026-11-01 fix')).toEqual({
      words: ['deploy', 'fix'],
      from: 'Ana',
      before: '2026-12-01',
      after: '2026-11-01',
      inThread: true,
    });
  });

  it('keeps a filter it cannot use as words', () => {
    expect(parseSearchQuery('before:soon in:channel from:')).toEqual({
      words: ['before', 'soon', 'in', 'channel', 'from'],
      from: null,
      before: null,
      after: null,
      inThread: false,
    });
    expect(parseSearchQuery('after:2026-02-30').after).toBeNull();
  });

  it('reads operators and punctuation as separators, never as syntax', () => {
    expect(parseSearchQuery('"NEAR(deploy*)" OR -fix (x) ^y {z}: a+b').words).toEqual([
      'near',
      'deploy',
      'or',
      'fix',
      'x',
      'y',
      'z',
      'a',
      'b',
    ]);
  });
});

describe('searchWords', () => {
  it('keeps letters, digits and combining marks of any script, lower-cased', () => {
    expect(searchWords('Café Ünïcode テスト v2.5')).toEqual(['café', 'ünïcode', 'テスト', 'v2', '5']);
  });
});
