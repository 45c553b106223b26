// Health: each component checked for real (see ../../health.ts). Public, for load balancers and probes;
// GET /health calls this same procedure (and answers 503 for ?strict=1 when degraded).
import { checkHealth } from '../../health';
import { publicProcedure } from '../init';

export const healthProcedure = publicProcedure.query(({ ctx }) => checkHealth(ctx.services));
