// Procedures that leave a row in the audit log: who called which procedure, with what, and how it ended.
import type { Services } from '../services';
import { adminProcedure, authedProcedure } from './init';

/** Input fields naming what an admin action is about, in the order they are looked for. */
const TARGET_FIELDS = ['transport', 'name', 'employee', 'user', 'task', 'taskId', 'id'];
/** Audit rows keep inputs small: a longer one is cut (nothing an admin sends should need more). */
const MAX_DETAIL_CHARS = 2000;

function describe(input: unknown): { target: string | null; details: Record<string, unknown> } {
  if (typeof input !== 'object' || input === null) return { target: null, details: {} };
  const record = input as Record<string, unknown>;
  const field = TARGET_FIELDS.find((name) => ['string', 'number'].includes(typeof record[name]));
  const json = JSON.stringify(record);
  const details = json.length > MAX_DETAIL_CHARS ? { truncated: json.slice(0, MAX_DETAIL_CHARS) } : record;
  return { target: field ? String(record[field]) : null, details };
}

interface Call {
  services: Services;
  actor: string;
  action: string;
  input: unknown;
  result: { ok: true } | { ok: false; error: { message: string } };
}

async function record({ services, actor, action, input, result }: Call): Promise<void> {
  const { target, details } = describe(input);
  try {
    await services.audit.record({
      actor,
      action,
      target,
      details,
      outcome: result.ok ? 'ok' : 'error',
      error: result.ok ? null : result.error.message,
    });
  } catch (error) {
    // The action itself has happened (or failed) already; a lost audit row must not change its answer.
    services.logger.error({ err: error, action, actor }, 'audit log write failed');
  }
}

/** Admin-only and audited: communication.switch, employees.hire, employees.fire. */
export const auditedProcedure = adminProcedure.use(async ({ ctx, path, getRawInput, next }) => {
  const result = await next();
  const input = await getRawInput().catch(() => undefined);
  await record({ services: ctx.services, actor: ctx.user.id, action: path, input, result });
  return result;
});

/** Signed-in and audited, for actions the service authorises itself (tasks.stop: admin or the assigner). */
export const auditedAuthedProcedure = authedProcedure.use(async ({ ctx, path, getRawInput, next }) => {
  const result = await next();
  const input = await getRawInput().catch(() => undefined);
  await record({ services: ctx.services, actor: ctx.user.id, action: path, input, result });
  return result;
});
