// The connection state, with a live countdown to the next reconnect attempt.
import { useEffect, useState } from 'react';
import { type ConnectionState, useChatStore } from '../../stores/chatStore';

export function connectionLabel(state: ConnectionState, retryAt: number | null, now: number): string {
  if (state === 'connected') return 'Connected';
  if (state === 'connecting') return 'Connecting…';
  if (state === 'offline') return 'Offline';
  if (retryAt !== null && retryAt > now) return `Reconnecting in ${Math.ceil((retryAt - now) / 1000)} s`;
  return 'Reconnecting…';
}

const DOT: Record<ConnectionState, string> = {
  connected: 'bg-emerald-500',
  connecting: 'bg-amber-400 animate-pulse',
  reconnecting: 'bg-amber-500 animate-pulse',
  offline: 'bg-red-500',
};

export function ConnectionStatus() {
  const { state, retryAt, error } = useChatStore((s) => s.connection);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (retryAt === null) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [retryAt]);
  return (
    <output
      data-testid="connection-status"
      data-state={state}
      aria-live="polite"
      title={state === 'connected' ? undefined : (error ?? undefined)}
      className="flex items-center gap-1.5 text-xs text-slate-600 dark:text-slate-300"
    >
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${DOT[state]}`} />
      {connectionLabel(state, retryAt, now)}
    </output>
  );
}
