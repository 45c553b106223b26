// @vitest-environment happy-dom
// The composer: Enter sends and Shift+Enter does not, @ autocomplete by keyboard, errors keep the text,
// the counter near the limit.
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageInput } from '../../../../src/client/components/Chat/MessageInput';
import type { PresenceEntry } from '../../../../src/shared/activity';
import { COMMANDS } from '../../../../src/shared/commands';
import { MAX_TEXT_LENGTH } from '../../../../src/shared/message';

const users: PresenceEntry[] = [
  { name: 'ada', kind: 'agent', online: true, connections: 0, since: '', status: 'idle', role: 'developer' },
  { name: 'adam', kind: 'user', online: true, connections: 1, since: '' },
  { name: 'bob', kind: 'user', online: false, connections: 0, since: '' },
];

afterEach(cleanup);

function setup(onSubmit = vi.fn(async (_text: string) => ({ ok: true }))) {
  const utils = render(
    <MessageInput
      users={users}
      commands={[...COMMANDS]}
      me="alice"
      replyTo={null}
      replyToId={null}
      onCancelReply={() => {}}
      onSubmit={onSubmit}
    />,
  );
  const input = utils.getByTestId('message-input') as HTMLTextAreaElement;
  const type = (value: string) =>
    fireEvent.change(input, { target: { value, selectionStart: value.length } });
  return { ...utils, input, type, onSubmit };
}

describe('MessageInput', () => {
  it('sends on Enter and clears, but Shift+Enter only adds a line', async () => {
    const { input, type, onSubmit } = setup();
    type('line one');
    fireEvent.keyDown(input, { key: 'Enter', shiftKey: true });
    expect(onSubmit).not.toHaveBeenCalled();
    await act(async () => {
      fireEvent.keyDown(input, { key: 'Enter' });
    });
    expect(onSubmit).toHaveBeenCalledWith('line one');
    expect(input.value).toBe('');
  });

  it('suggests people and agents after @ and inserts the one picked with arrows and Enter', async () => {
    const { input, type, getByTestId, queryByTestId, onSubmit } = setup();
    type('hey @ad');
    const list = getByTestId('mention-suggestions');
    expect([...list.querySelectorAll('[role="option"]')].map((o) => o.getAttribute('data-value'))).toEqual([
      'ada',
      'adam',
    ]);
    expect(list.textContent).toContain('developer · idle');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(list.querySelector('[aria-selected="true"]')?.getAttribute('data-value')).toBe('adam');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(input.value).toBe('hey @adam ');
    expect(queryByTestId('mention-suggestions')).toBeNull();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('closes the suggestions on Escape without changing the text', () => {
    const { input, type, queryByTestId } = setup();
    type('@a');
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(queryByTestId('mention-suggestions')).toBeNull();
    expect(input.value).toBe('@a');
  });

  it('completes commands after a leading slash with Tab', () => {
    const { input, type, getByTestId } = setup();
    type('/tr');
    expect(getByTestId('command-suggestions').textContent).toContain('/transport');
    fireEvent.keyDown(input, { key: 'Tab' });
    expect(input.value).toBe('/transport ');
  });

  it('keeps the typed text and shows the server’s error when sending fails', async () => {
    const { input, type, getByTestId } = setup(
      vi.fn(async () => ({ ok: false, error: 'sending too fast: wait 3 s' })),
    );
    type('important words');
    await act(async () => {
      fireEvent.keyDown(input, { key: 'Enter' });
    });
    expect(input.value).toBe('important words');
    expect(getByTestId('send-error').textContent).toBe('sending too fast: wait 3 s');
  });

  it('counts down near the limit and refuses text over it', () => {
    const { type, getByTestId, queryByTestId } = setup();
    type('x'.repeat(100));
    expect(queryByTestId('char-counter')).toBeNull();
    type('x'.repeat(MAX_TEXT_LENGTH - 10));
    expect(getByTestId('char-counter').textContent).toBe('10 characters left');
    type('x'.repeat(MAX_TEXT_LENGTH + 5));
    expect(getByTestId('char-counter').textContent).toContain('5 characters over');
    expect((getByTestId('send-button') as HTMLButtonElement).disabled).toBe(true);
  });
});
