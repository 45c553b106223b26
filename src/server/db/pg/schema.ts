// PostgreSQL tables for messages and settings: the twin of ../schema.ts (same table and column names).
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';

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
    /** Set by chat.edit (the text then is the edited text). */
    editedAt: text('edited_at'),
    /** Set by chat.delete: a tombstone — the text is emptied, the row (and its thread) stays. */
    deletedAt: text('deleted_at'),
    /** The root of the thread this message replies in; null in the main conversation. */
    threadRoot: bigint('thread_root', { mode: 'number' }),
    /** A thread reply also shown in the main conversation ("also send to the channel"). */
    threadBroadcast: boolean('thread_broadcast').notNull().default(false),
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

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: text('updated_at').notNull().default(ISO_NOW),
});
