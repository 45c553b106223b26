// Health: each component checked for real (see ../../health.ts). Public, for load balancers and probes, who get
// status per component; operators (admins, METRICS_TOKEN, open mode on this machine) get the details.
// GET /health calls this same procedure (and answers 503 for ?strict=1 when degraded).
import { checkHealth, publicHealth } from '../../health';
import { publicProcedure } from '../init';

export const healthProcedure = publicProcedure.query(async ({ ctx }) => {
  const report = await checkHealth(ctx.services);
  const operator = ctx.operator ?? ctx.user?.role === 'admin';
  return operator ? report : publicHealth(report);
});
