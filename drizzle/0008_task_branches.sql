ALTER TABLE `agent_tasks` ADD `branch` text;--> statement-breakpoint
ALTER TABLE `agent_tasks` ADD `base_branch` text;--> statement-breakpoint
ALTER TABLE `agent_tasks` ADD `branch_state` text;--> statement-breakpoint
ALTER TABLE `agent_tasks` ADD `commit_sha` text;