// SQLite tables for the Telegram bridge (Drizzle): outbox, id map, processed updates, small state values.
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Rendered parts waiting to be sent to Telegram, in id order. Sent rows are deleted (the id map remains). */
export const telegramOutbox = sqliteTable(
  'telegram_outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    messageId: integer('message_id').notNull(),
    part: integer('part').notNull(),
    parts: integer('parts').notNull(),
    chatId: text('chat_id').notNull(),
    /** HTML, already escaped. */
    html: text('html').notNull(),
    /** Our message id the first part replies to; mapped to a Telegram id at send time. */
    replyTo: integer('reply_to'),
    status: text('status', { enum: ['pending', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: text('created_at').notNull(),
  },
  (table) => [index('telegram_outbox_status_idx').on(table.status, table.id)],
);

/** Our message id <-> Telegram message id in a chat; a split message maps every part to the same id. */
export const telegramMessageMap = sqliteTable(
  'telegram_message_map',
  {
    chatId: text('chat_id').notNull(),
    telegramMessageId: integer('telegram_message_id').notNull(),
    messageId: integer('message_id').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.chatId, table.telegramMessageId] }),
    index('telegram_message_map_message_idx').on(table.messageId),
  ],
);

/**
 * Every update taken from getUpdates. A `pending` row (with the update itself) is written before the hub
 * commits the message; recovery after a crash finds the commit by `lastIdBefore` instead of posting twice.
 */
export const telegramUpdates = sqliteTable('telegram_updates', {
  updateId: integer('update_id').primaryKey(),
  status: text('status', { enum: ['pending', 'done', 'skipped'] }).notNull(),
  /** The newest message id before this update was posted. */
  lastIdBefore: integer('last_id_before').notNull(),
  payload: text('payload').notNull(),
  messageId: integer('message_id'),
  note: text('note'),
  createdAt: text('created_at').notNull(),
});

/** Small values: the update offset, the forwarding cursor. */
export const telegramState = sqliteTable('telegram_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** The one Telegram message per agent task, edited in place as its timeline moves (kept across restarts). */
export const telegramTaskMessages = sqliteTable('telegram_task_messages', {
  taskId: integer('task_id').primaryKey(),
  chatId: text('chat_id').notNull(),
  telegramMessageId: integer('telegram_message_id').notNull(),
  /** The newest timeline entry the message shows. */
  lastEventId: integer('last_event_id').notNull(),
  /** The HTML last written, so a restart does not repeat an identical edit (Telegram refuses those). */
  html: text('html').notNull(),
  updatedAt: text('updated_at').notNull(),
});
