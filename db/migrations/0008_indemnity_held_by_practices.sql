ALTER TABLE `indemnity_covers` ADD `not_counted_reason` text;--> statement-breakpoint
ALTER TABLE `indemnity_covers` ADD `not_counted_at` text;--> statement-breakpoint
-- Existing data: the CCG indemnifies GP practices (the case study). Cover recorded for any other organisation is kept as history and no longer counted.
UPDATE `indemnity_covers` SET
  `not_counted_reason` = 'Held by an organisation that is not a GP practice: the CCG indemnifies practices against claims of illegal sharing, not the organisations that view their records. Kept as history; no longer counted.',
  `not_counted_at` = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE `not_counted_reason` IS NULL AND `organisation_id` IN (SELECT `id` FROM `organisations` WHERE `type` <> 'gp_practice');
--> statement-breakpoint
-- Existing data: an organisation of the private provider type is a private organisation working under the NHS badge (NHS-funded); a GP practice is not marked as one.
UPDATE `organisations` SET `nhs_badged_private` = 1 WHERE `type` = 'private_provider' AND `nhs_badged_private` = 0;
--> statement-breakpoint
UPDATE `organisations` SET `nhs_badged_private` = 0 WHERE `type` = 'gp_practice' AND `nhs_badged_private` = 1;
