CREATE TABLE `agent_task_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`stream` text NOT NULL,
	`line` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`task_id`) REFERENCES `agent_tasks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `agent_task_log_task_idx` ON `agent_task_log` (`task_id`,`id`);--> statement-breakpoint
CREATE TABLE `agent_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`employee` text NOT NULL,
	`description` text NOT NULL,
	`status` text NOT NULL,
	`model` text NOT NULL,
	`mode` text NOT NULL,
	`assigned_by` text NOT NULL,
	`message_id` integer,
	`progress` text,
	`reason` text,
	`exit_code` integer,
	`created_at` text NOT NULL,
	`started_at` text,
	`finished_at` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `agent_tasks_employee_status_idx` ON `agent_tasks` (`employee`,`status`);--> statement-breakpoint
CREATE INDEX `agent_tasks_status_idx` ON `agent_tasks` (`status`);--> statement-breakpoint
CREATE TABLE `employees` (
	`name` text PRIMARY KEY NOT NULL,
	`role` text NOT NULL,
	`smartness` text NOT NULL,
	`hired_by` text NOT NULL,
	`hired_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `telegram_message_map` (
	`chat_id` text NOT NULL,
	`telegram_message_id` integer NOT NULL,
	`message_id` integer NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`chat_id`, `telegram_message_id`)
);
--> statement-breakpoint
CREATE INDEX `telegram_message_map_message_idx` ON `telegram_message_map` (`message_id`);--> statement-breakpoint
CREATE TABLE `telegram_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` integer NOT NULL,
	`part` integer NOT NULL,
	`parts` integer NOT NULL,
	`chat_id` text NOT NULL,
	`html` text NOT NULL,
	`reply_to` integer,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `telegram_outbox_status_idx` ON `telegram_outbox` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `telegram_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `telegram_updates` (
	`update_id` integer PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`last_id_before` integer NOT NULL,
	`payload` text NOT NULL,
	`message_id` integer,
	`note` text,
	`created_at` text NOT NULL
);
