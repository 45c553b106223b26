ALTER TABLE `messages` ADD `client_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `messages_sender_client_id_idx` ON `messages` (`sender`,`client_id`);