// The active transport, why it was chosen, and the admin's runtime switch (communication.switch).
import { trpc } from '../../trpc';
import { TransportSwitch } from './TransportSwitch';

export function TransportCard() {
  const utils = trpc.useUtils();
  const info = trpc.communication.info.useQuery(undefined, { refetchInterval: 5_000 });
  const switchTo = trpc.communication.switch.useMutation({
    onSuccess: () => utils.communication.invalidate(),
  });
  const data = info.data;
  return (
    <section
      aria-labelledby="transport-title"
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-700"
    >
      <h2 id="transport-title" className="mb-2 font-semibold">
        Transport
      </h2>
      {info.error && <p role="alert">{info.error.message}</p>}
      {data && (
        <>
          <p className="text-sm">
            Active: <strong data-testid="active-transport">{data.type}</strong>{' '}
            <span className="text-slate-500">(chosen by {data.detectedBy})</span>
          </p>
          {data.reason && <p className="mt-1 text-sm text-amber-700 dark:text-amber-400">{data.reason}</p>}
          <ul className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            <li>
              WebSocket: {data.transports.websocket.connections} connections,{' '}
              {data.transports.websocket.users.length} people
            </li>
            <li data-testid="telegram-status">
              Telegram:{' '}
              {data.transports.telegram.configured
                ? `${data.transports.telegram.connected ? 'connected' : 'not connected'}${
                    data.transports.telegram.botUsername ? ` as @${data.transports.telegram.botUsername}` : ''
                  }, outbox ${data.transports.telegram.outboxDepth ?? 0}`
                : 'not configured (TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_ID)'}
              {data.transports.telegram.lastError && ` — last error: ${data.transports.telegram.lastError}`}
            </li>
            <li>
              Legacy JSON clients: {data.transports.legacy.connections} on {data.transports.legacy.path}
            </li>
          </ul>
          <TransportSwitch
            info={data}
            pending={switchTo.isPending}
            onSwitch={(transport) => switchTo.mutate({ transport })}
          />
          {switchTo.error && (
            <p
              role="alert"
              data-testid="switch-error"
              className="mt-2 text-sm text-red-600 dark:text-red-400"
            >
              {switchTo.error.message}
            </p>
          )}
        </>
      )}
    </section>
  );
}
