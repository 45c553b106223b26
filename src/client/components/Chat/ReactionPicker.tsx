// The reaction picker, shown in the flow under a message (never clipped by the scrolling list): the quick set as
// buttons, and a field for any single emoji. Escape closes it without closing what it sits in.
import { useEffect, useRef, useState } from 'react';
import { isSingleEmoji, QUICK_REACTIONS } from '../../../shared/reactions';

interface Props {
  onPick(emoji: string): void;
  onClose(): void;
}

export function ReactionPicker({ onPick, onClose }: Props) {
  const [custom, setCustom] = useState('');
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);

  const submitCustom = (event: React.FormEvent) => {
    event.preventDefault();
    const emoji = custom.trim();
    if (!isSingleEmoji(emoji)) {
      setError('Type exactly one emoji, e.g. 🚀');
      return;
    }
    onPick(emoji);
  };

  return (
    // Escape is claimed here (default prevented) so the thread panel around it stays open.
    <fieldset
      data-testid="reaction-picker"
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        onClose();
      }}
      className="m-0 flex min-w-0 basis-full flex-wrap items-center gap-1 rounded border border-slate-300 bg-white p-1 shadow-sm dark:border-slate-600 dark:bg-slate-800"
    >
      <legend className="sr-only">Pick a reaction</legend>
      {QUICK_REACTIONS.map((emoji, i) => (
        <button
          key={emoji}
          ref={i === 0 ? first : undefined}
          type="button"
          data-testid="reaction-option"
          data-emoji={emoji}
          aria-label={`React with ${emoji}`}
          onClick={() => onPick(emoji)}
          className="rounded px-1.5 py-0.5 text-lg hover:bg-slate-100 dark:hover:bg-slate-700"
        >
          {emoji}
        </button>
      ))}
      <form onSubmit={submitCustom} className="flex items-center gap-1">
        <input
          data-testid="reaction-custom"
          aria-label="Any emoji"
          placeholder="any emoji"
          value={custom}
          onChange={(e) => {
            setCustom(e.target.value);
            setError(null);
          }}
          aria-invalid={error !== null}
          className="w-24 rounded border border-slate-300 bg-transparent px-1 py-0.5 text-sm dark:border-slate-600"
        />
        <button
          type="submit"
          className="rounded bg-slate-200 px-2 py-0.5 text-xs hover:bg-slate-300 dark:bg-slate-700 dark:hover:bg-slate-600"
        >
          Add
        </button>
      </form>
      {error && (
        <span role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </span>
      )}
      <button
        type="button"
        aria-label="Close the reaction picker"
        onClick={onClose}
        className="ml-auto rounded px-1 text-xs text-slate-500 hover:bg-slate-100 dark:hover:bg-slate-700"
      >
        Close
      </button>
    </fieldset>
  );
}
