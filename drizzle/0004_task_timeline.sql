CREATE TABLE `task_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`employee` text NOT NULL,
	`at` text NOT NULL,
	`event` text NOT NULL,
	FOREIGN KEY (`task_id`) REFERENCES `agent_tasks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `task_events_task_idx` ON `task_events` (`task_id`,`id`);--> statement-breakpoint
CREATE TABLE `telegram_task_messages` (
	`task_id` integer PRIMARY KEY NOT NULL,
	`chat_id` text NOT NULL,
	`telegram_message_id` integer NOT NULL,
	`last_event_id` integer NOT NULL,
	`html` text NOT NULL,
	`updated_at` text NOT NULL
);
