// @vitest-environment happy-dom
// Rendering a message: hostile markup stays text, mentions are highlighted, the reply quote jumps on click.
import { cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

describe('MessageItem', () => {
  it('shows HTML and script payloads as literal text', () => {
    const payload =
      '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><a href="javascript:1">x</a>';
    const { container, getByTestId } = render(<MessageItem message={msg(1, payload)} />);
    expect(getByTestId('message-item').textContent).toContain(payload);
    expect(container.querySelectorAll('img, script, a[href^="javascript"]')).toHaveLength(0);
  });

  it('highlights mentions and marks the ones naming the reader', () => {
    const { container } = render(<MessageItem message={msg(2, '@alice and @bob look')} me="alice" />);
    const mentions = [...container.querySelectorAll('[data-mention]')].map((el) =>
      el.getAttribute('data-mention'),
    );
    expect(mentions).toEqual(['alice', 'bob']);
    expect(container.querySelector('[data-mention="alice"]')?.className).toContain('amber');
  });

  it('carries its id and sender for scripts and tests', () => {
    const { getByTestId } = render(<MessageItem message={msg(42, 'hi')} />);
    const item = getByTestId('message-item');
    expect(item.getAttribute('data-message-id')).toBe('42');
    expect(item.getAttribute('data-sender')).toBe('bob');
  });

  it('quotes the original of a reply and asks to jump to it when clicked', () => {
    const onQuoteClick = vi.fn();
    const original = msg(5, 'the question');
    const { getByTestId } = render(
      <MessageItem
        message={msg(6, 'the answer', { replyTo: 5 })}
        original={original}
        onQuoteClick={onQuoteClick}
      />,
    );
    const quote = getByTestId('reply-quote');
    expect(quote.textContent).toContain('bob: the question');
    fireEvent.click(quote);
    expect(onQuoteClick).toHaveBeenCalledWith(5);
  });

  it('offers a reply button that hands over the message', () => {
    const onReply = vi.fn();
    const message = msg(7, 'reply to me');
    const { getByTestId } = render(<MessageItem message={message} onReply={onReply} />);
    fireEvent.click(getByTestId('reply-button'));
    expect(onReply).toHaveBeenCalledWith(message);
  });

  it('shows an own message that is still sending, without an id or reply button', () => {
    const { getByTestId, queryByTestId } = render(
      <MessageItem
        message={{
          tempId: 't',
          text: 'on its way',
          replyTo: null,
          sender: 'alice',
          createdAt: '',
          status: 'sending',
        }}
        onReply={() => {}}
      />,
    );
    expect(getByTestId('message-item').getAttribute('data-pending')).toBe('true');
    expect(getByTestId('message-item').textContent).toContain('sending…');
    expect(queryByTestId('reply-button')).toBeNull();
  });

  it('says "not sent" for an own message the server refused, and "sending…" while it waits for the limit', () => {
    const pending = { tempId: 't', text: 'refused', replyTo: null, sender: 'alice', createdAt: '' } as const;
    const failed = render(<MessageItem message={{ ...pending, status: 'failed', error: 'no' }} />);
    expect(failed.getByTestId('message-item').getAttribute('data-send-status')).toBe('failed');
    expect(failed.getByTestId('message-item').textContent).toContain('not sent');
    failed.unmount();
    const waiting = render(<MessageItem message={{ ...pending, status: 'waiting' }} />);
    expect(waiting.getByTestId('message-item').textContent).toContain('sending…');
  });
});
