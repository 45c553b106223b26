// @vitest-environment happy-dom
// What the chat screen does with the composer through its ref (no DOM queries): focus it, and put a mention at the
// caret as if typed, so the draft, the typing signal and the next edits follow.
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { createRef } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageInput, type MessageInputHandle } from '../../../../src/client/components/Chat/MessageInput';

afterEach(cleanup);

function setup() {
  const composer = createRef<MessageInputHandle>();
  const onKeystroke = vi.fn();
  const onSubmit = vi.fn(async (_text: string) => ({ ok: true }));
  const utils = render(
    <MessageInput
      ref={composer}
      users={[]}
      commands={[]}
      me="alice"
      replyTo={null}
      replyToId={null}
      onCancelReply={() => {}}
      onSubmit={onSubmit}
      onKeystroke={onKeystroke}
    />,
  );
  const input = utils.getByTestId('message-input') as HTMLTextAreaElement;
  return { composer, input, onKeystroke, onSubmit };
}

describe('MessageInput handle', () => {
  it('focuses the composer', () => {
    const { composer, input } = setup();
    expect(document.activeElement).not.toBe(input);

    act(() => composer.current?.focus());

    expect(document.activeElement).toBe(input);
  });

  it('puts text at the caret as if typed: the draft holds it and the typing signal hears it', () => {
    const { composer, input, onKeystroke } = setup();
    fireEvent.change(input, { target: { value: 'ask  now', selectionStart: 4 } });
    input.setSelectionRange(4, 4);

    act(() => composer.current?.insert('@ada '));

    expect(input.value).toBe('ask @ada  now');
    expect(onKeystroke).toHaveBeenLastCalledWith('ask @ada  now');
    expect(document.activeElement).toBe(input);
  });

  it('replaces a selection, and what is sent is the draft with the inserted text', async () => {
    const { composer, input, onSubmit } = setup();
    fireEvent.change(input, { target: { value: 'hi NAME', selectionStart: 7 } });
    input.setSelectionRange(3, 7);

    act(() => composer.current?.insert('@bob'));
    await act(async () => {
      fireEvent.keyDown(input, { key: 'Enter' });
    });

    expect(onSubmit).toHaveBeenCalledWith('hi @bob');
  });
});
