CREATE TABLE `stat_counters` (
	`name` text NOT NULL,
	`hour` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`name`, `hour`)
);
