// Sends "I am typing" at most every 2 s while keys are pressed and "stopped" after 3 s of silence, on send, or at
// once when the draft is cleared, so receivers (whose indicator lapses after 3 s) stay accurate without an event
// per keystroke.
import { useCallback, useEffect, useRef } from 'react';

export const TYPING_REFRESH_MS = 2_000;
export const TYPING_IDLE_MS = 3_000;

export function useTypingSignal(send: (isTyping: boolean) => void) {
  const lastSent = useRef(0);
  const idle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const sendRef = useRef(send);
  sendRef.current = send;

  const stop = useCallback(() => {
    if (idle.current) clearTimeout(idle.current);
    idle.current = null;
    if (lastSent.current !== 0) sendRef.current(false);
    lastSent.current = 0;
  }, []);

  /** A change of the draft; given an empty draft (cleared, or sent) it is a stop, not a keystroke. */
  const keystroke = useCallback(
    (draft?: string) => {
      if (draft !== undefined && draft.trim() === '') return stop();
      const now = Date.now();
      if (now - lastSent.current >= TYPING_REFRESH_MS) {
        lastSent.current = now;
        sendRef.current(true);
      }
      if (idle.current) clearTimeout(idle.current);
      idle.current = setTimeout(stop, TYPING_IDLE_MS);
    },
    [stop],
  );

  useEffect(() => () => stop(), [stop]);
  return { keystroke, stop };
}
