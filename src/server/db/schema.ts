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
  },
  (table) => [
    index('messages_created_at_idx').on(table.createdAt),
    index('messages_origin_idx').on(table.origin),
    // A retried send (same sender, same clientId) commits once; NULL client ids never collide.
    uniqueIndex('messages_sender_client_id_idx').on(table.sender, table.clientId),
  ],
);

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: text('updated_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
});
