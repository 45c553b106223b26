// @vitest-environment happy-dom
// Messages the server refused stay in view with the reason; Retry puts them back in the queue (same clientId),
// Discard drops them; messages still on their way are not listed here.
import { cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FailedSends } from '../../../../src/client/components/Chat/FailedSends';
import { useChatStore } from '../../../../src/client/stores/chatStore';

const store = () => useChatStore.getState();
const add = (tempId: string, text: string) =>
  store().addPending({ tempId, text, replyTo: null, sender: 'ann', createdAt: '' });

beforeEach(() => store().reset());
afterEach(cleanup);

describe('FailedSends', () => {
  it('lists only refused messages, with the reason', () => {
    add('a', 'on its way');
    add('b', 'refused one');
    store().updatePending('b', { status: 'failed', error: 'replyTo: message 9 does not exist' });
    const { getAllByTestId } = render(<FailedSends />);
    const rows = getAllByTestId('failed-send');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.textContent).toContain('refused one');
    expect(rows[0]?.textContent).toContain('replyTo: message 9 does not exist');
  });

  it('Retry queues the same message again and Discard drops it', () => {
    add('b', 'try me again');
    add('c', 'let me go');
    store().updatePending('b', { status: 'failed', error: 'no' });
    store().updatePending('c', { status: 'failed', error: 'no' });
    const { getAllByTestId, queryAllByTestId } = render(<FailedSends />);
    fireEvent.click(getAllByTestId('retry-send')[0] as HTMLElement);
    expect(store().pending.find((p) => p.tempId === 'b')).toMatchObject({ status: 'queued', error: null });
    fireEvent.click(getAllByTestId('discard-send')[0] as HTMLElement);
    expect(store().pending.map((p) => p.tempId)).toEqual(['b']);
    expect(queryAllByTestId('failed-send')).toHaveLength(0);
  });
});
