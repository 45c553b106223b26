// The composer: Enter sends, Shift+Enter adds a line, `@`/`/` autocomplete, reply preview, a counter near the
// 4096-character limit, messages the server refused (Retry / Discard), and command errors shown inline with the
// typed text kept.
import { SendHorizontal, X } from 'lucide-react';
import { forwardRef, useId, useImperativeHandle, useMemo, useRef, useState } from 'react';
import type { PresenceEntry } from '../../../shared/activity';
import { MAX_TEXT_LENGTH } from '../../../shared/limits';
import type { Message } from '../../../shared/message';
import {
  applySuggestion,
  type Command,
  commandSuggestions,
  findTrigger,
  mentionSuggestions,
  type Trigger,
} from '../../lib/autocomplete';
import { FailedSends } from './FailedSends';
import { SuggestionList } from './SuggestionList';

/** The counter shows once this few characters are left. */
export const COUNTER_FROM = 500;

interface Props {
  users: PresenceEntry[];
  commands: Command[];
  me: string | null;
  replyTo: Message | null;
  replyToId: number | null;
  onCancelReply(): void;
  onSubmit(text: string): Promise<{ ok: boolean; error?: string }>;
  /** Every edit of the draft, with the draft as it now is (empty: the person cleared it). */
  onKeystroke?(draft: string): void;
  /** Up-arrow in the empty composer: edit your last message; false when there is none to edit. */
  onEditLast?(): boolean;
  disabled?: boolean;
}

/** What the chat screen may do with the composer: focus it, or put text at the caret as if typed. */
export interface MessageInputHandle {
  focus(): void;
  /** Replaces the selection (or inserts at the caret) with `text`; the draft and the typing signal follow. */
  insert(text: string): void;
}

export const MessageInput = forwardRef<MessageInputHandle, Props>(function MessageInput(
  { users, commands, me, replyTo, replyToId, onCancelReply, onSubmit, onKeystroke, onEditLast, disabled },
  ref,
) {
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const listId = useId();

  const trigger: Trigger | null = useMemo(() => {
    const found = findTrigger(text, caret);
    return found && found.start !== dismissedAt ? found : null;
  }, [text, caret, dismissedAt]);
  const suggestions = useMemo(() => {
    if (!trigger) return [];
    return trigger.kind === 'mention'
      ? mentionSuggestions(trigger.query, users, me)
      : commandSuggestions(trigger.query, commands);
  }, [trigger, users, me, commands]);
  const open = trigger !== null && suggestions.length > 0;
  const activeIndex = Math.min(active, Math.max(0, suggestions.length - 1));

  const left = MAX_TEXT_LENGTH - text.length;
  const tooLong = left < 0;

  const update = (value: string, position: number) => {
    setText(value);
    setCaret(position);
    setActive(0);
    if (error) setError(null);
  };

  const pick = (index: number) => {
    const suggestion = suggestions[index];
    if (!trigger || !suggestion) return;
    const next = applySuggestion(text, caret, trigger, suggestion);
    update(next.text, next.caret);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(next.caret, next.caret);
    });
  };

  useImperativeHandle(ref, () => ({
    focus: () => input.current?.focus(),
    insert: (inserted) => {
      const field = input.current;
      if (!field) return;
      field.focus();
      const value =
        field.value.slice(0, field.selectionStart) + inserted + field.value.slice(field.selectionEnd);
      const at = field.selectionStart + inserted.length;
      update(value, at);
      onKeystroke?.(value);
      // After React has written the new draft, which puts the caret at its end.
      requestAnimationFrame(() => field.setSelectionRange(at, at));
    },
  }));

  const submit = async () => {
    if (disabled || tooLong || text.trim() === '') return;
    const sent = text;
    // Cleared at once: a message goes into the outgoing queue and shows in the list as "sending…" until stored
    // (held there while the send limit or a dropped connection holds it back). Only commands answer with an error.
    update('', 0);
    const result = await onSubmit(sent);
    if (!result.ok) {
      // The typed text is kept: put it back unless something new has been typed meanwhile.
      const current = input.current?.value ?? '';
      if (current === '') update(sent, sent.length);
      setError(result.error ?? 'could not send');
    }
    input.current?.focus();
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((activeIndex + step + suggestions.length) % suggestions.length);
        return;
      }
      if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
        event.preventDefault();
        pick(activeIndex);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setDismissedAt(trigger?.start ?? null);
        return;
      }
    }
    if (event.key === 'Escape' && replyToId !== null) {
      event.preventDefault();
      onCancelReply();
      return;
    }
    if (event.key === 'ArrowUp' && text === '' && onEditLast?.()) {
      event.preventDefault();
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  };

  return (
    <div className="border-t border-slate-200 p-3 dark:border-slate-700">
      <FailedSends />
      {replyToId !== null && (
        <div
          data-testid="reply-preview"
          data-reply-to={replyToId}
          className="mb-2 flex items-center gap-2 rounded border-l-4 border-sky-500 bg-slate-100 px-3 py-1.5 text-sm dark:bg-slate-800"
        >
          <span className="min-w-0 flex-1 truncate">
            Replying to <span className="font-semibold">{replyTo?.sender ?? `message #${replyToId}`}</span>
            {replyTo && <span className="text-slate-500 dark:text-slate-400">: {replyTo.text}</span>}
          </span>
          <button
            type="button"
            onClick={onCancelReply}
            aria-label="Cancel reply"
            className="rounded p-0.5 hover:bg-slate-200 dark:hover:bg-slate-700"
          >
            <X size={14} aria-hidden="true" />
          </button>
        </div>
      )}
      <div className="relative flex items-end gap-2">
        {open && trigger && (
          <SuggestionList
            id={listId}
            suggestions={suggestions}
            active={activeIndex}
            kind={trigger.kind}
            onPick={pick}
          />
        )}
        <textarea
          ref={input}
          id="composer"
          data-testid="message-input"
          aria-label="Message"
          aria-autocomplete="list"
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? `${listId}-${activeIndex}` : undefined}
          aria-invalid={tooLong || error !== null}
          aria-describedby={error ? `${listId}-error` : undefined}
          rows={Math.min(6, text.split('\n').length)}
          value={text}
          placeholder="Message — @ to mention, / for commands"
          onChange={(event) => {
            update(event.target.value, event.target.selectionStart);
            onKeystroke?.(event.target.value);
          }}
          onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          className="max-h-40 min-h-10 flex-1 resize-none rounded-md border border-slate-300 bg-white px-3 py-2 text-[15px] outline-none focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30 dark:border-slate-600 dark:bg-slate-900"
        />
        <button
          type="button"
          data-testid="send-button"
          onClick={() => void submit()}
          disabled={disabled || tooLong || text.trim() === ''}
          aria-label="Send message"
          className="flex h-10 items-center gap-1 rounded-md bg-sky-600 px-3 text-white hover:bg-sky-700 disabled:cursor-not-allowed disabled:opacity-50"
        >
          <SendHorizontal size={16} aria-hidden="true" />
          <span className="hidden sm:inline">Send</span>
        </button>
      </div>
      <div className="mt-1 flex min-h-5 items-start justify-between gap-2 text-xs">
        <span
          id={`${listId}-error`}
          role="alert"
          data-testid="send-error"
          className="text-red-600 dark:text-red-400"
        >
          {error}
        </span>
        {left <= COUNTER_FROM && (
          <span
            data-testid="char-counter"
            aria-live="polite"
            className={tooLong ? 'font-semibold text-red-600 dark:text-red-400' : 'text-slate-500'}
          >
            {tooLong ? `${-left} characters over the ${MAX_TEXT_LENGTH} limit` : `${left} characters left`}
          </span>
        )}
      </div>
    </div>
  );
});
