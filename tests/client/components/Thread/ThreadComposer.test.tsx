// @vitest-environment happy-dom
// The thread composer: Enter sends (Shift+Enter does not), "Also send to the channel" goes with the reply, a failed
// send keeps the text and says why, and its retry carries the same clientId so the server commits it once.
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ThreadComposer,
  type ThreadSendInput,
} from '../../../../src/client/components/Thread/ThreadComposer';

afterEach(cleanup);

function setup(onSend: (input: ThreadSendInput) => Promise<void>) {
  const view = render(<ThreadComposer label="Reply in the thread" onSend={onSend} />);
  const input = view.getByTestId('thread-input') as HTMLTextAreaElement;
  const type = (text: string) => fireEvent.change(input, { target: { value: text } });
  const enter = (shiftKey = false) =>
    act(async () => void fireEvent.keyDown(input, { key: 'Enter', shiftKey }));
  return { ...view, input, type, enter };
}

describe('ThreadComposer', () => {
  it('sends the trimmed text on Enter, also to the channel when ticked, then clears both', async () => {
    const onSend = vi.fn(async () => undefined);
    const { input, type, enter, getByTestId } = setup(onSend);
    type('  eu-west  ');
    await enter(true);
    expect(onSend).not.toHaveBeenCalled();
    fireEvent.click(getByTestId('thread-also-to-channel'));
    await enter();
    expect(onSend).toHaveBeenCalledWith(expect.objectContaining({ text: 'eu-west', alsoToChannel: true }));
    expect(input.value).toBe('');
    expect((getByTestId('thread-also-to-channel') as HTMLInputElement).checked).toBe(false);
  });

  it('keeps the text after a refusal, says why, and retries with the same clientId', async () => {
    const onSend = vi
      .fn<(input: ThreadSendInput) => Promise<void>>()
      .mockRejectedValueOnce(new Error('sending too fast: wait 1 s (800 ms)'))
      .mockResolvedValueOnce(undefined);
    const { input, type, enter, getByTestId } = setup(onSend);
    type('agreed');
    await enter();
    expect(input.value).toBe('agreed');
    expect(getByTestId('thread-send-error').textContent).toContain('sending too fast');
    await enter();
    const [first, second] = onSend.mock.calls.map(([call]) => call);
    expect(second?.clientId).toBe(first?.clientId);
    expect(input.value).toBe('');
  });

  it('gives a changed draft a new clientId and never sends empty text', async () => {
    const onSend = vi.fn<(input: ThreadSendInput) => Promise<void>>().mockResolvedValue(undefined);
    const { type, enter } = setup(onSend);
    type('   ');
    await enter();
    expect(onSend).not.toHaveBeenCalled();
    type('one');
    await enter();
    type('two');
    await enter();
    const [first, second] = onSend.mock.calls.map(([call]) => call);
    expect(first?.clientId).not.toBe(second?.clientId);
  });
});
