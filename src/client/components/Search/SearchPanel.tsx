// The search panel: a box (words plus `from:ana`, `in:thread`, `before:`/`after:` dates), ranked results with the
// matching words marked, more results on demand; arrow keys and Enter, or a click, jump to the message.
import { X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { SearchHit } from '../../../shared/search';
import { snippetParts } from '../../../shared/search';
import type { ChatConnection } from '../../lib/chat-connection';

interface Props {
  connection: ChatConnection;
  onClose(): void;
  onChoose(id: number): void;
}

/** Typing pauses this long before the search goes out: one query per word, not per key. */
const DEBOUNCE_MS = 200;
const PAGE = 20;

type State =
  | { kind: 'idle' }
  | { kind: 'searching' }
  | { kind: 'done'; hits: SearchHit[]; nextCursor: string | null }
  | { kind: 'failed'; message: string };

/** The snippet as text with <mark> around the matches: React escapes every part, nothing is read as HTML. */
function Snippet({ text }: { text: string }) {
  return (
    <>
      {snippetParts(text).map((part, i) =>
        part.match ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one snippet never reorder
          <mark key={i} className="rounded bg-amber-200 px-0.5 text-inherit dark:bg-amber-700">
            {part.text}
          </mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one snippet never reorder
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}

export function SearchPanel({ connection, onClose, onChoose }: Props) {
  const [query, setQuery] = useState('');
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  /** Only the newest query's answer is shown: an older one arriving late is dropped. */
  const latest = useRef(0);

  useEffect(() => input.current?.focus(), []);

  useEffect(() => {
    const text = query.trim();
    if (text === '') {
      setState({ kind: 'idle' });
      return;
    }
    const ticket = ++latest.current;
    const timer = setTimeout(async () => {
      setState({ kind: 'searching' });
      try {
        const page = await connection.client.trpc.chat.search.query({ query: text, limit: PAGE });
        if (ticket !== latest.current) return;
        setActive(0);
        setState({ kind: 'done', hits: page.hits, nextCursor: page.nextCursor });
      } catch (error) {
        if (ticket === latest.current)
          setState({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
      }
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, connection]);

  const loadMore = async () => {
    if (state.kind !== 'done' || state.nextCursor === null) return;
    const ticket = latest.current;
    try {
      const page = await connection.client.trpc.chat.search.query({
        query: query.trim(),
        limit: PAGE,
        cursor: state.nextCursor,
      });
      if (ticket !== latest.current) return;
      setState({ kind: 'done', hits: [...state.hits, ...page.hits], nextCursor: page.nextCursor });
    } catch (error) {
      setState({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  };

  const hits = state.kind === 'done' ? state.hits : [];
  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === 'Escape') onClose();
    else if (event.key === 'ArrowDown') setActive((i) => Math.min(hits.length - 1, i + 1));
    else if (event.key === 'ArrowUp') setActive((i) => Math.max(0, i - 1));
    else if (event.key === 'Enter' && hits[active]) onChoose(hits[active].message.id);
    else return;
    event.preventDefault();
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click on the backdrop closes, as Escape does
    // biome-ignore lint/a11y/useKeyWithClickEvents: Escape is handled by the panel's own key handler
    <div
      className="fixed inset-0 z-50 flex items-start justify-center bg-black/30 p-4 pt-16"
      onClick={onClose}
    >
      <div
        role="dialog"
        aria-modal="true"
        aria-label="Search messages"
        data-testid="search-panel"
        onKeyDown={onKeyDown}
        onClick={(event) => event.stopPropagation()}
        className="flex max-h-[80vh] w-full max-w-2xl flex-col overflow-hidden rounded-lg bg-white shadow-2xl dark:bg-slate-900"
      >
        <div className="flex items-center gap-2 border-b border-slate-200 px-3 py-2 dark:border-slate-700">
          <input
            ref={input}
            data-testid="search-input"
            type="search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            placeholder="Search messages — from:ana in:thread before:2026-12-01"
            aria-label="Search messages"
            aria-controls="search-results"
            maxLength={200}
            className="min-w-0 flex-1 bg-transparent py-1 text-sm outline-none"
          />
          <button type="button" aria-label="Close search" onClick={onClose}>
            <X size={16} aria-hidden="true" />
          </button>
        </div>
        <div className="overflow-y-auto" id="search-results">
          {state.kind === 'searching' && <p className="p-3 text-sm text-slate-500">Searching…</p>}
          {state.kind === 'failed' && (
            <p role="alert" className="p-3 text-sm text-red-600">
              {state.message}
            </p>
          )}
          {state.kind === 'done' && hits.length === 0 && (
            <p className="p-3 text-sm text-slate-500" data-testid="search-empty">
              No messages match.
            </p>
          )}
          <ul aria-label="Search results">
            {hits.map((hit, i) => (
              <li key={hit.message.id}>
                <button
                  type="button"
                  data-testid="search-hit"
                  data-message-id={hit.message.id}
                  aria-current={i === active}
                  onMouseEnter={() => setActive(i)}
                  onClick={() => onChoose(hit.message.id)}
                  className={`block w-full px-3 py-2 text-left text-sm ${
                    i === active ? 'bg-sky-50 dark:bg-slate-800' : ''
                  }`}
                >
                  <span className="flex gap-2 text-xs text-slate-500">
                    <span className="font-semibold text-slate-700 dark:text-slate-200">
                      {hit.message.sender}
                    </span>
                    <time dateTime={hit.message.createdAt} title={new Date(hit.message.createdAt).toString()}>
                      {new Date(hit.message.createdAt).toLocaleString()}
                    </time>
                    {hit.message.threadRoot !== undefined && <span>in a thread</span>}
                  </span>
                  <span className="line-clamp-3 whitespace-pre-wrap break-words" data-testid="search-snippet">
                    <Snippet text={hit.snippet} />
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {state.kind === 'done' && state.nextCursor !== null && (
            <button
              type="button"
              data-testid="search-more"
              onClick={loadMore}
              className="w-full px-3 py-2 text-sm text-sky-700 hover:bg-slate-50 dark:text-sky-400 dark:hover:bg-slate-800"
            >
              More results
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
