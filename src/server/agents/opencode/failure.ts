// opencode's errors in plain words for the chat (the provider's real reason, never "Unexpected server error");
// the raw error stays in the task log for operators.
import { clip } from '../voice';

// biome-ignore lint/suspicious/noExplicitAny: opencode's error union is read field by field
type AnyError = { name?: string; data?: any } | undefined;

export interface FailureContext {
  /** The model the task used (`provider/model`), if known. */
  model: string | null;
  /** The models opencode offers, for "unknown model" messages. */
  models: string[];
  /** Where the provider is reached (its baseURL), for "could not reach" messages. */
  endpoint: string | null;
}

/** A sentence for people about why the model step failed. */
export function plainFailure(error: AnyError, ctx: FailureContext): string {
  const data = error?.data ?? {};
  const message = String(data.message ?? error?.name ?? 'unknown error');
  const status = Number(data.statusCode ?? 0);
  if (error?.name === 'ProviderAuthError' || status === 401 || status === 403)
    return `the model provider refused the API key (HTTP ${status || 401}: ${clip(message, 120)})`;
  const notFound = /Model not found: ([^\s.]+(?:\.[^\s.]+)*)/.exec(message);
  if (notFound || /ModelNotFound/.test(message))
    return unknownModel(notFound?.[1] ?? ctx.model ?? 'the model', ctx.models);
  if (status === 429) return `the model provider is rate-limiting us (HTTP 429: ${clip(message, 120)})`;
  if (status >= 500) return `the model provider failed (HTTP ${status}: ${clip(message, 120)})`;
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|Unable to connect|Cannot connect|fetch failed|connect/i.test(message))
    return unreachable({ ...ctx, endpoint: ctx.endpoint ?? originOf(data.metadata?.url) }, message);
  if (error?.name === 'MessageOutputLengthError') return 'the model hit its output length limit';
  if (error?.name === 'ContextOverflowError') return "the conversation no longer fits in the model's context";
  return `the model provider reported: ${clip(message, 200)}`;
}

/** `https://host[:port]` of a URL opencode reports with the error (its own providers have no baseURL to show). */
function originOf(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

export function unknownModel(model: string, models: string[]): string {
  const list = models.length ? models.slice(0, 12).join(', ') + (models.length > 12 ? ', …' : '') : 'none';
  return `the model ${model} is not available (available: ${list})`;
}

export function unreachable(ctx: FailureContext, message: string): string {
  return `could not reach the model provider${ctx.endpoint ? ` at ${ctx.endpoint}` : ''} (${clip(message, 120)})`;
}

export function noAnswer(ctx: FailureContext, seconds: number, retry: string | null): string {
  return `the model provider did not answer within ${seconds} s${ctx.endpoint ? ` (tried ${ctx.endpoint})` : ''}${
    retry ? `: ${clip(retry, 120)}` : ''
  }`;
}
