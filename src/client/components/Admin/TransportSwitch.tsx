// The admin's transport buttons: one per transport this server can actually use; Telegram without its settings is
// explained instead of offered (its switch could only fail).
import type { RouterOutputs } from '../../lib/api-types';

type Info = RouterOutputs['communication']['info'];

interface Props {
  info: Info;
  pending: boolean;
  onSwitch(transport: 'websocket' | 'telegram'): void;
}

export function TransportSwitch({ info, pending, onSwitch }: Props) {
  const telegramReady = info.transports.telegram.configured;
  const offered = (['websocket', 'telegram'] as const).filter((t) => t !== 'telegram' || telegramReady);
  return (
    <>
      <fieldset className="mt-3 flex gap-2">
        <legend className="sr-only">Switch transport</legend>
        {offered.map((t) => (
          <button
            key={t}
            type="button"
            data-testid={`switch-${t}`}
            disabled={pending || info.type === t}
            aria-pressed={info.type === t}
            onClick={() => onSwitch(t)}
            className="rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:hover:bg-slate-800"
          >
            Use {t}
          </button>
        ))}
      </fieldset>
      {!telegramReady && (
        <p data-testid="telegram-unavailable" className="mt-2 text-xs text-slate-500">
          Telegram cannot be used yet: the server has no bot. Set TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID in
          its environment and restart it; a “Use telegram” button then appears here.
        </p>
      )}
    </>
  );
}
