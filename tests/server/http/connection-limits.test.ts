import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
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

describe('ConnectionLimits.holdIp', () => {
  const tcp = () => new Duplex({ read() {}, write: (_chunk, _encoding, done) => done() });
  const closed = (socket: Duplex) =>
    new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });

  it('counts a socket until it closes, once, and refuses the address’s next one over the cap, naming the setting', async () => {
    const limits = new ConnectionLimits(2, 20);
    const [a, b, c] = [tcp(), tcp(), tcp()];
    expect([limits.holdIp('198.51.100.1', a), limits.holdIp('198.51.100.1', b)]).toEqual([null, null]);
    expect(limits.holdIp('198.51.100.1', c)).toBe(
      'too many connections from 198.51.100.1 (limit 2, WS_MAX_CONNECTIONS_PER_IP)',
    );
    expect(limits.holdIp('198.51.100.2', c)).toBeNull();
    await closed(a);
    a.emit('close'); // a second close event must not free a second slot
    expect(limits.ipConnections('198.51.100.1')).toBe(1);
    await Promise.all([closed(b), closed(c)]);
    expect([limits.ipConnections('198.51.100.1'), limits.ipConnections('198.51.100.2')]).toEqual([0, 0]);
  });
});

describe('ConnectionLimits.admitUser bookkeeping', () => {
  const socket = () => {
    const s = {
      closed: 0,
      close() {
        s.closed += 1;
      },
      terminate: () => undefined,
    };
    return s;
  };

  it('keeps one socket or several per user, releases each once, and drops them all on revocation', () => {
    const limits = new ConnectionLimits(100, 3);
    const [one, two, three] = [socket(), socket(), socket()];
    const first = limits.admitUser('ann', one);
    const second = limits.admitUser('ann', two);
    if (!first.ok || !second.ok) throw new Error('both admitted');
    expect(limits.userConnections('ann')).toBe(2);
    second.release();
    second.release();
    expect(limits.userConnections('ann')).toBe(1);
    first.release();
    expect(limits.userConnections('ann')).toBe(0);

    expect(limits.admitUser('ann', three).ok).toBe(true);
    first.release(); // a stale release of a socket already gone leaves the live one counted
    expect(limits.userConnections('ann')).toBe(1);
    expect(limits.dropUser('ann', 'access revoked')).toBe(1);
    expect(three.closed).toBe(1);
  });
});
