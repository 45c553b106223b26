// @vitest-environment happy-dom
// A message's controls follow the list's roving tab stop, and a quote shows its original's sender and first line
// (issue 14: every Reply button was a tab stop; quotes of old messages said only "message #1").
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageItem } from '../../../../src/client/components/Chat/MessageItem';
import type { Message } from '../../../../src/shared/message';
import { parseText } from '../../../../src/shared/parse';

const msg = (id: number, text: string, extra: Partial<Message> = {}): Message => ({
  id,
  text,
  sender: 'bob',
  senderKind: 'user',
  ...parseText(text),
  replyTo: null,
  origin: 'websocket',
  createdAt: '2026-01-01T10:00:00.000Z',
  clientId: null,
  ...extra,
});

afterEach(cleanup);

const tabIndexes = (container: HTMLElement) =>
  [...container.querySelectorAll<HTMLElement>('article, button, a[href]')].map((el) => el.tabIndex);

describe('MessageItem and the keyboard', () => {
  const reply = msg(9, 'see https://example.com/docs', { replyTo: 1 });
  const original = msg(1, 'where do we deploy?\nsecond line', { sender: 'dana' });

  // The message, its quote, its link, "Reply in thread" and "Reply".
  it('takes no tab stop, nor do its reply, quote and links, unless it is the current message', () => {
    const { container } = render(<MessageItem message={reply} original={original} onReply={() => {}} />);
    expect(tabIndexes(container)).toEqual([-1, -1, -1, -1, -1]);
  });

  it('is one tab stop with its controls reachable when it is the current message', () => {
    const { container } = render(
      <MessageItem message={reply} original={original} onReply={() => {}} tabStop />,
    );
    expect(tabIndexes(container)).toEqual([0, 0, 0, 0, 0]);
  });

  it('quotes the original by sender and first line only', () => {
    const { getByTestId } = render(<MessageItem message={reply} original={original} />);
    expect(getByTestId('reply-quote').textContent).toBe('dana: where do we deploy?');
  });
});
