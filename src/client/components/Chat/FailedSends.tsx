// Own messages the server refused (not the rate limit or a dropped connection: those wait and go by themselves),
// above the composer with the reason, Retry (same clientId, so never stored twice) and Discard.
import { RotateCw, Trash2 } from 'lucide-react';
import { useChatStore } from '../../stores/chatStore';

function preview(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function FailedSends() {
  const pending = useChatStore((s) => s.pending);
  const failed = pending.filter((p) => p.status === 'failed');
  if (failed.length === 0) return null;
  return (
    <ul data-testid="failed-sends" aria-label="Messages not sent" className="mb-2 space-y-1">
      {failed.map((p) => (
        <li
          key={p.tempId}
          data-testid="failed-send"
          data-temp-id={p.tempId}
          className="flex items-center gap-2 rounded border border-red-300 bg-red-50 px-2 py-1 text-sm dark:border-red-800 dark:bg-red-950/40"
        >
          <span className="min-w-0 flex-1 truncate" role="alert">
            <span className="font-semibold text-red-700 dark:text-red-300">Not sent:</span> “{preview(p.text)}
            ”{p.error ? <span className="text-red-700 dark:text-red-300"> — {p.error}</span> : null}
          </span>
          <button
            type="button"
            data-testid="retry-send"
            onClick={() => useChatStore.getState().retryPending(p.tempId)}
            className="flex items-center gap-1 rounded px-2 py-0.5 text-xs hover:bg-red-100 dark:hover:bg-red-900/40"
          >
            <RotateCw size={12} aria-hidden="true" /> Retry
          </button>
          <button
            type="button"
            data-testid="discard-send"
            onClick={() => useChatStore.getState().dropPending(p.tempId)}
            className="flex items-center gap-1 rounded px-2 py-0.5 text-xs hover:bg-red-100 dark:hover:bg-red-900/40"
          >
            <Trash2 size={12} aria-hidden="true" /> Discard
          </button>
        </li>
      ))}
    </ul>
  );
}
