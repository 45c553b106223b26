// Agents: the AI agents on the team. Anyone signed in may list them; only admins hire and fire.
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { agentNameSchema, hireInputSchema } from '../../agents/schemas';
import { auditedProcedure } from '../audited';
import { authedProcedure } from '../init';

export const employeesRouter = {
  list: authedProcedure.query(({ ctx }) => ctx.services.agents.list()),

  hire: auditedProcedure
    .input(hireInputSchema)
    .mutation(({ ctx, input }) => ctx.services.agents.hire(input, ctx.user.id)),

  fire: auditedProcedure
    .input(z.object({ name: agentNameSchema }))
    .mutation(({ ctx, input }) => ctx.services.agents.fire(input.name, ctx.user.id)),
} satisfies TRPCRouterRecord;
