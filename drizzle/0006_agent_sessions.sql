ALTER TABLE `agent_tasks` ADD `session_id` text;--> statement-breakpoint
ALTER TABLE `employees` ADD `model` text;