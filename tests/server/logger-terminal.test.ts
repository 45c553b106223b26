// Log lines on stdout are terminal-safe (issue 15.6): what people typed reaches the log as the same JSON, but with
// no raw control character a terminal would obey (C0 via JSON itself; DEL, C1 and bidi controls escaped here).
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/logger';

describe('stdout log lines', () => {
  it('regression: carry ESC, BEL, CSI (C1) and bidi overrides escaped, and still parse back to the original', () => {
    const hostile = 'eve\u001b]0;pwned\u0007\u009b2J\u007f\u202eevil\u2028';
    const lines: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      createLogger('info', null).info({ user: hostile }, 'joined');
    } finally {
      process.stdout.write = write;
    }
    expect(lines).toHaveLength(1);
    const line = lines[0] as string;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for raw control characters
    expect(line.trimEnd()).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e\u2028]/);
    expect(JSON.parse(line).user).toBe(hostile);
  });
});
