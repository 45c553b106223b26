// The thread panel's composer: Enter sends to the thread, Shift+Enter adds a line, "Also send to the channel".
// A refused or failed send keeps the text and says why; a retry reuses the clientId, so it commits once.
import { SendHorizontal } from 'lucide-react';
import { forwardRef, useId, useImperativeHandle, useRef, useState } from 'react';

export interface ThreadSendInput {
  text: string;
  alsoToChannel: boolean;
  clientId: string;
}

interface Props {
  /** What the text field is for, for screen readers: names the thread. */
  label: string;
  onSend(input: ThreadSendInput): Promise<void>;
}

export interface ThreadComposerHandle {
  focus(): void;
}

const newClientId = () => `thread-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;

export const ThreadComposer = forwardRef<ThreadComposerHandle, Props>(function ThreadComposer(
  { label, onSend },
  ref,
) {
  const [text, setText] = useState('');
  const [alsoToChannel, setAlsoToChannel] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One id per draft: a retry after a lost answer is the same send; editing the text makes it a new one.
  const clientId = useRef(newClientId());
  const input = useRef<HTMLTextAreaElement>(null);
  const errorId = useId();
  useImperativeHandle(ref, () => ({ focus: () => input.current?.focus() }), []);

  const submit = async () => {
    const trimmed = text.trim();
    if (trimmed === '' || sending) return;
    setSending(true);
    setError(null);
    try {
      await onSend({ text: trimmed, alsoToChannel, clientId: clientId.current });
      // What was typed while the send was on its way stays.
      setText((now) => (now.trim() === trimmed ? '' : now));
      setAlsoToChannel(false);
      clientId.current = newClientId();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setSending(false);
      input.current?.focus();
    }
  };

  return (
    <form
      data-testid="thread-composer"
      className="border-t border-slate-200 p-3 dark:border-slate-700"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div className="flex items-end gap-2">
        <textarea
          ref={input}
          data-testid="thread-input"
          aria-label={label}
          aria-describedby={error ? errorId : undefined}
          placeholder="Reply…"
          rows={2}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            clientId.current = newClientId();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              void submit();
            }
          }}
          className="min-h-[2.5rem] flex-1 resize-none rounded border border-slate-300 bg-transparent px-2 py-1 text-sm outline-none focus:border-sky-500 dark:border-slate-600"
        />
        <button
          type="submit"
          data-testid="thread-send"
          disabled={sending || text.trim() === ''}
          aria-label="Send reply"
          className="rounded bg-sky-600 p-2 text-white hover:bg-sky-700 disabled:opacity-50"
        >
          <SendHorizontal size={16} aria-hidden="true" />
        </button>
      </div>
      <label className="mt-2 flex items-center gap-2 text-xs text-slate-600 dark:text-slate-300">
        <input
          type="checkbox"
          data-testid="thread-also-to-channel"
          checked={alsoToChannel}
          onChange={(event) => setAlsoToChannel(event.target.checked)}
        />
        Also send to the channel
      </label>
      {error && (
        <p id={errorId} role="alert" data-testid="thread-send-error" className="mt-1 text-xs text-red-600">
          Not sent: {error}
        </p>
      )}
    </form>
  );
});
