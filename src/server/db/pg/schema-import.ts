// PostgreSQL twin of ../schema-import.ts: what npm run import:original brought over (same table and columns).
import { index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { importKinds } from '../schema-import';

export const importMap = pgTable(
  'import_map',
  {
    kind: text('kind', { enum: importKinds }).notNull(),
    originalId: text('original_id').notNull(),
    originalAt: text('original_at').notNull(),
    target: text('target').notNull(),
    conversation: text('conversation'),
    importedAt: text('imported_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.kind, table.originalId, table.originalAt] }),
    index('import_map_conversation_idx').on(table.conversation),
  ],
);
