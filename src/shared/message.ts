// The chat message contract shared by server and client: schemas, types and limits.
import { z } from 'zod';

export const MAX_TEXT_LENGTH = 4096;
export const MAX_HISTORY_PAGE = 200;

export const senderKinds = ['user', 'agent', 'system'] as const;
// 'import': history brought over from the Python version by npm run import:original (never forwarded anywhere).
export const origins = ['websocket', 'telegram', 'legacy', 'api', 'agent', 'system', 'import'] as const;

export type SenderKind = (typeof senderKinds)[number];
export type Origin = (typeof origins)[number];

export const messageTextSchema = z
  .string({ error: 'text must be a string' })
  .trim()
  .min(1, 'Message text is empty: type something before sending')
  .max(MAX_TEXT_LENGTH, `Message is longer than ${MAX_TEXT_LENGTH} characters: shorten it or split it`);

export const messageIdSchema = z
  .number({ error: 'must be a message id (a positive integer)' })
  .int('must be a message id (a positive integer)')
  .positive('must be a message id (a positive integer)')
  .max(Number.MAX_SAFE_INTEGER);

/** A sender-chosen id that makes a retried send idempotent: the same sender and clientId commit once. */
export const clientIdSchema = z
  .string({ error: 'clientId must be a string' })
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'clientId must be 1-64 letters, digits, ".", "_", ":" or "-"');

export const sendInputSchema = z.object({
  text: messageTextSchema,
  replyTo: messageIdSchema.nullish(),
  clientId: clientIdSchema.nullish(),
});
export type SendInput = z.infer<typeof sendInputSchema>;

export const historyInputSchema = z
  .object({
    cursor: messageIdSchema.nullish(),
    limit: z
      .number()
      .int()
      .min(1, 'limit must be at least 1')
      .max(MAX_HISTORY_PAGE, `limit must be at most ${MAX_HISTORY_PAGE}`)
      .default(50),
  })
  .default({ limit: 50 });

/** The most messages one chat.get may ask for (a screenful of quotes, with room to spare). */
export const MAX_GET_IDS = 100;

/** chat.get: messages by id, e.g. the originals of quotes whose page is not loaded. */
export const getInputSchema = z.object({
  ids: z
    .array(messageIdSchema)
    .min(1, 'ids is empty: ask for at least one message id')
    .max(MAX_GET_IDS, `ids has more than ${MAX_GET_IDS} message ids: ask in smaller batches`),
});

export const onMessageInputSchema = z
  .object({
    lastEventId: z
      .string()
      .regex(/^\d{1,15}$/, 'lastEventId must be the id of a message (digits)')
      .nullish(),
  })
  .optional();

export interface Message {
  id: number;
  text: string;
  sender: string;
  senderKind: SenderKind;
  mentions: string[];
  isCommand: boolean;
  command: string | null;
  commandArgs: string[];
  replyTo: number | null;
  origin: Origin;
  createdAt: string;
  /** The sender's idempotency key when it gave one (lets a client match its optimistic copy), else null. */
  clientId: string | null;
}

export interface MessageBatch {
  messages: Message[];
}

export interface HistoryPage {
  messages: Message[];
  nextCursor: number | null;
}
