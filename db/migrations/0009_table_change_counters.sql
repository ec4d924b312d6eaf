CREATE TABLE `table_versions` (
	`name` text PRIMARY KEY NOT NULL,
	`version` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Every table starts with a counter (the triggers that bump them follow the tables and are created when the database is opened: db/change-counters.ts).
INSERT INTO `table_versions` (`name`, `version`) SELECT `name`, random() FROM `sqlite_master` WHERE `type` = 'table' AND `name` NOT LIKE 'sqlite_%' AND `name` NOT IN ('table_versions', '__drizzle_migrations');
--> statement-breakpoint
-- The single data version that every audited change bumped is replaced by the per-table counters.
DELETE FROM `settings` WHERE `key` = 'data_version';
