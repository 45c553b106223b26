// SQLite tables (Drizzle). Column names are the contract for the planned PostgreSQL twin: keep them in step.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    text: text('text').notNull(),
    sender: text('sender').notNull(),
    senderKind: text('sender_kind', { enum: ['user', 'agent', 'system'] }).notNull(),
    mentions: text('mentions', { mode: 'json' }).$type<string[]>().notNull(),
    isCommand: integer('is_command', { mode: 'boolean' }).notNull(),
    command: text('command'),
    commandArgs: text('command_args', { mode: 'json' }).$type<string[]>().notNull(),
    replyTo: integer('reply_to'),
    clientId: text('client_id'),
    origin: text('origin', {
      enum: ['websocket', 'telegram', 'legacy', 'api', 'agent', 'system', 'import'],
    }).notNull(),
    createdAt: text('created_at').notNull(),
    /** Set by chat.edit (the text then is the edited text). */
    editedAt: text('edited_at'),
    /** Set by chat.delete: a tombstone — the text is emptied, the row (and its thread) stays. */
    deletedAt: text('deleted_at'),
    /** The root of the thread this message replies in; null in the main conversation. */
    threadRoot: integer('thread_root'),
    /** A thread reply also shown in the main conversation ("also send to the channel"). */
    threadBroadcast: integer('thread_broadcast', { mode: 'boolean' }).notNull().default(false),
    /** On a thread root: how many replies its thread has and when the last one came (kept by the same commit). */
    replyCount: integer('reply_count').notNull().default(0),
    lastReplyAt: text('last_reply_at'),
  },
  (table) => [
    index('messages_created_at_idx').on(table.createdAt),
    index('messages_origin_idx').on(table.origin),
    index('messages_thread_root_idx').on(table.threadRoot),
    // A retried send (same sender, same clientId) commits once; NULL client ids never collide.
    uniqueIndex('messages_sender_client_id_idx').on(table.sender, table.clientId),
  ],
);

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: text('updated_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
});
