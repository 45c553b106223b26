// The live card under an agent's acknowledgement: status, current step, recent tool calls, todo list, elapsed
// time, tokens and cost, Stop for whoever may stop it, buttons for the agent's open questions and permissions, and
// the task's git branch (review, merge, discard) once it has one.
import { Check, Circle, CircleDot, Loader2, Square, X } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import {
  type CardTool,
  cardState,
  elapsedMs,
  formatElapsed,
  formatTokens,
  shownStatus,
} from '../../../shared/task-card';
import type { Task } from '../../lib/api-types';
import { useChatStore } from '../../stores/chatStore';
import { trpc } from '../../trpc';
import { BranchSummary } from './BranchSummary';
import { TaskAsk } from './TaskCardAsk';
import { useTaskTimeline, useTimelineStore } from './useTaskTimeline';

const ACTIVE = ['queued', 'running', 'stuck'];

const TOOL_ICON: Record<CardTool['state'], React.ReactNode> = {
  pending: <Circle size={12} aria-hidden="true" className="text-slate-400" />,
  running: <Loader2 size={12} aria-hidden="true" className="animate-spin text-sky-600" />,
  completed: <Check size={12} aria-hidden="true" className="text-emerald-600" />,
  error: <X size={12} aria-hidden="true" className="text-red-600" />,
};

const TODO_ICON = {
  pending: <Circle size={12} aria-hidden="true" className="text-slate-400" />,
  in_progress: <CircleDot size={12} aria-hidden="true" className="text-sky-600" />,
  completed: <Check size={12} aria-hidden="true" className="text-emerald-600" />,
  cancelled: <X size={12} aria-hidden="true" className="text-slate-400" />,
} as const;

const RESULT_LABEL = {
  done: '✅ done',
  failed: '❌ failed',
  stopped: '⏹ stopped',
  interrupted: '⚠️ interrupted',
};

/** Ticks once a second while `on`, so the elapsed time moves. */
function useNow(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [on]);
  return now;
}

export function TaskCard({ task }: { task: Task }) {
  const updates = useTaskTimeline(task.id);
  const card = useMemo(() => cardState(updates), [updates]);
  const me = useChatStore((s) => s.me);
  const status = shownStatus(card, task.status);
  const active = !card.result && ACTIVE.includes(status);
  const now = useNow(active && card.startedAt !== null);
  const utils = trpc.useUtils();
  const stop = trpc.tasks.stop.useMutation({ onSuccess: () => utils.tasks.list.invalidate() });
  const mayStop = me !== null && (me.role === 'admin' || me.id === task.assignedBy);
  const elapsed = elapsedMs(card, now);
  // The branch as it stands now, also after a later task (a continuation) worked on it.
  const latest = useTimelineStore((s) => (card.branch ? s.branches[card.branch.branch]?.event : undefined));
  const branch = latest?.kind === 'branch' ? latest : card.branch;

  return (
    <section
      data-testid="task-card"
      data-task-id={task.id}
      data-status={status}
      aria-label={`Task #${task.id} for ${task.employee}: ${status}`}
      className="mt-1 max-w-xl rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-xs dark:border-slate-700 dark:bg-slate-800/60"
    >
      <header className="flex items-center gap-2">
        <span className="font-medium" data-testid="task-card-status">
          {card.result ? RESULT_LABEL[card.result.status] : status}
        </span>
        <span className="min-w-0 flex-1 truncate text-slate-500">{task.description}</span>
        {elapsed !== null && (
          <span data-testid="task-card-elapsed" className="tabular-nums text-slate-500">
            {formatElapsed(elapsed)}
          </span>
        )}
        {active && mayStop && status !== 'queued' && (
          <button
            type="button"
            data-testid="task-card-stop"
            disabled={stop.isPending}
            onClick={() => stop.mutate({ employee: task.employee })}
            className="flex items-center gap-1 rounded border border-slate-300 px-1.5 py-0.5 hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:hover:bg-slate-700"
          >
            <Square size={10} aria-hidden="true" /> Stop
          </button>
        )}
      </header>
      {stop.error && <p className="text-red-700 dark:text-red-400">{stop.error.message}</p>}
      {card.retry && !card.result && (
        <p data-testid="task-card-retry" className="text-amber-700 dark:text-amber-300">
          Retrying (attempt {card.retry.attempt}): {card.retry.message}
        </p>
      )}
      {active && card.step && (
        <p data-testid="task-card-step" className="truncate text-slate-700 dark:text-slate-200">
          {card.step}
        </p>
      )}
      {card.result?.summary && (
        <p data-testid="task-card-summary" className="whitespace-pre-line text-slate-700 dark:text-slate-200">
          {card.result.summary}
        </p>
      )}
      {card.tools.length > 0 && (
        <ul data-testid="task-card-tools" className="mt-1 space-y-0.5">
          {card.tools.map((t) => (
            <li key={t.callId} data-state={t.state} className="flex items-center gap-1">
              {TOOL_ICON[t.state]}
              <span className="truncate">{t.title ?? t.tool}</span>
              {t.error && <span className="truncate text-red-700 dark:text-red-400">— {t.error}</span>}
            </li>
          ))}
        </ul>
      )}
      {card.todos.length > 0 && (
        <ul data-testid="task-card-todos" className="mt-1 space-y-0.5">
          {card.todos.map((t, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the list is replaced whole; position is identity here.
            <li key={i} data-state={t.status} className="flex items-center gap-1">
              {TODO_ICON[t.status]}
              <span className={t.status === 'completed' ? 'line-through text-slate-500' : ''}>
                {t.content}
              </span>
            </li>
          ))}
        </ul>
      )}
      {branch && <BranchSummary task={task} branch={branch} running={active} />}
      {!branch && card.result?.files && card.result.files.length > 0 && (
        <ul data-testid="task-card-files" className="mt-1 font-mono">
          {card.result.files.map((f) => (
            <li key={f.path}>
              {f.path} <span className="text-emerald-700">+{f.additions}</span>{' '}
              <span className="text-red-700">-{f.deletions}</span>
            </li>
          ))}
        </ul>
      )}
      {card.asks.map((ask) => (
        <TaskAsk key={ask.askId} taskId={task.id} ask={ask} />
      ))}
      {(card.tokens || card.cost !== null) && (
        <p data-testid="task-card-usage" className="mt-1 text-slate-500">
          {card.tokens && formatTokens(card.tokens)}
          {card.cost !== null && ` · $${card.cost.toFixed(4)}`}
        </p>
      )}
    </section>
  );
}
