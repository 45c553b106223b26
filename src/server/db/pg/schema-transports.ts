// PostgreSQL tables for the Telegram bridge: the twin of ../schema-transports.ts.
import { bigint, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

export const telegramOutbox = pgTable(
  'telegram_outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    messageId: bigint('message_id', { mode: 'number' }).notNull(),
    part: integer('part').notNull(),
    parts: integer('parts').notNull(),
    chatId: text('chat_id').notNull(),
    html: text('html').notNull(),
    replyTo: bigint('reply_to', { mode: 'number' }),
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
    telegramMessageId: bigint('telegram_message_id', { mode: 'number' }).notNull(),
    messageId: bigint('message_id', { mode: 'number' }).notNull(),
    createdAt: text('created_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.chatId, table.telegramMessageId] }),
    index('telegram_message_map_message_idx').on(table.messageId),
  ],
);

export const telegramUpdates = pgTable('telegram_updates', {
  updateId: bigint('update_id', { mode: 'number' }).primaryKey(),
  status: text('status', { enum: ['pending', 'done', 'skipped'] }).notNull(),
  lastIdBefore: bigint('last_id_before', { mode: 'number' }).notNull(),
  payload: text('payload').notNull(),
  messageId: bigint('message_id', { mode: 'number' }),
  note: text('note'),
  createdAt: text('created_at').notNull(),
});

export const telegramState = pgTable('telegram_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const telegramTaskMessages = pgTable('telegram_task_messages', {
  taskId: bigint('task_id', { mode: 'number' }).primaryKey(),
  chatId: text('chat_id').notNull(),
  telegramMessageId: bigint('telegram_message_id', { mode: 'number' }).notNull(),
  lastEventId: bigint('last_event_id', { mode: 'number' }).notNull(),
  html: text('html').notNull(),
  updatedAt: text('updated_at').notNull(),
});
