import { describe, expect, it } from 'vitest';
import { Fanout, SubscriberOverflowError } from '../../../src/server/hub/fanout';

describe('Fanout', () => {
  it('hands over everything queued since the last read as one batch', async () => {
    const fanout = new Fanout<number>();
    const sub = fanout.open();
    fanout.publish(1);
    fanout.publish(2);
    fanout.publish(3);
    expect(await sub.next()).toEqual([1, 2, 3]);
    const waiting = sub.next();
    fanout.publish(4);
    expect(await waiting).toEqual([4]);
  });

  it('drops what the subscriber does not accept', async () => {
    const fanout = new Fanout<number>();
    const sub = fanout.open({ accept: (n) => n % 2 === 0 });
    for (const n of [1, 2, 3, 4]) fanout.publish(n);
    expect(await sub.next()).toEqual([2, 4]);
  });

  it('disconnects a subscriber that falls too far behind instead of buffering without bound', async () => {
    const fanout = new Fanout<number>(3);
    let overflowed = 0;
    const slow = fanout.open({ onOverflow: () => overflowed++ });
    const fast = fanout.open();
    for (let n = 0; n < 3; n++) fanout.publish(n);
    expect(await fast.next()).toEqual([0, 1, 2]);
    fanout.publish(3);
    fanout.publish(4);
    expect(overflowed).toBe(1);
    expect(fanout.size).toBe(1);
    await expect(slow.next()).rejects.toBeInstanceOf(SubscriberOverflowError);
    expect(await fast.next()).toEqual([3, 4]);
  });

  it('cuts off a subscriber whose socket is backed up', () => {
    const fanout = new Fanout<number>();
    let overflowed = false;
    fanout.open({ isBackedUp: () => true, onOverflow: () => (overflowed = true) });
    fanout.publish(1);
    expect(overflowed).toBe(true);
    expect(fanout.size).toBe(0);
  });

  it('ends a waiting read when the signal aborts', async () => {
    const fanout = new Fanout<number>();
    const controller = new AbortController();
    const sub = fanout.open({ signal: controller.signal });
    const waiting = sub.next();
    controller.abort();
    expect(await waiting).toBeNull();
    expect(fanout.size).toBe(0);
  });
});
