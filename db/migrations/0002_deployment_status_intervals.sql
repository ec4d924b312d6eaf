CREATE TABLE `deployment_status_intervals` (
	`deployment_id` integer NOT NULL,
	`status` text NOT NULL,
	`valid_from` text NOT NULL,
	`valid_to` text,
	PRIMARY KEY(`deployment_id`, `valid_from`),
	FOREIGN KEY (`deployment_id`) REFERENCES `deployments`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "deployment_status_intervals_status_check" CHECK("deployment_status_intervals"."status" IN ('planned', 'in_progress', 'live', 'paused', 'withdrawn')),
	CONSTRAINT "deployment_status_intervals_period_check" CHECK("deployment_status_intervals"."valid_to" IS NULL OR "deployment_status_intervals"."valid_to" > "deployment_status_intervals"."valid_from")
);
--> statement-breakpoint
CREATE INDEX `deployment_status_intervals_valid_on_idx` ON `deployment_status_intervals` (`valid_to`,`valid_from`,`status`,`deployment_id`);--> statement-breakpoint
CREATE INDEX `deployment_status_intervals_status_from_idx` ON `deployment_status_intervals` (`status`,`valid_from`,`deployment_id`);--> statement-breakpoint
ALTER TABLE `deployment_status_events` ADD `voided_at` text;--> statement-breakpoint
ALTER TABLE `deployment_status_events` ADD `voided_by` integer;--> statement-breakpoint
ALTER TABLE `deployment_status_events` ADD `void_reason` text;--> statement-breakpoint
-- Existing data: every deployment's status events become stored intervals (same-day events: the later one recorded wins; consecutive events of the same status make one interval).
INSERT INTO `deployment_status_intervals` (`deployment_id`, `status`, `valid_from`, `valid_to`)
WITH `day_status` AS (
	SELECT `deployment_id`, `status`, `effective_on`,
		row_number() OVER (PARTITION BY `deployment_id`, `effective_on` ORDER BY `id` DESC) AS `day_rank`
	FROM `deployment_status_events` WHERE `voided_at` IS NULL
), `changes` AS (
	SELECT `deployment_id`, `status`, `effective_on`,
		coalesce(lag(`status`) OVER (PARTITION BY `deployment_id` ORDER BY `effective_on`), '') AS `previous_status`
	FROM `day_status` WHERE `day_rank` = 1
), `starts` AS (
	SELECT `deployment_id`, `status`, `effective_on` FROM `changes` WHERE `status` <> `previous_status`
)
SELECT `deployment_id`, `status`, `effective_on`, lead(`effective_on`) OVER (PARTITION BY `deployment_id` ORDER BY `effective_on`) FROM `starts`;
