-- Full-text search over messages.text (issue 19): a GIN index on the 'simple' text-search configuration (no
-- stemming, no stop words: a chat mixes languages, names and code). An expression index rather than a stored column,
-- so the table (and the schema twin SQLite mirrors) is unchanged; it is kept in step by the same transaction that
-- writes, edits or empties the text. Queries must use exactly to_tsvector('simple', text) to reach it.
CREATE INDEX IF NOT EXISTS "messages_text_search_idx" ON "messages" USING gin (to_tsvector('simple'::regconfig, "text"));
