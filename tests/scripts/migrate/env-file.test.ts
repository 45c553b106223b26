import { describe, expect, it } from 'vitest';
import { readEnv, setEnvValues } from '../../../scripts/migrate/env-file';

describe('setEnvValues', () => {
  it('changes only the lines of the keys it sets and appends missing ones', () => {
    const text = '# header\nA=1\n\n# about B\nexport B="two"\nC=3 # note\n';
    const out = setEnvValues(text, { B: 'zwei', C: '33', D: '4' });
    expect(out).toBe(
      '# header\nA=1\n\n# about B\nexport B=zwei\nC=33 # note\n\n# Added by npm run migrate:websocket\nD=4\n',
    );
    expect(readEnv(out)).toEqual({ A: '1', B: 'zwei', C: '33', D: '4' });
  });

  it('returns the very same text when every key already has its value', () => {
    const text = 'A=1\r\nB=2';
    expect(setEnvValues(text, { A: '1', B: '2' })).toBe(text);
  });

  it('keeps CRLF line endings and a missing final newline', () => {
    expect(setEnvValues('A=1\r\nB=2', { B: '3' })).toBe('A=1\r\nB=3');
  });

  it('changes the last of repeated assignments, the one that wins', () => {
    expect(setEnvValues('A=1\nA=2\n', { A: '9' })).toBe('A=1\nA=9\n');
  });

  it('leaves a commented-out assignment alone', () => {
    expect(setEnvValues('# A=old\n', { A: 'new' })).toBe(
      '# A=old\n\n# Added by npm run migrate:websocket\nA=new\n',
    );
  });

  it('writes a new file from nothing', () => {
    expect(setEnvValues('', { A: '1' })).toBe('# Added by npm run migrate:websocket\nA=1\n');
  });
});
