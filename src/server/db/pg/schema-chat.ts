// PostgreSQL tables of the richer chat: the twin of ../schema-chat.ts (same table and column names).
import { bigint, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/** Change log rows; `id` comes from the messages' identity sequence (one order for messages and changes). */
export const messageChanges = pgTable(
  'message_changes',
  {
    id: bigint('id', { mode: 'number' }).primaryKey(),
    messageId: bigint('message_id', { mode: 'number' }).notNull(),
    kind: text('kind', { enum: ['edit', 'delete', 'react', 'thread'] }).notNull(),
    actor: text('actor').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (table) => [index('message_changes_message_id_idx').on(table.messageId)],
);

export const reactions = pgTable(
  'reactions',
  {
    messageId: bigint('message_id', { mode: 'number' }).notNull(),
    userName: text('user_name').notNull(),
    emoji: text('emoji').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.messageId, table.userName, table.emoji] })],
);

export const readPositions = pgTable('read_positions', {
  userName: text('user_name').primaryKey(),
  upTo: bigint('up_to', { mode: 'number' }).notNull(),
  updatedAt: text('updated_at').notNull(),
});
