CREATE TABLE `message_changes` (
	`id` integer PRIMARY KEY NOT NULL,
	`message_id` integer NOT NULL,
	`kind` text NOT NULL,
	`actor` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `message_changes_message_id_idx` ON `message_changes` (`message_id`);--> statement-breakpoint
CREATE TABLE `reactions` (
	`message_id` integer NOT NULL,
	`user_name` text NOT NULL,
	`emoji` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`message_id`, `user_name`, `emoji`)
);
--> statement-breakpoint
CREATE TABLE `read_positions` (
	`user_name` text PRIMARY KEY NOT NULL,
	`up_to` integer NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `messages` ADD `edited_at` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `deleted_at` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `thread_root` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `thread_broadcast` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `reply_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `last_reply_at` text;--> statement-breakpoint
CREATE INDEX `messages_thread_root_idx` ON `messages` (`thread_root`);