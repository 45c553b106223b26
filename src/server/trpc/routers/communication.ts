// communication.*: the active transport, its figures, and the admin's runtime switch.
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { auditedProcedure } from '../audited';
import { authedProcedure } from '../init';

export const switchInputSchema = z.object({
  transport: z.enum(['websocket', 'telegram'], { error: 'transport must be websocket or telegram' }),
});

export const communicationRouter = {
  info: authedProcedure.query(({ ctx }) => ctx.services.transports.info()),
  stats: authedProcedure.query(({ ctx }) => ctx.services.transports.stats()),
  switch: auditedProcedure
    .input(switchInputSchema)
    .mutation(({ ctx, input }) => ctx.services.transports.switch(input.transport)),
} satisfies TRPCRouterRecord;
