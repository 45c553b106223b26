// Users (people): each person's read position (markRead, readState); admins revoke ("fire") and restore a
// person's access, and revoked tokens stop working at once.
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { markReadInputSchema } from '../../../shared/unread';
import { userIdSchema } from '../../auth';
import { auditedProcedure } from '../audited';
import { adminProcedure, authedProcedure } from '../init';

export const userInputSchema = z.object({ user: userIdSchema });

export const usersRouter = {
  /** Everything up to `upTo` is read, for this person on every device; an upTo past the newest message is clipped. */
  markRead: authedProcedure
    .input(markReadInputSchema)
    .mutation(({ ctx, input }) => ctx.services.readPositions.markRead(ctx.user.id, input.upTo)),

  readState: authedProcedure.query(({ ctx }) => ctx.services.readPositions.readState(ctx.user.id)),

  revoked: adminProcedure.query(({ ctx }) => ({ users: ctx.services.revoked.list() })),

  revoke: auditedProcedure.input(userInputSchema).mutation(async ({ ctx, input }) => {
    const { revoked, connections, transports, hub } = ctx.services;
    const changed = await revoked.revoke(input.user);
    // Open connections were signed in before: close them, and their reconnect is refused by the context. Ids
    // match case-insensitively, so `bob` also drops a connection signed in as `Bob`.
    const wanted = input.user.toLowerCase();
    const spellings = new Set([
      input.user,
      ...hub.presence.onlineUsers().filter((u) => u.toLowerCase() === wanted),
    ]);
    let dropped = 0;
    for (const id of spellings)
      dropped +=
        connections.dropUser(id, 'access revoked') + transports.legacy.dropUser(id, 'access revoked');
    ctx.services.logger.info({ user: input.user, by: ctx.user.id, dropped }, 'user access revoked');
    return { user: input.user, changed, droppedConnections: dropped };
  }),

  restore: auditedProcedure.input(userInputSchema).mutation(async ({ ctx, input }) => {
    const changed = await ctx.services.revoked.restore(input.user);
    ctx.services.logger.info({ user: input.user, by: ctx.user.id }, 'user access restored');
    return { user: input.user, changed };
  }),
} satisfies TRPCRouterRecord;
