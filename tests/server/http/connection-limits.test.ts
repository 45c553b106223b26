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

describe('ConnectionLimits.admitUser', () => {
  const socket = () => ({ close: () => undefined, terminate: () => undefined });

  it('counts the user’s connections on the other instances against the cap, and only that user’s', () => {
    const elsewhere = new Map([['ann', 1]]);
    const limits = new ConnectionLimits(100, 2, (user) => elsewhere.get(user) ?? 0);
    const first = limits.admitUser('ann', socket());
    expect(first.ok).toBe(true);
    expect(limits.admitUser('ann', socket())).toEqual({
      ok: false,
      reason: 'too many connections for ann (limit 2): close a tab or another client',
    });
    expect([limits.admitUser('ben', socket()).ok, limits.admitUser('ben', socket()).ok]).toEqual([
      true,
      true,
    ]);

    // Ann closed the tab on the other instance.
    elsewhere.set('ann', 0);
    expect(limits.admitUser('ann', socket()).ok).toBe(true);
    expect(limits.userConnections('ann')).toBe(2);
  });
});
