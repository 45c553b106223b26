// SQLite table remembering what npm run import:original brought over, so a second run imports nothing twice.
import { index, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const importKinds = ['employee', 'message'] as const;

export const importMap = sqliteTable(
  'import_map',
  {
    kind: text('kind', { enum: importKinds }).notNull(),
    // The original's key: an agent's name, a message's message_id.
    originalId: text('original_id').notNull(),
    // The original's timestamp text as stored: it reused message_ids after each restart (its counter began at 1
    // and INSERT OR REPLACE overwrote), so an id alone does not name one message. Empty for employees.
    originalAt: text('original_at').notNull(),
    // What it became here: the agent's name, the message's id (as text).
    target: text('target').notNull(),
    // The original's conversation_id: kept for when channels exist (everything went into the one conversation).
    conversation: text('conversation'),
    importedAt: text('imported_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.kind, table.originalId, table.originalAt] }),
    index('import_map_conversation_idx').on(table.conversation),
  ],
);
