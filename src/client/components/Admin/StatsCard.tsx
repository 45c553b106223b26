// Figures from communication.stats: messages per hour (chart), by origin, connections, errors, uptime. History
// (messages, rate-limit hits, errors, reply times) comes from the database and survives restarts; connections and
// uptime are this server process's.
import { trpc } from '../../trpc';
import { PerHourChart } from './PerHourChart';

export function StatsCard() {
  const stats = trpc.communication.stats.useQuery(undefined, { refetchInterval: 10_000 });
  const data = stats.data;
  return (
    <section
      aria-labelledby="stats-title"
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-700"
    >
      <div className="mb-2 flex items-center justify-between">
        <h2 id="stats-title" className="font-semibold">
          Statistics
        </h2>
        <button
          type="button"
          data-testid="stats-refresh"
          onClick={() => void stats.refetch()}
          disabled={stats.isFetching}
          className="rounded px-2 py-0.5 text-sm hover:bg-slate-100 disabled:opacity-50 dark:hover:bg-slate-800"
        >
          Refresh
        </button>
      </div>
      {stats.error && <p role="alert">{stats.error.message}</p>}
      {data && (
        <>
          <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
            <dt className="text-slate-500">Messages</dt>
            <dd data-testid="stats-total">{data.messages.total}</dd>
            <dt className="text-slate-500">Connections</dt>
            <dd>{data.websocket.connections}</dd>
            <dt className="text-slate-500">Rate-limit hits (all time)</dt>
            <dd data-testid="stats-rate-limit-hits">{data.rateLimitHits}</dd>
            <dt className="text-slate-500">Errors (all time)</dt>
            <dd>{data.errors}</dd>
            <dt className="text-slate-500">Telegram outbox</dt>
            <dd>{data.outboxDepth}</dd>
            <dt
              className="text-slate-500"
              title="From a mention to the agent's first reply, last 1000 replies"
            >
              Agent reply p50 / p99
            </dt>
            <dd data-testid="stats-agent-latency">
              {data.agents?.responseLatency.count
                ? `${data.agents.responseLatency.p50Ms} / ${data.agents.responseLatency.p99Ms} ms`
                : 'no replies yet'}
            </dd>
            <dt className="text-slate-500">Uptime</dt>
            <dd>{Math.round(data.uptimeSeconds / 60)} min</dd>
          </dl>
          <h3 className="mt-4 text-sm font-medium">Messages per hour (24 h)</h3>
          <PerHourChart perHour={data.messages.perHour} />
          <h3 className="mt-4 text-sm font-medium">By origin</h3>
          <ul className="text-sm" data-testid="stats-by-origin">
            {Object.entries(data.messages.byOrigin).map(([origin, count]) => (
              <li key={origin}>
                {origin}: {count}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
