// @vitest-environment happy-dom
// Unsent messages kept for a reload of the tab: only the signed-in person's, refused ones stay refused, the rest
// are queued again; nothing odd in storage breaks the page.
import { beforeEach, describe, expect, it } from 'vitest';
import { loadOutbox, saveOutbox } from '../../../src/client/lib/outbox-storage';
import type { PendingMessage } from '../../../src/client/stores/chatStore';

const pending = (tempId: string, status: PendingMessage['status'], sender = 'ann'): PendingMessage => ({
  tempId,
  text: `text ${tempId}`,
  replyTo: null,
  sender,
  createdAt: '2026-12-02T00:00:00.000Z',
  status,
  error: status === 'failed' ? 'replyTo: message 9 does not exist' : null,
});

beforeEach(() => sessionStorage.clear());

describe('outbox storage', () => {
  it('brings back unsent messages in order: in flight or waiting as queued, refused as failed with the reason', () => {
    saveOutbox(sessionStorage, 'ann', [
      pending('a', 'sending'),
      pending('b', 'waiting'),
      pending('c', 'failed'),
      pending('d', 'queued'),
    ]);
    expect(loadOutbox(sessionStorage, 'ann').map((p) => [p.tempId, p.status, p.error])).toEqual([
      ['a', 'queued', null],
      ['b', 'queued', null],
      ['c', 'failed', 'replyTo: message 9 does not exist'],
      ['d', 'queued', null],
    ]);
  });

  it("keeps each person's apart and forgets them once all are sent", () => {
    saveOutbox(sessionStorage, 'ann', [pending('a', 'queued'), pending('x', 'queued', 'bob')]);
    expect(loadOutbox(sessionStorage, 'bob')).toEqual([]);
    expect(loadOutbox(sessionStorage, 'ann').map((p) => p.tempId)).toEqual(['a']);
    saveOutbox(sessionStorage, 'ann', []);
    expect(sessionStorage.length).toBe(0);
  });

  it('ignores what it cannot read', () => {
    sessionStorage.setItem('ocs.outbox.ann', '{not json');
    expect(loadOutbox(sessionStorage, 'ann')).toEqual([]);
    sessionStorage.setItem('ocs.outbox.ann', JSON.stringify([{ tempId: 1 }, { ...pending('ok', 'queued') }]));
    expect(loadOutbox(sessionStorage, 'ann').map((p) => p.tempId)).toEqual(['ok']);
  });
});
