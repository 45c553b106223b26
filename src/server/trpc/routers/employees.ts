// Employees: the AI agents on the team. Anyone signed in may list them; only admins hire and fire.
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { employeeNameSchema, hireInputSchema } from '../../agents/schemas';
import { adminProcedure, authedProcedure } from '../init';

export const employeesRouter = {
  list: authedProcedure.query(({ ctx }) => ctx.services.agents.list()),

  hire: adminProcedure
    .input(hireInputSchema)
    .mutation(({ ctx, input }) => ctx.services.agents.hire(input, ctx.user.id)),

  fire: adminProcedure
    .input(z.object({ name: employeeNameSchema }))
    .mutation(({ ctx, input }) => ctx.services.agents.fire(input.name, ctx.user.id)),
} satisfies TRPCRouterRecord;
