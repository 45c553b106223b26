// @vitest-environment happy-dom
// A message in a group shows no avatar or name of its own, a day's first message carries the day separator, every
// time shows the full date on hover, and an agent's avatar is a bot, never a person's initial.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageItem } from '../../../../src/client/components/Chat/MessageItem';
import { fullDate } from '../../../../src/client/lib/message-groups';
import type { PendingMessage } from '../../../../src/client/stores/chatStore';
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

describe('MessageItem in groups', () => {
  it('shows avatar, name and time for the first message of a group', () => {
    const { container, getByTestId } = render(<MessageItem message={msg(1, 'hello')} />);
    expect(container.querySelector('[data-avatar="user"]')?.textContent).toBe('b');
    expect(getByTestId('message-item').textContent).toContain('bob');
    expect(getByTestId('message-item').getAttribute('data-continued')).toBeNull();
  });

  it('shows neither avatar nor name for a continued message, only its time on hover', () => {
    const { container, getByTestId } = render(<MessageItem message={msg(2, 'more')} continued />);
    const item = getByTestId('message-item');
    expect(item.getAttribute('data-continued')).toBe('true');
    expect(container.querySelector('[data-avatar]')).toBeNull();
    expect(item.textContent).not.toContain('bob');
    const time = item.querySelector('time');
    expect(time?.getAttribute('title')).toBe(fullDate('2026-01-01T10:00:00.000Z'));
    expect(time?.className).toContain('group-hover:visible');
  });

  it('keeps the header of a message still being sent, even in a group', () => {
    const pending: PendingMessage = {
      tempId: 't1',
      text: 'on its way',
      sender: 'bob',
      replyTo: null,
      createdAt: '2026-01-01T10:00:00.000Z',
      status: 'sending',
    };
    const { getByTestId } = render(<MessageItem message={pending} continued />);
    expect(getByTestId('message-item').textContent).toContain('sending…');
  });

  it('puts the day separator above the first message of a day', () => {
    const { getByTestId } = render(<MessageItem message={msg(3, 'morning')} day="Today" />);
    const separator = getByTestId('day-separator');
    expect(separator.textContent).toBe('Today');
    expect(separator.nextElementSibling).toBe(getByTestId('message-item'));
  });

  it('shows the full date on hover of the header time', () => {
    const { getByTestId } = render(<MessageItem message={msg(4, 'hi')} />);
    expect(getByTestId('message-item').querySelector('time')?.getAttribute('title')).toBe(
      fullDate('2026-01-01T10:00:00.000Z'),
    );
  });

  it('draws an agent as a bot, a person as an initial in their own colour', () => {
    const { container } = render(
      <>
        <MessageItem message={msg(5, 'done', { sender: 'coder', senderKind: 'agent', origin: 'agent' })} />
        <MessageItem message={msg(6, 'thanks', { sender: 'ana' })} />
      </>,
    );
    const agent = container.querySelector('[data-avatar="agent"]');
    expect(agent?.querySelector('svg')).not.toBeNull();
    expect(agent?.className).toContain('rounded-md');
    expect(agent?.textContent).toBe('');
    const person = container.querySelector('[data-avatar="user"]');
    expect(person?.className).toContain('rounded-full');
    expect(person?.textContent).toBe('a');
  });
});
