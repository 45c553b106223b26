// Chat procedures of reactions and threads: chat.react and chat.thread (part of the chat router; the hub does the
// work). Thread replies themselves are sent with chat.send and its threadRoot / alsoToChannel.
import { reactInputSchema, threadInputSchema } from '../../../shared/message-changes';
import { DomainError } from '../../domain-error';
import { readThread } from '../../hub/threads';
import { authedProcedure } from '../init';

export const chatThreadProcedures = {
  /**
   * Adds (on) or takes back (off) your reaction: idempotent both ways (nothing changes, nothing is streamed).
   * NOT_FOUND for a message that does not exist, BAD_REQUEST for a deleted one or anything but one emoji.
   */
  react: authedProcedure.input(reactInputSchema).mutation(async ({ ctx, input }) => {
    // A reaction reaches every subscriber like a message does: it counts against the same limit.
    const taken = await ctx.services.limiter.take(
      ctx.user.id,
      ctx.connection?.kind === 'websocket' ? 'person' : 'bulk',
    );
    if (!taken.ok) {
      const seconds = Math.ceil(taken.retryAfterMs / 1000);
      throw new DomainError(
        'TOO_MANY_REQUESTS',
        `reacting too fast: wait ${seconds} s (${taken.retryAfterMs} ms)`,
        { retryAfterMs: taken.retryAfterMs },
      );
    }
    return ctx.services.hub.react(input, ctx.user.id);
  }),

  /**
   * A thread's root and its newest `limit` replies before `before` (default 100, every reply of most threads),
   * oldest first, with `olderCursor` for the page before (null: none); any message of the thread may be asked
   * for. NOT_FOUND.
   */
  thread: authedProcedure
    .input(threadInputSchema)
    .query(({ ctx, input }) => readThread(ctx.services.repo, input.root, input)),
};
