// PostgreSQL tables for messages and settings: the twin of ../schema.ts (same table and column names).
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';

/** An ISO-8601 UTC timestamp with milliseconds, the same text SQLite stores. */
export const ISO_NOW = sql`(to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

export const messages = pgTable(
  'messages',
  {
    // bigint: a busy cluster can pass 2^31 ids; SQLite's INTEGER is 64-bit already. Read back as JS numbers.
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    text: text('text').notNull(),
    sender: text('sender').notNull(),
    senderKind: text('sender_kind', { enum: ['user', 'agent', 'system'] }).notNull(),
    mentions: jsonb('mentions').$type<string[]>().notNull(),
    isCommand: boolean('is_command').notNull(),
    command: text('command'),
    commandArgs: jsonb('command_args').$type<string[]>().notNull(),
    replyTo: bigint('reply_to', { mode: 'number' }),
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

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: text('updated_at').notNull().default(ISO_NOW),
});
