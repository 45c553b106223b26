-- New messages enter the search index from the writer itself (sqlite-message-writer.mjs searchIndexer, and the
-- import), in the same transaction, instead of from an AFTER INSERT trigger: the trigger made SQLite open a statement
-- savepoint per message, and FTS5 flushes its pending terms into a new segment at every savepoint, so indexing cost
-- 19–26 µs a message instead of 6–10 (issue 19's ingest-cost goal). Edits and deletions keep their triggers (rare,
-- and the UPDATE/DELETE statements must change the index whichever path runs them).
DROP TRIGGER IF EXISTS `messages_fts_insert`;
