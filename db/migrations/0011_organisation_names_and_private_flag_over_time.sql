CREATE TABLE `organisation_names` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`name` text NOT NULL,
	`valid_from` text NOT NULL,
	`valid_to` text,
	`source` text NOT NULL,
	`note` text,
	`recorded_by` integer,
	`recorded_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "organisation_names_source_check" CHECK("organisation_names"."source" IN ('migration', 'seed', 'form', 'import')),
	CONSTRAINT "organisation_names_period_check" CHECK("organisation_names"."valid_to" IS NULL OR "organisation_names"."valid_to" > "organisation_names"."valid_from")
);
--> statement-breakpoint
CREATE INDEX `organisation_names_org_idx` ON `organisation_names` (`organisation_id`,`valid_from`);--> statement-breakpoint
CREATE TABLE `organisation_private_provider_periods` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`nhs_badged_private` integer NOT NULL,
	`valid_from` text NOT NULL,
	`valid_to` text,
	`source` text NOT NULL,
	`note` text,
	`recorded_by` integer,
	`recorded_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "organisation_private_provider_periods_source_check" CHECK("organisation_private_provider_periods"."source" IN ('migration', 'seed', 'form', 'import')),
	CONSTRAINT "organisation_private_provider_periods_period_check" CHECK("organisation_private_provider_periods"."valid_to" IS NULL OR "organisation_private_provider_periods"."valid_to" > "organisation_private_provider_periods"."valid_from")
);
--> statement-breakpoint
CREATE INDEX `organisation_private_provider_periods_org_idx` ON `organisation_private_provider_periods` (`organisation_id`,`valid_from`);
--> statement-breakpoint
-- Existing data: every organisation's name over time. One period from 2000-01-01 (the earliest as-at
-- date: the value first known holds on every earlier date, as the app records it) with the value held now; where the
-- audit log shows the value changed (organisation.update from the form, organisation.import_update from an
-- import: the row's before and after JSON differ), the earlier values are put back as periods ending on the
-- change's date: an import's effective date (from the organisation.import row the same import wrote after
-- it), a form change the day it was saved, no later than the reporting date (the form changed values then).
-- Changes are taken in the order they were recorded; one dated on or before an earlier one takes effect with it.
WITH `reporting` AS (
  SELECT coalesce((SELECT `value` FROM `settings` WHERE `key` = 'reporting_date' AND `value` <> ''), '9999-12-31') AS `on_date`
),
`orgs` AS (
  SELECT `id`, `name` AS `value`, '2000-01-01' AS `start` FROM `organisations`
),
`changes` AS (
  SELECT `a`.`id` AS `audit_id`, CAST(`a`.`entity_id` AS INTEGER) AS `org_id`, json_extract(`a`.`before`, '$.name') AS `old_value`,
    CASE WHEN `a`.`action` = 'organisation.import_update'
      THEN coalesce((SELECT json_extract(`i`.`after`, '$.effectiveOn') FROM `audit_log` `i` WHERE `i`.`action` = 'organisation.import' AND `i`.`id` > `a`.`id` ORDER BY `i`.`id` LIMIT 1), (SELECT `on_date` FROM `reporting`))
      ELSE min(substr(`a`.`at`, 1, 10), (SELECT `on_date` FROM `reporting`)) END AS `on_date`
  FROM `audit_log` `a`
  WHERE `a`.`entity_type` = 'organisation' AND `a`.`action` IN ('organisation.update', 'organisation.import_update')
    AND json_valid(`a`.`before`) AND json_valid(`a`.`after`)
    AND json_extract(`a`.`before`, '$.name') IS NOT NULL AND json_extract(`a`.`after`, '$.name') IS NOT NULL
    AND json_extract(`a`.`before`, '$.name') <> json_extract(`a`.`after`, '$.name')
    AND CAST(`a`.`entity_id` AS INTEGER) IN (SELECT `id` FROM `orgs`)
),
`running` AS (
  SELECT `c`.`org_id`, `c`.`audit_id`, `c`.`old_value`, `o`.`start`,
    max(`c`.`on_date`) OVER (PARTITION BY `c`.`org_id` ORDER BY `c`.`audit_id` ROWS UNBOUNDED PRECEDING) AS `latest_on`
  FROM `changes` `c` JOIN `orgs` `o` ON `o`.`id` = `c`.`org_id`
),
`steps` AS (
  SELECT `org_id`, CASE WHEN `latest_on` > `start` THEN `latest_on` ELSE `start` END AS `valid_from`,
    lead(`old_value`) OVER (PARTITION BY `org_id` ORDER BY `audit_id`) AS `next_old_value`,
    row_number() OVER (PARTITION BY `org_id` ORDER BY `audit_id`) AS `seq`
  FROM `running`
),
`events` AS (
  SELECT `o`.`id` AS `org_id`, `o`.`start` AS `valid_from`,
    coalesce((SELECT `r`.`old_value` FROM `running` `r` WHERE `r`.`org_id` = `o`.`id` ORDER BY `r`.`audit_id` LIMIT 1), `o`.`value`) AS `value`, 0 AS `seq`,
    CASE WHEN EXISTS (SELECT 1 FROM `running` `r` WHERE `r`.`org_id` = `o`.`id`) THEN 'the name before a change recorded in the audit log' ELSE 'the name held before names were dated' END AS `note`
  FROM `orgs` `o`
  UNION ALL
  SELECT `s`.`org_id`, `s`.`valid_from`, CASE WHEN `s`.`next_old_value` IS NULL THEN `o`.`value` ELSE `s`.`next_old_value` END, `s`.`seq`, 'from a change of name recorded in the audit log'
  FROM `steps` `s` JOIN `orgs` `o` ON `o`.`id` = `s`.`org_id`
),
`periods` AS (
  SELECT `org_id`, `value`, `valid_from`, lead(`valid_from`) OVER (PARTITION BY `org_id` ORDER BY `seq`) AS `valid_to`, `note` FROM `events`
)
INSERT INTO `organisation_names` (`organisation_id`, `name`, `valid_from`, `valid_to`, `source`, `note`)
SELECT `org_id`, `value`, `valid_from`, `valid_to`, 'migration', `note` FROM `periods`
WHERE `valid_to` IS NULL OR `valid_to` > `valid_from`;
--> statement-breakpoint
-- Existing data: every organisation's private-provider flag over time. One period from 2000-01-01 (the earliest as-at
-- date: the value first known holds on every earlier date, as the app records it) with the value held now; where the
-- audit log shows the value changed (organisation.update from the form, organisation.import_update from an
-- import: the row's before and after JSON differ), the earlier values are put back as periods ending on the
-- change's date: an import's effective date (from the organisation.import row the same import wrote after
-- it), a form change the day it was saved, no later than the reporting date (the form changed values then).
-- Changes are taken in the order they were recorded; one dated on or before an earlier one takes effect with it.
WITH `reporting` AS (
  SELECT coalesce((SELECT `value` FROM `settings` WHERE `key` = 'reporting_date' AND `value` <> ''), '9999-12-31') AS `on_date`
),
`orgs` AS (
  SELECT `id`, `nhs_badged_private` AS `value`, '2000-01-01' AS `start` FROM `organisations`
),
`changes` AS (
  SELECT `a`.`id` AS `audit_id`, CAST(`a`.`entity_id` AS INTEGER) AS `org_id`, json_extract(`a`.`before`, '$.nhsBadgedPrivate') AS `old_value`,
    CASE WHEN `a`.`action` = 'organisation.import_update'
      THEN coalesce((SELECT json_extract(`i`.`after`, '$.effectiveOn') FROM `audit_log` `i` WHERE `i`.`action` = 'organisation.import' AND `i`.`id` > `a`.`id` ORDER BY `i`.`id` LIMIT 1), (SELECT `on_date` FROM `reporting`))
      ELSE min(substr(`a`.`at`, 1, 10), (SELECT `on_date` FROM `reporting`)) END AS `on_date`
  FROM `audit_log` `a`
  WHERE `a`.`entity_type` = 'organisation' AND `a`.`action` IN ('organisation.update', 'organisation.import_update')
    AND json_valid(`a`.`before`) AND json_valid(`a`.`after`)
    AND json_extract(`a`.`before`, '$.nhsBadgedPrivate') IS NOT NULL AND json_extract(`a`.`after`, '$.nhsBadgedPrivate') IS NOT NULL
    AND json_extract(`a`.`before`, '$.nhsBadgedPrivate') <> json_extract(`a`.`after`, '$.nhsBadgedPrivate')
    AND CAST(`a`.`entity_id` AS INTEGER) IN (SELECT `id` FROM `orgs`)
),
`running` AS (
  SELECT `c`.`org_id`, `c`.`audit_id`, `c`.`old_value`, `o`.`start`,
    max(`c`.`on_date`) OVER (PARTITION BY `c`.`org_id` ORDER BY `c`.`audit_id` ROWS UNBOUNDED PRECEDING) AS `latest_on`
  FROM `changes` `c` JOIN `orgs` `o` ON `o`.`id` = `c`.`org_id`
),
`steps` AS (
  SELECT `org_id`, CASE WHEN `latest_on` > `start` THEN `latest_on` ELSE `start` END AS `valid_from`,
    lead(`old_value`) OVER (PARTITION BY `org_id` ORDER BY `audit_id`) AS `next_old_value`,
    row_number() OVER (PARTITION BY `org_id` ORDER BY `audit_id`) AS `seq`
  FROM `running`
),
`events` AS (
  SELECT `o`.`id` AS `org_id`, `o`.`start` AS `valid_from`,
    coalesce((SELECT `r`.`old_value` FROM `running` `r` WHERE `r`.`org_id` = `o`.`id` ORDER BY `r`.`audit_id` LIMIT 1), `o`.`value`) AS `value`, 0 AS `seq`,
    CASE WHEN EXISTS (SELECT 1 FROM `running` `r` WHERE `r`.`org_id` = `o`.`id`) THEN 'the flag before a change recorded in the audit log' ELSE 'the private-provider flag held before it was dated' END AS `note`
  FROM `orgs` `o`
  UNION ALL
  SELECT `s`.`org_id`, `s`.`valid_from`, CASE WHEN `s`.`next_old_value` IS NULL THEN `o`.`value` ELSE `s`.`next_old_value` END, `s`.`seq`, 'from a change of the flag recorded in the audit log'
  FROM `steps` `s` JOIN `orgs` `o` ON `o`.`id` = `s`.`org_id`
),
`periods` AS (
  SELECT `org_id`, `value`, `valid_from`, lead(`valid_from`) OVER (PARTITION BY `org_id` ORDER BY `seq`) AS `valid_to`, `note` FROM `events`
)
INSERT INTO `organisation_private_provider_periods` (`organisation_id`, `nhs_badged_private`, `valid_from`, `valid_to`, `source`, `note`)
SELECT `org_id`, `value`, `valid_from`, `valid_to`, 'migration', `note` FROM `periods`
WHERE `valid_to` IS NULL OR `valid_to` > `valid_from`;
--> statement-breakpoint
-- The two new tables start with a change counter, as 0009 gave every table then (the triggers are created when the database is opened).
INSERT OR IGNORE INTO `table_versions` (`name`, `version`) SELECT `name`, random() FROM `sqlite_master` WHERE `type` = 'table' AND `name` IN ('organisation_names', 'organisation_private_provider_periods');
