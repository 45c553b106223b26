// SQLite tables of the richer chat: the change log (edits, deletions, reactions, thread replies), reactions and
// read positions. Twin: ./pg/schema-chat.ts (same table and column names).
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * One row per change to an existing message, in the same ordered log as the messages: `id` is taken from the
 * messages' own sequence (sqlite_sequence 'messages'), so a subscriber resuming by lastEventId receives new
 * messages and changes in one order, exactly once. The row says what changed; the stream carries the message's
 * state after it.
 */
export const messageChanges = sqliteTable(
  'message_changes',
  {
    id: integer('id').primaryKey(),
    messageId: integer('message_id').notNull(),
    kind: text('kind', { enum: ['edit', 'delete', 'react', 'thread'] }).notNull(),
    actor: text('actor').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (table) => [index('message_changes_message_id_idx').on(table.messageId)],
);

/** Who reacted to what with which emoji (the current state; each toggle is also a 'react' change). */
export const reactions = sqliteTable(
  'reactions',
  {
    messageId: integer('message_id').notNull(),
    userName: text('user_name').notNull(),
    emoji: text('emoji').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.messageId, table.userName, table.emoji] })],
);

/** Each person's read position: every message with id <= up_to counts as read (follows them across devices). */
export const readPositions = sqliteTable('read_positions', {
  userName: text('user_name').primaryKey(),
  upTo: integer('up_to').notNull(),
  updatedAt: text('updated_at').notNull(),
});
