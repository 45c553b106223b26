// PostgreSQL tables for the Telegram bridge: the twin of ../schema-transports.ts.
import { index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

export const telegramOutbox = pgTable(
  'telegram_outbox',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    messageId: integer('message_id').notNull(),
    part: integer('part').notNull(),
    parts: integer('parts').notNull(),
    chatId: text('chat_id').notNull(),
    html: text('html').notNull(),
    replyTo: integer('reply_to'),
    status: text('status', { enum: ['pending', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: text('created_at').notNull(),
  },
  (table) => [index('telegram_outbox_status_idx').on(table.status, table.id)],
);

export const telegramMessageMap = pgTable(
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

export const telegramUpdates = pgTable('telegram_updates', {
  updateId: integer('update_id').primaryKey(),
  status: text('status', { enum: ['pending', 'done', 'skipped'] }).notNull(),
  lastIdBefore: integer('last_id_before').notNull(),
  payload: text('payload').notNull(),
  messageId: integer('message_id'),
  note: text('note'),
  createdAt: text('created_at').notNull(),
});

export const telegramState = pgTable('telegram_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
