// Agents (the AI agents): who is on the team with status and current task; admins hire and fire here.

import { useState } from 'react';
import { SMARTNESS, type Smartness } from '../../lib/api-types';
import { useChatStore } from '../../stores/chatStore';
import { trpc } from '../../trpc';
import { DangerButton, EmptyRow } from './TableParts';

export function AgentsCard() {
  const utils = trpc.useUtils();
  const agents = trpc.employees.list.useQuery(undefined, { refetchInterval: 5_000 });
  // Live from the agents' status events: whose last task failed (until the next one starts).
  const people = useChatStore((s) => s.users);
  const refresh = () => Promise.all([utils.employees.invalidate(), utils.tasks.invalidate()]);
  const hire = trpc.employees.hire.useMutation({ onSuccess: refresh });
  const fire = trpc.employees.fire.useMutation({ onSuccess: refresh });
  const [name, setName] = useState('');
  const [role, setRole] = useState('developer');
  const [smartness, setSmartness] = useState<Smartness>('normal');

  const field =
    'rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800';
  return (
    <section
      aria-labelledby="employees-title"
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-700"
    >
      <h2 id="employees-title" className="mb-2 font-semibold">
        Employees
      </h2>
      {agents.error && <p role="alert">{agents.error.message}</p>}
      <table className="w-full text-left text-sm" data-testid="employees-table">
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th className="py-1">Name</th>
            <th>Role</th>
            <th>Status</th>
            <th>Current task</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {agents.data?.map((e) => (
            <tr
              key={e.name}
              data-employee={e.name}
              className="border-t border-slate-100 dark:border-slate-800"
            >
              <td className="py-1 font-medium">{e.name}</td>
              <td>
                {e.role}
                {e.smartness === 'smart' ? ' (smart)' : ''}
              </td>
              <td>
                {e.status === 'idle' && people[e.name]?.failedTask ? (
                  <span className="text-red-700 dark:text-red-400">
                    last task (#{people[e.name]?.failedTask}) failed
                  </span>
                ) : (
                  e.status
                )}
              </td>
              <td className="max-w-xs truncate" title={e.currentTask?.description}>
                {e.currentTask?.description ?? '—'}
              </td>
              <td className="text-right">
                <DangerButton
                  data-testid={`fire-${e.name}`}
                  disabled={fire.isPending}
                  onClick={() => {
                    if (window.confirm(`Fire ${e.name}? Their running task is stopped.`))
                      fire.mutate({ name: e.name });
                  }}
                >
                  Fire
                </DangerButton>
              </td>
            </tr>
          ))}
          {agents.data?.length === 0 && <EmptyRow columns={5}>Nobody hired yet.</EmptyRow>}
        </tbody>
      </table>
      {fire.error && (
        <p role="alert" className="mt-2 text-sm text-red-600 dark:text-red-400">
          {fire.error.message}
        </p>
      )}
      <form
        className="mt-3 flex flex-wrap items-end gap-2"
        aria-label="Hire an employee"
        onSubmit={(event) => {
          event.preventDefault();
          hire.mutate({ name, role, smartness }, { onSuccess: () => setName('') });
        }}
      >
        <label className="flex flex-col text-xs">
          Name
          <input
            data-testid="hire-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            className={field}
          />
        </label>
        <label className="flex flex-col text-xs">
          Role
          <input
            data-testid="hire-role"
            value={role}
            onChange={(e) => setRole(e.target.value)}
            className={field}
          />
        </label>
        <label className="flex flex-col text-xs">
          Smartness
          <select
            value={smartness}
            onChange={(e) => setSmartness(e.target.value as Smartness)}
            className={field}
          >
            {SMARTNESS.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          data-testid="hire-submit"
          disabled={hire.isPending}
          className="rounded-md bg-sky-600 px-3 py-1 text-sm text-white hover:bg-sky-700 disabled:opacity-50"
        >
          Hire
        </button>
      </form>
      {hire.error && (
        <p role="alert" data-testid="hire-error" className="mt-2 text-sm text-red-600 dark:text-red-400">
          {hire.error.message}
        </p>
      )}
    </section>
  );
}
