// @vitest-environment happy-dom
// Typing signals are throttled: one "typing" per 2 s of keystrokes, one "stopped" after 3 s of silence or a send.
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  TYPING_IDLE_MS,
  TYPING_REFRESH_MS,
  useTypingSignal,
} from '../../../src/client/hooks/useTypingSignal';

beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
afterEach(() => vi.useRealTimers());

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
});
