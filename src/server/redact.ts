// Keeps secrets out of what the server says (responses, log lines, the start-up banner): URL passwords and the
// configured secret values are replaced before text leaves the process.
import type { Config } from './config';

const CENSOR = '[redacted]';

/** `postgres://user:pass@host/db` -> `postgres://user:[redacted]@host/db`; anything else is returned as is. */
export function redactUrl(url: string): string {
  return url.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]*):([^/\s@]*)@/gi, `$1$2:${CENSOR}@`);
}

function databasePassword(url: string | undefined): string | undefined {
  if (!url?.includes('://')) return undefined;
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}

/** The configured values that must never be shown, longest first (so a secret containing another goes whole). */
function secretValues(config: Partial<Config>): string[] {
  const values = [
    databasePassword(config.DATABASE_URL),
    config.AUTH_SECRET,
    config.METRICS_TOKEN,
    config.TELEGRAM_BOT_TOKEN,
    config.OPENAI_API_KEY,
  ];
  return values
    .filter((v): v is string => typeof v === 'string' && v.length >= 4)
    .sort((a, b) => b.length - a.length);
}

/** Text safe to show: configured secrets (and the database password) censored, URL passwords hidden. */
export function redactSecrets(text: string, config: Partial<Config>): string {
  let out = text;
  for (const secret of secretValues(config)) out = out.split(secret).join(CENSOR);
  return redactUrl(out);
}
