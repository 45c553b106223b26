// The grammY client the bridge uses: our observer (counts 429s), the throttler plugin, the auto-retry plugin.
import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { Bot, GrammyError, HttpError } from 'grammy';
import type { Config } from '../../config';

export interface ApiObserver {
  /** Every raw 429 answer, including those auto-retry then waits out. */
  onRateLimited(retryAfterSeconds: number): void;
  onOk(): void;
}

export function createBot(config: Config, token: string, observer: ApiObserver): Bot {
  const bot = new Bot(token, { client: { apiRoot: config.TELEGRAM_API_ROOT } });
  // Installed first = innermost: sees each raw answer before the plugins retry it.
  bot.api.config.use(async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (result.ok) observer.onOk();
    else if (result.error_code === 429) observer.onRateLimited(result.parameters?.retry_after ?? 1);
    return result;
  });
  const interval = config.TELEGRAM_SEND_INTERVAL_MS;
  const perMinute = config.TELEGRAM_GROUP_PER_MINUTE;
  bot.api.config.use(
    apiThrottler({
      // Bot-wide: Telegram's ~30 messages per second.
      global: {
        reservoir: config.TELEGRAM_GLOBAL_PER_SECOND,
        reservoirRefreshAmount: config.TELEGRAM_GLOBAL_PER_SECOND,
        reservoirRefreshInterval: 1000,
      },
      group: {
        maxConcurrent: 1,
        minTime: interval,
        reservoir: perMinute,
        reservoirRefreshAmount: perMinute,
        reservoirRefreshInterval: 60_000,
      },
      out: { maxConcurrent: 1, minTime: interval },
    }),
  );
  // 429s wait `retry_after` here; network errors and 5xx are thrown to the outbox, which backs off itself
  // (auto-retry's own backoff starts at 3 s and cannot be shortened for tests).
  bot.api.config.use(
    autoRetry({
      maxRetryAttempts: 3,
      maxDelaySeconds: 300,
      rethrowHttpErrors: true,
      rethrowInternalServerErrors: true,
    }),
  );
  return bot;
}

/** One line for people: what went wrong talking to Telegram (logged, stored, shown: never with the token). */
export function describeTelegramError(error: unknown): string {
  if (error instanceof GrammyError) return `${error.method}: ${error.error_code} ${error.description}`;
  if (error instanceof HttpError) {
    const cause = error.error instanceof Error ? error.error.message : String(error.error);
    return redactBotToken(`network error: ${cause}`);
  }
  return redactBotToken(error instanceof Error ? error.message : String(error));
}

/** Network errors quote the request URL, and the Bot API puts the token in it: /bot<id>:<secret>/method. */
export function redactBotToken(text: string): string {
  return text.replace(/\/bot\d+:[A-Za-z0-9_-]+/g, '/bot[redacted]');
}

// grammY's Node build types its signals with the abort-controller polyfill; Node's own is the same at run time.
type GrammySignal = Parameters<Bot['api']['getMe']>[0];

/** An abort signal as grammY's API methods take it. */
export function grammySignal(signal: AbortSignal): GrammySignal {
  return signal as unknown as GrammySignal;
}

/** Retry delay for attempt n (1-based): base * 2^(n-1), capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 20));
}

/** A sleep that a stop cuts short. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
