// Presence: who is online now, people and (once hired) agents.
import type { TRPCRouterRecord } from '@trpc/server';
import { authedProcedure } from '../init';

export const presenceRouter = {
  list: authedProcedure.query(({ ctx }) => ctx.services.hub.presence.list()),
} satisfies TRPCRouterRecord;
