// Admin procedures that leave a row in the audit log: who called which procedure, with what, and how it ended.
import { adminProcedure } from './init';

/** Input fields naming what an admin action is about, in the order they are looked for. */
const TARGET_FIELDS = ['transport', 'name', 'employee', 'task', 'taskId', 'id'];
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

/** Use instead of adminProcedure for actions to audit (communication.switch, employees.hire/fire, tasks.stop). */
export const auditedProcedure = adminProcedure.use(async ({ ctx, path, getRawInput, next }) => {
  const result = await next();
  const { target, details } = describe(await getRawInput().catch(() => undefined));
  try {
    await ctx.services.audit.record({
      actor: ctx.user.id,
      action: path,
      target,
      details,
      outcome: result.ok ? 'ok' : 'error',
      error: result.ok ? null : result.error.message,
    });
  } catch (error) {
    // The action itself has happened (or failed) already; a lost audit row must not change its answer.
    ctx.services.logger.error({ err: error, action: path, actor: ctx.user.id }, 'audit log write failed');
  }
  return result;
});
