// The chat message contract shared by server and client: schemas, types and limits.
import { z } from 'zod';
import { MAX_GET_IDS, MAX_HISTORY_PAGE, MAX_TEXT_LENGTH } from './limits';

export { MAX_GET_IDS, MAX_HISTORY_PAGE, MAX_TEXT_LENGTH };

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
  /** Post in the thread of this root message (a reply to a thread reply goes to the same root). */
  threadRoot: messageIdSchema.nullish(),
  /** A thread reply also shown in the main conversation. */
  alsoToChannel: z.boolean().nullish(),
});

export const historyInputSchema = z
  .object({
    /** Older pages: the newest `limit` messages before this id (a page's nextCursor). */
    cursor: messageIdSchema.nullish(),
    /**
     * Newer pages (a detached window catching up with the live tail): the oldest `limit` messages after this id,
     * oldest first; nextCursor is then the `after` of the next newer page, null once the page reaches the newest.
     */
    after: messageIdSchema.nullish(),
    limit: z
      .number()
      .int()
      .min(1, 'limit must be at least 1')
      .max(MAX_HISTORY_PAGE, `limit must be at most ${MAX_HISTORY_PAGE}`)
      .default(50),
  })
  .refine((input) => input.cursor == null || input.after == null, {
    message: 'give cursor (older messages) or after (newer messages), not both',
    path: ['after'],
  })
  .default({ limit: 50 });

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
  // The richer chat's fields are present only when they say something (absent = never edited, not deleted, in
  // the main conversation, no replies, no reactions): most messages carry none, and the stream stays small.
  /** When the text was last edited (chat.edit or a Telegram edit). */
  editedAt?: string;
  /** When the message was deleted: `text` is then '' (the text is gone), the row and its thread stay. */
  deletedAt?: string;
  /** The root message of the thread this one replies in; absent in the main conversation. */
  threadRoot?: number;
  /** A thread reply that is also shown in the main conversation ("also send to the channel"). */
  alsoInChannel?: true;
  /** On a thread root: its number of replies and the time of the last one. */
  replyCount?: number;
  lastReplyAt?: string;
  /** Reactions, one entry per emoji in the order first used, with who reacted (oldest first). */
  reactions?: Reaction[];
}

export interface Reaction {
  emoji: string;
  users: string[];
}

/** What a change did to an existing message. 'thread': a reply was added to its thread (count, last reply). */
export const changeKinds = ['edit', 'delete', 'react', 'thread'] as const;
export type ChangeKind = (typeof changeKinds)[number];

/**
 * A change to an existing message, in the same ordered log as new messages: `id` comes from the messages' own
 * sequence, so the stream's lastEventId covers both and a resume replays missed changes in order, exactly once.
 * `message` is the changed message's state as the server sends it (apply it by id: replace the copy you hold).
 */
export interface MessageChange {
  id: number;
  kind: ChangeKind;
  messageId: number;
  /** Who made the change (the editor, the deleter, the person who reacted, the thread reply's sender). */
  by: string;
  at: string;
  message: Message;
}

/**
 * One frame of chat.onMessage: new messages and changes, each list in id order; the frame's tracked id is the
 * largest id of either list. Applying `messages` first and then `changes` gives the right state (a change only
 * touches a message with a smaller id). `changes` is absent when there are none.
 */
export interface MessageBatch {
  messages: Message[];
  changes?: MessageChange[];
}
