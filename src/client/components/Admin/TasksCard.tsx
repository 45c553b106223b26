// Tasks: the latest tasks with their state; running ones can be stopped, any one's log opened.

import { useState } from 'react';
import { ACTIVE_TASK } from '../../lib/api-types';
import { trpc } from '../../trpc';
import { TaskLogDialog } from '../Tasks/TaskLogDialog';
import { DangerButton, EmptyRow } from './TableParts';

export function TasksCard() {
  const utils = trpc.useUtils();
  const tasks = trpc.tasks.list.useQuery({ limit: 50 }, { refetchInterval: 3_000 });
  const stop = trpc.tasks.stop.useMutation({ onSuccess: () => utils.tasks.invalidate() });
  const [logTask, setLogTask] = useState<number | null>(null);
  return (
    <section
      aria-labelledby="tasks-title"
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-700"
    >
      <h2 id="tasks-title" className="mb-2 font-semibold">
        Tasks
      </h2>
      {tasks.error && <p role="alert">{tasks.error.message}</p>}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="tasks-table">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="py-1">#</th>
              <th>Employee</th>
              <th>Task</th>
              <th>State</th>
              <th>By</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tasks.data?.map((t) => (
              <tr
                key={t.id}
                data-task-id={t.id}
                data-status={t.status}
                className="border-t border-slate-100 dark:border-slate-800"
              >
                <td className="py-1">{t.id}</td>
                <td>{t.employee}</td>
                <td className="max-w-xs truncate" title={t.description}>
                  {t.description}
                </td>
                <td title={t.reason ?? undefined}>
                  {t.status}
                  {t.progress && t.status === 'running' ? ` — ${t.progress}` : ''}
                </td>
                <td>{t.assignedBy}</td>
                <td className="whitespace-nowrap text-right">
                  <button
                    type="button"
                    onClick={() => setLogTask(t.id)}
                    className="rounded px-2 py-0.5 hover:bg-slate-100 dark:hover:bg-slate-800"
                  >
                    Log
                  </button>
                  {(t.status === 'running' || t.status === 'stuck') && (
                    <DangerButton
                      data-testid={`stop-task-${t.id}`}
                      disabled={stop.isPending}
                      onClick={() => stop.mutate({ employee: t.employee })}
                    >
                      Stop
                    </DangerButton>
                  )}
                </td>
              </tr>
            ))}
            {tasks.data?.length === 0 && (
              <EmptyRow columns={6}>
                No tasks yet: mention an employee with something to do, e.g. “@ada please add a login form”.
              </EmptyRow>
            )}
          </tbody>
        </table>
      </div>
      <p className="mt-1 text-xs text-slate-500">
        {tasks.data?.filter((t) => ACTIVE_TASK.includes(t.status)).length ?? 0} active or queued
      </p>
      {stop.error && (
        <p role="alert" className="mt-2 text-sm text-red-600 dark:text-red-400">
          {stop.error.message}
        </p>
      )}
      {logTask !== null && <TaskLogDialog taskId={logTask} onClose={() => setLogTask(null)} />}
    </section>
  );
}
