-- Full-text search over messages.text (issue 19): an FTS5 index that stores no copy of the text (external content:
-- the messages table), accents folded (unicode61 remove_diacritics 2: "cafe" finds "café"). Triggers keep it in step
-- inside the very transaction that writes the message, so every write path (the writer thread's group commit, edits,
-- deletions that empty the text) stays searchable-as-committed without knowing the index exists.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(
	text,
	content='messages',
	content_rowid='id',
	tokenize='unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages` BEGIN
	INSERT INTO `messages_fts` (rowid, text) VALUES (new.id, new.text);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF `text` ON `messages` BEGIN
	INSERT INTO `messages_fts` (`messages_fts`, rowid, text) VALUES ('delete', old.id, old.text);
	INSERT INTO `messages_fts` (rowid, text) VALUES (new.id, new.text);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages` BEGIN
	INSERT INTO `messages_fts` (`messages_fts`, rowid, text) VALUES ('delete', old.id, old.text);
END;
--> statement-breakpoint
-- Messages stored before this migration.
INSERT INTO `messages_fts` (`messages_fts`) VALUES ('rebuild');
