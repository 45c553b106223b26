// @vitest-environment happy-dom
// Typing signals are throttled: one "typing" per 2 s of keystrokes, one "stopped" after 3 s of silence, a send, or
// at once when the draft is cleared.
import { act, cleanup, fireEvent, render, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MessageInput } from '../../../src/client/components/Chat/MessageInput';
import {
  TYPING_IDLE_MS,
  TYPING_REFRESH_MS,
  useTypingSignal,
} from '../../../src/client/hooks/useTypingSignal';

beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** The composer wired to the typing signal, as ChatInterface wires them. */
function Composer({ onSignal }: { onSignal(isTyping: boolean): void }) {
  const typing = useTypingSignal(onSignal);
  return (
    <MessageInput
      users={[]}
      commands={[]}
      me="alice"
      replyTo={null}
      replyToId={null}
      onCancelReply={() => {}}
      onSubmit={async () => ({ ok: true })}
      onKeystroke={typing.keystroke}
    />
  );
}

describe('useTypingSignal', () => {
  it('sends typing once per refresh interval however fast the keys come', () => {
    const sent: boolean[] = [];
    const { result } = renderHook(() => useTypingSignal((isTyping) => sent.push(isTyping)));
    for (let i = 0; i < 25; i++) {
      act(() => result.current.keystroke());
      vi.advanceTimersByTime(100);
    }
    // 2.5 s of typing: the first keystroke and one refresh at 2 s.
    expect(sent).toEqual([true, true]);
    expect(TYPING_REFRESH_MS).toBe(2_000);
  });

  it('says "stopped" after three seconds of silence, once', () => {
    const sent: boolean[] = [];
    const { result } = renderHook(() => useTypingSignal((isTyping) => sent.push(isTyping)));
    act(() => result.current.keystroke());
    vi.advanceTimersByTime(TYPING_IDLE_MS - 1);
    expect(sent).toEqual([true]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([true, false]);
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([true, false]);
  });

  it('says "stopped" at once when the message is sent, and nothing if it never started', () => {
    const sent: boolean[] = [];
    const { result } = renderHook(() => useTypingSignal((isTyping) => sent.push(isTyping)));
    act(() => result.current.stop());
    expect(sent).toEqual([]);
    act(() => result.current.keystroke());
    act(() => result.current.stop());
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([true, false]);
  });

  it('says "stopped" at once when the draft is cleared, not seconds later (issue 14: the indicator lingered)', () => {
    const sent: boolean[] = [];
    const { result } = renderHook(() => useTypingSignal((isTyping) => sent.push(isTyping)));
    act(() => result.current.keystroke('hel'));
    act(() => result.current.keystroke(''));
    expect(sent).toEqual([true, false]);
    // The idle timer was cancelled with it: no second "stopped", and a new draft starts a new "typing".
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([true, false]);
    act(() => result.current.keystroke('again'));
    expect(sent).toEqual([true, false, true]);
  });

  it('the composer stops the signal when its draft is emptied by the person (select all, delete)', () => {
    const sent: boolean[] = [];
    const { getByTestId } = render(<Composer onSignal={(isTyping) => sent.push(isTyping)} />);
    const input = getByTestId('message-input') as HTMLTextAreaElement;
    fireEvent.change(input, { target: { value: 'hello', selectionStart: 5 } });
    expect(sent).toEqual([true]);
    fireEvent.change(input, { target: { value: '', selectionStart: 0 } });
    expect(sent).toEqual([true, false]);
  });
});
