// @vitest-environment happy-dom
// Reactions under a message: counts, your own highlighted, who reacted, toggling, and the picker (quick set and
// any single emoji typed; anything else refused in place).
import { cleanup, fireEvent, render, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageItem } from '../../../../src/client/components/Chat/MessageItem';
import { type ReactFn, ReactionsContext } from '../../../../src/client/components/Chat/Reactions';
import { reactedBy, useReactionPicker } from '../../../../src/client/stores/reactions';
import type { Message } from '../../../../src/shared/message';
import { QUICK_REACTIONS } from '../../../../src/shared/reactions';

const msg = (extra: Partial<Message> = {}): Message => ({
  id: 7,
  text: 'ship it?',
  sender: 'bob',
  senderKind: 'user',
  mentions: [],
  isCommand: false,
  command: null,
  commandArgs: [],
  replyTo: null,
  origin: 'websocket',
  createdAt: '2026-01-01T10:00:00.000Z',
  clientId: null,
  ...extra,
});

function renderWith(message: Message, react: ReactFn | null = vi.fn(async () => undefined)) {
  const view = render(
    <ReactionsContext.Provider value={react}>
      <MessageItem message={message} me="alice" />
    </ReactionsContext.Provider>,
  );
  return { ...view, react };
}

afterEach(() => {
  cleanup();
  useReactionPicker.setState({ openFor: null, failed: null });
});

describe('Reactions', () => {
  it('shows one chip per emoji with its count, yours pressed, and who reacted', () => {
    const { getAllByTestId } = renderWith(
      msg({
        reactions: [
          { emoji: '👍', users: ['bob', 'alice', 'carol'] },
          { emoji: '🎉', users: ['bob'] },
        ],
      }),
    );
    const [thumbs, party] = getAllByTestId('reaction-chip');
    expect(thumbs?.getAttribute('data-count')).toBe('3');
    expect(thumbs?.getAttribute('aria-pressed')).toBe('true');
    expect(thumbs?.getAttribute('title')).toBe('You, bob and carol reacted with 👍');
    expect(party?.getAttribute('aria-pressed')).toBe('false');
    expect(party?.getAttribute('title')).toBe('bob reacted with 🎉');
  });

  it('takes your reaction back from a pressed chip and adds it from another', () => {
    const { getAllByTestId, react } = renderWith(
      msg({
        reactions: [
          { emoji: '👍', users: ['alice'] },
          { emoji: '🎉', users: ['bob'] },
        ],
      }),
    );
    const [thumbs, party] = getAllByTestId('reaction-chip');
    fireEvent.click(thumbs as HTMLElement);
    fireEvent.click(party as HTMLElement);
    expect(react).toHaveBeenNthCalledWith(1, 7, '👍', false);
    expect(react).toHaveBeenNthCalledWith(2, 7, '🎉', true);
  });

  it('offers the quick set in the picker and reacts with the one chosen', () => {
    const { getByTestId, queryByTestId, react } = renderWith(msg());
    expect(queryByTestId('reactions')).toBeNull();
    fireEvent.click(getByTestId('add-reaction'));
    const picker = getByTestId('reaction-picker');
    const options = within(picker).getAllByTestId('reaction-option');
    expect(options.map((o) => o.getAttribute('data-emoji'))).toEqual([...QUICK_REACTIONS]);
    fireEvent.click(options[3] as HTMLElement);
    expect(react).toHaveBeenCalledWith(7, QUICK_REACTIONS[3], true);
    expect(queryByTestId('reaction-picker')).toBeNull();
  });

  it('accepts any single typed emoji and refuses text, keeping the picker open', () => {
    const { getByTestId, getByRole, react } = renderWith(msg());
    fireEvent.click(getByTestId('add-reaction'));
    const field = getByTestId('reaction-custom');
    fireEvent.change(field, { target: { value: 'ok' } });
    fireEvent.submit(field.closest('form') as HTMLFormElement);
    expect(getByRole('alert').textContent).toContain('exactly one emoji');
    expect(react).not.toHaveBeenCalled();
    fireEvent.change(field, { target: { value: '🦀' } });
    fireEvent.submit(field.closest('form') as HTMLFormElement);
    expect(react).toHaveBeenCalledWith(7, '🦀', true);
  });

  it('closes the picker on Escape and marks the Escape as taken', () => {
    const { getByTestId, queryByTestId } = renderWith(msg());
    fireEvent.click(getByTestId('add-reaction'));
    // fireEvent answers false when a handler prevented the default.
    expect(fireEvent.keyDown(getByTestId('reaction-picker'), { key: 'Escape' })).toBe(false);
    expect(queryByTestId('reaction-picker')).toBeNull();
  });

  it('shows reactions read-only where nobody can react, and no picker on a deleted message', () => {
    const withReactions = msg({ reactions: [{ emoji: '👀', users: ['bob'] }] });
    const readOnly = renderWith(withReactions, null);
    expect(readOnly.getByTestId('reaction-chip').hasAttribute('disabled')).toBe(true);
    expect(readOnly.queryByTestId('add-reaction')).toBeNull();
    cleanup();
    const deleted = renderWith(msg({ text: '', deletedAt: '2026-01-01T10:05:00.000Z' }));
    expect(deleted.queryByTestId('add-reaction')).toBeNull();
  });

  it('names who reacted as a person reads it', () => {
    expect(reactedBy(['bob'], 'alice')).toBe('bob');
    expect(reactedBy(['bob', 'alice'], 'alice')).toBe('You and bob');
    expect(reactedBy(['a', 'b', 'c'])).toBe('a, b and c');
  });
});
