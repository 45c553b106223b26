// Inputs of the procedures that change what was said: chat.edit, chat.delete, chat.react, chat.thread.
import { z } from 'zod';
import { messageIdSchema, messageTextSchema } from './message';

export const editInputSchema = z.object({ id: messageIdSchema, text: messageTextSchema });
export const deleteInputSchema = z.object({ id: messageIdSchema });

/** The quick set offered in the reaction picker; any single emoji is accepted too. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢', '👀', '✅'] as const;

/** One emoji (one grapheme: ZWJ sequences, skin tones and flags included), nothing else. */
export function isSingleEmoji(value: string): boolean {
  if (value.length === 0 || value.length > 32) return false;
  const graphemes = [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(value)];
  return (
    graphemes.length === 1 &&
    /^(\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|[#*0-9]\uFE0F?\u20E3)/u.test(value)
  );
}

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
