// Under a message that belongs to an agent task: its state and a button opening the full log.
import { ScrollText } from 'lucide-react';
import type { Task } from '../../lib/api-types';

const STYLE: Record<Task['status'], string> = {
  queued: 'text-slate-600 dark:text-slate-300',
  running: 'text-sky-700 dark:text-sky-300',
  stuck: 'text-amber-700 dark:text-amber-300',
  done: 'text-emerald-700 dark:text-emerald-300',
  failed: 'text-red-700 dark:text-red-400',
  cancelled: 'text-slate-500',
  interrupted: 'text-amber-700 dark:text-amber-300',
};

export function TaskBadge({ task, onOpenLog }: { task: Task; onOpenLog(id: number): void }) {
  return (
    <div className="mt-1 flex items-center gap-2 text-xs" data-testid="task-badge" data-task-id={task.id}>
      <span className={STYLE[task.status]}>
        Task #{task.id} · {task.employee} · {task.status}
        {task.progress && task.status === 'running' ? ` — ${task.progress}` : ''}
      </span>
      <button
        type="button"
        data-testid="open-task-log"
        onClick={() => onOpenLog(task.id)}
        className="flex items-center gap-1 rounded border border-slate-300 px-1.5 py-0.5 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
      >
        <ScrollText size={12} aria-hidden="true" /> Log
      </button>
    </div>
  );
}
