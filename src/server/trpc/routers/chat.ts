// Chat: send, history pages, the resumable message stream, typing and activity.
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { commandsFor } from '../../../shared/commands';
import {
  getInputSchema,
  historyInputSchema,
  onMessageInputSchema,
  sendInputSchema,
} from '../../../shared/message';
import { aroundInputSchema, searchInputSchema } from '../../../shared/search';
import { DomainError } from '../../domain-error';
import { messagesAround, searchMessages } from '../../hub/search';
import { authedProcedure } from '../init';
import { chatChangeProcedures } from './chat-changes';
import { activityStream, messageStream } from './chat-streams';
import { chatThreadProcedures } from './chat-threads';

export const chatRouter = {
  ...chatThreadProcedures,
  ...chatChangeProcedures,

  send: authedProcedure.input(sendInputSchema).mutation(async ({ ctx, input }) => {
    const { hub, limiter } = ctx.services;
    // The chat clients keep a WebSocket open; one-off HTTP calls come from scripts and bots (the bulk limit).
    const origin = ctx.connection?.kind === 'websocket' ? 'websocket' : 'api';
    const taken = await limiter.take(ctx.user.id, origin === 'websocket' ? 'person' : 'bulk');
    if (!taken.ok) {
      const seconds = Math.ceil(taken.retryAfterMs / 1000);
      throw new DomainError(
        'TOO_MANY_REQUESTS',
        `sending too fast: wait ${seconds} s (${taken.retryAfterMs} ms)`,
        {
          retryAfterMs: taken.retryAfterMs,
        },
      );
    }
    return hub.post(
      {
        text: input.text,
        replyTo: input.replyTo,
        clientId: input.clientId,
        threadRoot: input.threadRoot,
        alsoToChannel: input.alsoToChannel,
        sender: ctx.user.id,
        senderKind: 'user',
        // Lets an admin answer an agent's question by replying (the ask desk); never part of the message.
        posterRole: ctx.user.role,
      },
      origin,
    );
  }),

  history: authedProcedure.input(historyInputSchema).query(async ({ ctx, input }) => {
    if (input.after != null) {
      // The newer way (a detached window catching up): nextCursor is the next page's `after`, null at the tail.
      const newer = await ctx.services.repo.historyAfter(input.after, input.limit + 1);
      const page = newer.slice(0, input.limit);
      return {
        messages: page,
        nextCursor: newer.length > input.limit ? (page[page.length - 1]?.id ?? null) : null,
      };
    }
    const messages = await ctx.services.repo.history(input.cursor ?? null, input.limit + 1);
    const hasMore = messages.length > input.limit;
    const page = hasMore ? messages.slice(1) : messages;
    return { messages: page, nextCursor: hasMore ? (page[0]?.id ?? null) : null };
  }),

  /**
   * Messages by id, in id order; ids that do not exist are left out. The client uses it to show the sender and
   * first line of a quoted message whose page it has not loaded.
   */
  get: authedProcedure.input(getInputSchema).query(async ({ ctx, input }) => {
    const ids = [...new Set(input.ids)].sort((a, b) => a - b);
    return ctx.services.repo.getMessages(ids);
  }),

  /** Full-text search, best first; `from:ana`, `in:thread`, `before:`/`after:` dates in the query are filters. */
  search: authedProcedure
    .input(searchInputSchema)
    .query(({ ctx, input }) => searchMessages(ctx.services.repo, input, ctx.user.id)),

  /** The history page holding message `id` (a search result however old), with cursors to go on either way. */
  around: authedProcedure
    .input(aroundInputSchema)
    .query(({ ctx, input }) => messagesAround(ctx.services.repo, input.id, input.limit)),

  /** The /help answer: the slash commands the caller may use, from the one shared table. */
  commands: authedProcedure.query(({ ctx }) =>
    commandsFor(ctx.user.role).map(({ name, args, description, access }) => ({
      name,
      args,
      description,
      access,
    })),
  ),

  // The resolvers hand over only what the streams need: a generator started here would keep tRPC's whole
  // middleware chain (options objects, next closures) alive for as long as the subscription lasts.
  onMessage: authedProcedure
    .input(onMessageInputSchema)
    .subscription(({ ctx, input, signal }) =>
      messageStream(ctx.services, ctx.connection, input?.lastEventId ?? null, signal),
    ),

  setTyping: authedProcedure.input(z.object({ isTyping: z.boolean() })).mutation(({ ctx, input }) => {
    ctx.services.hub.setTyping(ctx.user.id, input.isTyping);
    return { ok: true as const };
  }),

  onActivity: authedProcedure.subscription(({ ctx, signal }) =>
    activityStream(ctx.services, ctx.connection, ctx.user.id, signal),
  ),
} satisfies TRPCRouterRecord;
