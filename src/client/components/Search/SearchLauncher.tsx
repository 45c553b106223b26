// The search button in the header and Ctrl+K (⌘K): opens the search panel, whose code (and its list of results) is a
// chunk of its own, fetched the first time someone searches.
import { Search } from 'lucide-react';
import { lazy, Suspense, useEffect, useState } from 'react';
import type { ChatConnection } from '../../lib/chat-connection';

const SearchPanel = lazy(() => import('./SearchPanel').then((m) => ({ default: m.SearchPanel })));

interface Props {
  connection: ChatConnection;
  /** Shows a message in the conversation, loading its page however old it is. */
  onJump(id: number): void;
}

export function SearchLauncher({ connection, onJump }: Props) {
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        // The browser's own Ctrl+K focuses its address bar: the chat's search is what a Slack user means.
        event.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <>
      <button
        type="button"
        data-testid="open-search"
        onClick={() => setOpen(true)}
        aria-label="Search messages (Ctrl+K)"
        title="Search messages (Ctrl+K)"
        className="rounded p-1 hover:bg-slate-100 dark:hover:bg-slate-800"
      >
        <Search size={16} aria-hidden="true" />
      </button>
      {open && (
        <Suspense fallback={null}>
          <SearchPanel
            connection={connection}
            onClose={() => setOpen(false)}
            onChoose={(id) => {
              setOpen(false);
              onJump(id);
            }}
          />
        </Suspense>
      )}
    </>
  );
}
