CREATE TABLE `organisation_memberships` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`valid_from` text NOT NULL,
	`valid_to` text,
	`source` text NOT NULL,
	`note` text,
	`recorded_by` integer,
	`recorded_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "organisation_memberships_source_check" CHECK("organisation_memberships"."source" IN ('migration', 'seed', 'form', 'import')),
	CONSTRAINT "organisation_memberships_period_check" CHECK("organisation_memberships"."valid_to" IS NULL OR "organisation_memberships"."valid_to" > "organisation_memberships"."valid_from")
);
--> statement-breakpoint
CREATE INDEX `organisation_memberships_org_idx` ON `organisation_memberships` (`organisation_id`,`valid_from`);--> statement-breakpoint
CREATE INDEX `organisation_memberships_dates_idx` ON `organisation_memberships` (`valid_from`,`valid_to`);--> statement-breakpoint
CREATE TABLE `organisation_status_periods` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`status` text NOT NULL,
	`valid_from` text NOT NULL,
	`valid_to` text,
	`source` text NOT NULL,
	`note` text,
	`recorded_by` integer,
	`recorded_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "organisation_status_periods_status_check" CHECK("organisation_status_periods"."status" IN ('active', 'closed', 'dormant', 'proposed')),
	CONSTRAINT "organisation_status_periods_source_check" CHECK("organisation_status_periods"."source" IN ('migration', 'seed', 'form', 'import')),
	CONSTRAINT "organisation_status_periods_period_check" CHECK("organisation_status_periods"."valid_to" IS NULL OR "organisation_status_periods"."valid_to" > "organisation_status_periods"."valid_from")
);
--> statement-breakpoint
CREATE INDEX `organisation_status_periods_org_idx` ON `organisation_status_periods` (`organisation_id`,`valid_from`);--> statement-breakpoint
CREATE INDEX `organisation_status_periods_status_dates_idx` ON `organisation_status_periods` (`status`,`valid_from`,`valid_to`);--> statement-breakpoint
-- Existing data: the programme sign-up date becomes the membership's start; a closed organisation left on its close date. No sign-up date: not a member on any date.
INSERT INTO `organisation_memberships` (`organisation_id`, `valid_from`, `valid_to`, `source`, `note`)
SELECT `id`, `signed_up_on`,
  CASE WHEN `status` = 'closed' AND `closed_on` > `signed_up_on` THEN `closed_on` END,
  'migration', 'from the sign-up date held before memberships were dated'
FROM `organisations` WHERE `signed_up_on` IS NOT NULL;
--> statement-breakpoint
-- Existing data: active from the open date (unknown: from 2000-01-01, the earliest as-at date); a closed one active until its close date, then closed.
INSERT INTO `organisation_status_periods` (`organisation_id`, `status`, `valid_from`, `valid_to`, `source`, `note`)
SELECT `id`, CASE WHEN `status` = 'closed' AND `closed_on` IS NOT NULL AND `closed_on` > coalesce(`opened_on`, '2000-01-01') THEN 'active' ELSE `status` END,
  coalesce(`opened_on`, '2000-01-01'),
  CASE WHEN `status` = 'closed' AND `closed_on` IS NOT NULL AND `closed_on` > coalesce(`opened_on`, '2000-01-01') THEN `closed_on` END,
  'migration', 'from the status, open and close dates held before statuses were dated'
FROM `organisations`;
--> statement-breakpoint
INSERT INTO `organisation_status_periods` (`organisation_id`, `status`, `valid_from`, `valid_to`, `source`, `note`)
SELECT `id`, 'closed', `closed_on`, NULL, 'migration', 'from the close date held before statuses were dated'
FROM `organisations` WHERE `status` = 'closed' AND `closed_on` IS NOT NULL AND `closed_on` > coalesce(`opened_on`, '2000-01-01');
