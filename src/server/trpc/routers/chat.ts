// Chat: send, history pages, the resumable message stream, typing and activity.
import { type TRPCRouterRecord, tracked } from '@trpc/server';
import { z } from 'zod';
import type { ActivityEvent } from '../../../shared/activity';
import {
  historyInputSchema,
  type Message,
  type MessageBatch,
  onMessageInputSchema,
  sendInputSchema,
} from '../../../shared/message';
import { ChatError } from '../../hub/errors';
import { authedProcedure } from '../init';

/** Replay pages are bounded so a long absence does not become one huge frame. */
export const REPLAY_PAGE = 250;

export const chatRouter = {
  send: authedProcedure.input(sendInputSchema).mutation(async ({ ctx, input }) => {
    const { hub, limiter } = ctx.services;
    const taken = await limiter.take(ctx.user.id);
    if (!taken.ok) {
      const seconds = Math.ceil(taken.retryAfterMs / 1000);
      throw new ChatError(
        'TOO_MANY_REQUESTS',
        `sending too fast: wait ${seconds} s (${taken.retryAfterMs} ms)`,
        {
          retryAfterMs: taken.retryAfterMs,
        },
      );
    }
    const origin = ctx.connection?.kind === 'websocket' ? 'websocket' : 'api';
    return hub.post(
      {
        text: input.text,
        replyTo: input.replyTo,
        clientId: input.clientId,
        sender: ctx.user.id,
        senderKind: 'user',
      },
      origin,
    );
  }),

  history: authedProcedure.input(historyInputSchema).query(async ({ ctx, input }) => {
    const messages = await ctx.services.repo.history(input.cursor ?? null, input.limit + 1);
    const hasMore = messages.length > input.limit;
    const page = hasMore ? messages.slice(1) : messages;
    return { messages: page, nextCursor: hasMore ? (page[0]?.id ?? null) : null };
  }),

  onMessage: authedProcedure.input(onMessageInputSchema).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const { hub, repo } = ctx.services;
    const connection = ctx.connection;
    // Listen before reading the replay, so nothing committed meanwhile falls between the two; ids dedupe.
    const live = hub.messages.open({
      signal,
      isBackedUp: () => (connection?.bufferedAmount() ?? 0) > hub.maxSocketBuffer,
      onOverflow: () => connection?.terminate('subscriber fell too far behind'),
    });
    const batch = (messages: Message[]) =>
      tracked(String(messages[messages.length - 1]?.id), { messages } satisfies MessageBatch);
    try {
      let lastId = input?.lastEventId ? Number(input.lastEventId) : null;
      if (lastId !== null) {
        while (true) {
          const page = await repo.messagesAfter(lastId, REPLAY_PAGE);
          if (page.length === 0) break;
          lastId = page[page.length - 1]?.id ?? lastId;
          yield batch(page);
          if (page.length < REPLAY_PAGE) break;
        }
      }
      while (true) {
        const queued = await live.next();
        if (queued === null) return;
        const fresh = lastId === null ? queued : queued.filter((m) => m.id > (lastId as number));
        if (fresh.length === 0) continue;
        lastId = fresh[fresh.length - 1]?.id ?? lastId;
        ctx.services.metrics.observeDelivery(fresh, 'websocket');
        yield batch(fresh);
      }
    } finally {
      live.close();
    }
  }),

  setTyping: authedProcedure.input(z.object({ isTyping: z.boolean() })).mutation(({ ctx, input }) => {
    ctx.services.hub.setTyping(ctx.user.id, input.isTyping);
    return { ok: true as const };
  }),

  onActivity: authedProcedure.subscription(async function* ({ ctx, signal }) {
    const me = ctx.user.id;
    const feed = ctx.services.hub.activity.open({
      signal,
      // People do not need to be told that they themselves are typing.
      accept: (event: ActivityEvent) => !(event.type === 'typing' && event.user === me),
      onOverflow: () => ctx.connection?.terminate('activity subscriber fell too far behind'),
    });
    try {
      while (true) {
        const events = await feed.next();
        if (events === null) return;
        for (const event of events) yield event;
      }
    } finally {
      feed.close();
    }
  }),
} satisfies TRPCRouterRecord;
