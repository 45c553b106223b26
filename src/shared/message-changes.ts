// Inputs of the procedures that change what was said: chat.edit, chat.delete, chat.react, chat.thread.
import { z } from 'zod';
import { messageIdSchema, messageTextSchema } from './message';
import { isSingleEmoji, QUICK_REACTIONS } from './reactions';

export { isSingleEmoji, QUICK_REACTIONS };

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

/** chat.thread: a thread's root and all its replies (replies to replies included), oldest first. */
export const threadInputSchema = z.object({ root: messageIdSchema });
