// Inputs of the procedures that change what was said: chat.edit, chat.delete, chat.react, chat.thread.
import { z } from 'zod';
import { messageIdSchema, messageTextSchema } from './message';
import { isSingleEmoji } from './reactions';

export const editInputSchema = z.object({ id: messageIdSchema, text: messageTextSchema });
export const deleteInputSchema = z.object({ id: messageIdSchema });

export const reactInputSchema = z.object({
  id: messageIdSchema,
  emoji: z
    .string({ error: 'emoji must be a string' })
    .refine(isSingleEmoji, 'emoji must be exactly one emoji, e.g. 👍'),
  /** true adds your reaction, false takes it back (both idempotent). */
  on: z.boolean({ error: 'on must be true (add) or false (remove)' }),
});

/** Replies chat.thread returns when no limit is given: most threads whole, a long one from its newest end. */
export const THREAD_PAGE = 100;
export const MAX_THREAD_PAGE = 500;

/**
 * chat.thread: a thread's root and its newest `limit` replies before `before` (all of them up to the limit when
 * null), replies to replies included, oldest first; the answer's olderCursor pages further back.
 */
export const threadInputSchema = z.object({
  root: messageIdSchema,
  /** The olderCursor of the previous answer. */
  before: messageIdSchema.nullish(),
  limit: z
    .number()
    .int()
    .min(1, 'limit must be at least 1')
    .max(MAX_THREAD_PAGE, `limit must be at most ${MAX_THREAD_PAGE}`)
    .default(THREAD_PAGE),
});
