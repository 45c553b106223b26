// The review panel for a task's branch (tasks.diff): its files with +/- lines to jump to, and each file's hunks,
// unified or side by side (remembered). A modal dialog: Esc closes it and focus goes back to what opened it.
import { X } from 'lucide-react';
import { useEffect, useId, useRef } from 'react';
import { trpc } from '../../trpc';
import { DiffFile } from './DiffFile';
import { type DiffLayout, useDiffLayout } from './diff-layout';
import { useHighlighter } from './highlight';

const STATE_LABEL = {
  open: 'open',
  empty: 'no changes',
  merged: 'merged',
  discarded: 'discarded',
  conflict: 'conflict',
} as const;

const LAYOUTS: { value: DiffLayout; label: string }[] = [
  { value: 'unified', label: 'Unified' },
  { value: 'split', label: 'Side by side' },
];

export function DiffPanel({ taskId, onClose }: { taskId: number; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const diff = trpc.tasks.diff.useQuery({ id: taskId }, { staleTime: 5_000 });
  const [layout, setLayout] = useDiffLayout();
  const highlighter = useHighlighter(diff.data?.files.map((f) => f.path));
  const ids = useId();
  useEffect(() => {
    const el = dialog.current;
    if (el && !el.open) el.showModal();
  }, []);
  const data = diff.data;
  const anchor = (i: number) => `${ids}-file-${i}`;

  return (
    <dialog
      ref={dialog}
      data-testid="diff-panel"
      data-layout={layout}
      aria-labelledby={`${ids}-title`}
      onClose={onClose}
      className="m-auto h-[90vh] w-[min(80rem,96vw)] rounded-lg border border-slate-300 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-black/40 open:flex open:flex-col dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100"
    >
      <header className="flex flex-wrap items-start gap-3 border-b border-slate-200 px-4 py-3 dark:border-slate-700">
        <div className="min-w-0 flex-1">
          <h2 id={`${ids}-title`} className="font-semibold">
            Review task #{taskId}
            {data && ` — ${data.employee}`}
          </h2>
          {data && (
            <p className="text-xs text-slate-500" data-testid="diff-panel-branch">
              <span className="font-mono">{data.branch}</span> →{' '}
              <span className="font-mono">{data.base}</span> · {STATE_LABEL[data.state]}
            </p>
          )}
        </div>
        <fieldset className="flex overflow-hidden rounded border border-slate-300 text-xs dark:border-slate-600">
          <legend className="sr-only">Layout</legend>
          {LAYOUTS.map((l) => (
            <button
              key={l.value}
              type="button"
              aria-pressed={layout === l.value}
              data-testid={`diff-layout-${l.value}`}
              onClick={() => setLayout(l.value)}
              className={`px-2 py-1 ${
                layout === l.value
                  ? 'bg-slate-800 text-white dark:bg-slate-200 dark:text-slate-900'
                  : 'hover:bg-slate-100 dark:hover:bg-slate-800'
              }`}
            >
              {l.label}
            </button>
          ))}
        </fieldset>
        <button
          type="button"
          onClick={() => dialog.current?.close()}
          aria-label="Close review"
          data-testid="diff-panel-close"
          className="rounded p-1 hover:bg-slate-100 dark:hover:bg-slate-800"
        >
          <X size={16} aria-hidden="true" />
        </button>
      </header>
      <div className="flex min-h-0 flex-1">
        {data && data.files.length > 0 && (
          <nav
            aria-label="Files changed"
            className="hidden w-64 shrink-0 overflow-auto border-r border-slate-200 p-2 text-xs md:block dark:border-slate-700"
          >
            <ul data-testid="diff-file-list" className="space-y-0.5">
              {data.files.map((f, i) => (
                <li key={f.path}>
                  <a
                    href={`#${anchor(i)}`}
                    onClick={(e) => {
                      e.preventDefault();
                      const target = document.getElementById(anchor(i));
                      target?.scrollIntoView({ block: 'start' });
                      target?.focus();
                    }}
                    className="flex gap-1 rounded px-1 py-0.5 font-mono hover:bg-slate-100 dark:hover:bg-slate-800"
                  >
                    <span className="min-w-0 flex-1 truncate" title={f.path}>
                      {f.path}
                    </span>
                    <span className="text-emerald-700 dark:text-emerald-400">+{f.additions}</span>
                    <span className="text-red-700 dark:text-red-400">-{f.deletions}</span>
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div className="min-w-0 flex-1 space-y-3 overflow-auto p-3">
          {diff.isPending && <p className="text-sm text-slate-500">Loading the diff…</p>}
          {diff.error && (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400">
              {diff.error.message}
            </p>
          )}
          {data && data.files.length === 0 && (
            <p className="text-sm text-slate-500">This branch changes no files against {data.base}.</p>
          )}
          {data?.files.map((f, i) => (
            <DiffFile
              key={f.path}
              file={f}
              anchor={anchor(i)}
              layout={layout}
              highlight={highlighter?.(f.path) ?? null}
            />
          ))}
        </div>
      </div>
    </dialog>
  );
}
