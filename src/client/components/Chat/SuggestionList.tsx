// The popup under the composer listing `@` people/agents or `/` commands; the input keeps focus and drives it.
import { Bot, Terminal, User } from 'lucide-react';
import type { Suggestion } from '../../lib/autocomplete';

interface Props {
  id: string;
  suggestions: Suggestion[];
  active: number;
  kind: 'mention' | 'command';
  onPick(index: number): void;
}

export function SuggestionList({ id, suggestions, active, kind, onPick }: Props) {
  return (
    <div
      id={id}
      role="listbox"
      data-testid={kind === 'mention' ? 'mention-suggestions' : 'command-suggestions'}
      aria-label={kind === 'mention' ? 'People and agents' : 'Commands'}
      className="absolute bottom-full left-0 z-20 mb-1 max-h-64 w-full max-w-md overflow-y-auto rounded-md border border-slate-300 bg-white py-1 shadow-lg dark:border-slate-600 dark:bg-slate-800"
    >
      {suggestions.map((s, i) => (
        <div
          key={`${s.kind}-${s.value}`}
          id={`${id}-${i}`}
          role="option"
          tabIndex={-1}
          aria-selected={i === active}
          data-value={s.value}
          // mousedown, not click: picking must not blur the textarea first.
          onMouseDown={(event) => {
            event.preventDefault();
            onPick(i);
          }}
          className={`flex cursor-pointer items-center gap-2 px-3 py-1.5 text-sm ${
            i === active ? 'bg-sky-100 dark:bg-sky-900/50' : ''
          }`}
        >
          {s.kind === 'agent' ? (
            <Bot size={14} aria-hidden="true" />
          ) : s.kind === 'command' ? (
            <Terminal size={14} aria-hidden="true" />
          ) : (
            <User size={14} aria-hidden="true" />
          )}
          <span className="font-medium">{s.label}</span>
          <span className="truncate text-xs text-slate-500 dark:text-slate-400">{s.detail}</span>
        </div>
      ))}
    </div>
  );
}
