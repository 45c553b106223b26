// A task's full worker log (tasks.log) in a modal dialog; refreshed while the task is still going.
import { X } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { ACTIVE_TASK } from '../../lib/api-types';
import { trpc } from '../../trpc';

export function TaskLogDialog({ taskId, onClose }: { taskId: number; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const log = trpc.tasks.log.useQuery(
    { id: taskId, limit: 5000 },
    {
      refetchInterval: (query) =>
        query.state.data && ACTIVE_TASK.includes(query.state.data.task.status) ? 2_000 : false,
    },
  );
  useEffect(() => {
    const el = dialog.current;
    if (el && !el.open) el.showModal();
  }, []);
  const task = log.data?.task;
  return (
    <dialog
      ref={dialog}
      data-testid="task-log"
      aria-labelledby="task-log-title"
      onClose={onClose}
      className="m-auto w-[min(56rem,95vw)] rounded-lg border border-slate-300 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-black/40 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100"
    >
      <header className="flex items-start gap-3 border-b border-slate-200 px-4 py-3 dark:border-slate-700">
        <div className="min-w-0 flex-1">
          <h2 id="task-log-title" className="font-semibold">
            Task #{taskId}
            {task && ` — ${task.employee}: ${task.description}`}
          </h2>
          {task && (
            <p className="text-xs text-slate-500" data-testid="task-log-status">
              {task.status}
              {task.exitCode !== null && ` (exit ${task.exitCode})`}
              {task.reason && ` — ${task.reason}`}
            </p>
          )}
        </div>
        <button
          type="button"
          onClick={() => dialog.current?.close()}
          aria-label="Close log"
          className="rounded p-1 hover:bg-slate-100 dark:hover:bg-slate-800"
        >
          <X size={16} aria-hidden="true" />
        </button>
      </header>
      <div className="max-h-[70vh] overflow-auto p-4">
        {log.error && <p role="alert">{log.error.message}</p>}
        {log.data && log.data.lines.length === 0 && <p className="text-sm text-slate-500">No output yet.</p>}
        {log.data && log.data.lines.length > 0 && (
          <pre className="whitespace-pre-wrap break-words font-mono text-xs leading-5">
            {log.data.lines.map((line) => (
              <div
                key={line.id}
                className={line.stream === 'stderr' ? 'text-red-700 dark:text-red-400' : undefined}
              >
                {line.line}
              </div>
            ))}
          </pre>
        )}
      </div>
    </dialog>
  );
}
