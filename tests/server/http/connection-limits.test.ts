import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ConnectionLimits } from '../../../src/server/http/connection-limits';

const request = (remoteAddress: string, headers: Record<string, string> = {}) =>
  ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;

describe('ConnectionLimits.ipOf', () => {
  it('uses the peer address of a direct client and ignores what it claims in headers', () => {
    expect(ConnectionLimits.ipOf(request('203.0.113.9', { 'x-forwarded-for': '10.0.0.1' }))).toBe(
      '203.0.113.9',
    );
  });

  it('regression: people behind the local nginx do not all share 127.0.0.1’s per-IP cap', () => {
    const viaProxy = request('127.0.0.1', {
      'x-forwarded-for': '10.9.9.9, 198.51.100.7',
      'x-real-ip': '198.51.100.7',
    });
    expect(ConnectionLimits.ipOf(viaProxy)).toBe('198.51.100.7');
    expect(ConnectionLimits.ipOf(request('::ffff:127.0.0.1', { 'x-real-ip': '198.51.100.8' }))).toBe(
      '198.51.100.8',
    );
    expect(ConnectionLimits.ipOf(request('127.0.0.1'))).toBe('127.0.0.1');
  });
});
