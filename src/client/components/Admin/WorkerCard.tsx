// The coding agent the tasks run on (Admin → Agents): opencode's state, version, models and the last error —
// the reason behind "no coding agent is set up" in the chat.

import { trpc } from '../../trpc';

/** What tasks.worker says (for admins). */
export interface WorkerView {
  mode: 'opencode' | 'command';
  opencode: {
    state: string;
    attached: boolean;
    version: string | null;
    models: string[];
    defaultModel: string | null;
    lastError: string | null;
    startMs: number | null;
  } | null;
}

export function WorkerCard() {
  const worker = trpc.tasks.worker.useQuery(undefined, { refetchInterval: 10_000 });
  return (
    <section
      aria-labelledby="agents-title"
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-700"
    >
      <h2 id="agents-title" className="mb-2 font-semibold">
        Agents
      </h2>
      {worker.error && <p role="alert">{worker.error.message}</p>}
      {worker.data && <WorkerDetails worker={worker.data} />}
    </section>
  );
}

export function WorkerDetails({ worker }: { worker: WorkerView }) {
  const info = worker.opencode;
  if (worker.mode === 'command')
    return <p className="text-sm">Tasks run the command in AGENT_WORKER_COMMAND (command mode).</p>;
  if (!info) return null;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" data-testid="agents-worker">
      <dt className="text-slate-500">opencode</dt>
      <dd>
        {info.state}
        {info.attached ? ' (attached: OPENCODE_URL)' : ''}
        {info.version ? ` · ${info.version}` : ''}
        {info.startMs !== null ? ` · started in ${(info.startMs / 1000).toFixed(1)} s` : ''}
      </dd>
      <dt className="text-slate-500">models</dt>
      <dd>
        {info.models.length ? info.models.join(', ') : 'none reported yet'}
        {info.defaultModel ? ` (default ${info.defaultModel})` : ''}
      </dd>
      {info.lastError && (
        <>
          <dt className="text-slate-500">last error</dt>
          <dd role="alert" className="text-red-700 dark:text-red-400">
            {info.lastError}
          </dd>
        </>
      )}
    </dl>
  );
}
