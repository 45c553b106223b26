// Chat procedures that change what was said: chat.edit and chat.delete (part of the chat router; the hub does the work).
import { deleteInputSchema, editInputSchema } from '../../../shared/message-changes';
import { DomainError } from '../../domain-error';
import type { Services } from '../../services';
import { authedProcedure } from '../init';

/** Edits count against the sender's send limit: an edit reaches every subscriber like a message does. */
async function takeSendToken(services: Services, user: string, viaSocket: boolean): Promise<void> {
  const taken = await services.limiter.take(user, viaSocket ? 'person' : 'bulk');
  if (taken.ok) return;
  const seconds = Math.ceil(taken.retryAfterMs / 1000);
  throw new DomainError(
    'TOO_MANY_REQUESTS',
    `editing too fast: wait ${seconds} s (${taken.retryAfterMs} ms)`,
    {
      retryAfterMs: taken.retryAfterMs,
    },
  );
}

export const chatChangeProcedures = {
  /** Your own message's new text (mentions re-parsed); FORBIDDEN for someone else's, BAD_REQUEST once deleted. */
  edit: authedProcedure.input(editInputSchema).mutation(async ({ ctx, input }) => {
    await takeSendToken(ctx.services, ctx.user.id, ctx.connection?.kind === 'websocket');
    return ctx.services.hub.edit(input, ctx.user.id);
  }),

  /** Deletes your own message, or anyone's for an admin (audited); the row stays as a tombstone. */
  delete: authedProcedure.input(deleteInputSchema).mutation(async ({ ctx, input }) => {
    const { message, othersMessage } = await ctx.services.hub.delete(input, ctx.user.id, ctx.user.role);
    if (othersMessage) {
      try {
        await ctx.services.audit.record({
          actor: ctx.user.id,
          action: 'chat.delete',
          target: String(message.id),
          details: { id: message.id, sender: message.sender },
        });
      } catch (error) {
        // The deletion has happened; a lost audit row must not change its answer.
        ctx.services.logger.error({ err: error }, 'audit log write failed');
      }
    }
    return message;
  }),
};
