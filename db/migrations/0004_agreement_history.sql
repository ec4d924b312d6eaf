CREATE TABLE `agreement_reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agreement_id` integer NOT NULL,
	`reviewed_on` text NOT NULL,
	`reviewed_by_user_id` integer NOT NULL,
	`reviewer_name` text NOT NULL,
	`outcome` text NOT NULL,
	`note` text,
	`next_review_on` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`agreement_id`) REFERENCES `agreements`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reviewed_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "agreement_reviews_outcome_check" CHECK("agreement_reviews"."outcome" IN ('no_change', 'new_version_needed')),
	CONSTRAINT "agreement_reviews_next_check" CHECK("agreement_reviews"."next_review_on" > "agreement_reviews"."reviewed_on")
);
--> statement-breakpoint
CREATE INDEX `agreement_reviews_agreement_idx` ON `agreement_reviews` (`agreement_id`,`reviewed_on`);--> statement-breakpoint
ALTER TABLE `agreements` ADD `drafted_on` text;--> statement-breakpoint
ALTER TABLE `agreements` ADD `sent_for_signature_on` text;
--> statement-breakpoint
-- Data: a signed version without its in-force-from date is in force from its last signature or its effective date, whichever is later.
UPDATE `agreements` SET `activated_on` = max(`effective_on`, coalesce((SELECT max(s.`signed_on`) FROM `agreement_signatures` s WHERE s.`agreement_id` = `agreements`.`id` AND s.`status` = 'signed'), `effective_on`)) WHERE `activated_on` IS NULL AND `status` IN ('active', 'superseded', 'expired', 'terminated');
--> statement-breakpoint
-- Data: a superseded version without its in-force-to date stopped being in force when the version replacing it came into force.
UPDATE `agreements` SET `ended_on` = (SELECT n.`activated_on` FROM `agreements` n WHERE n.`previous_version_id` = `agreements`.`id` AND n.`activated_on` IS NOT NULL ORDER BY n.`version` LIMIT 1) WHERE `ended_on` IS NULL AND `status` = 'superseded';
--> statement-breakpoint
-- Data: every version past draft was sent for signature on the earliest of when it was sent, a signature was requested or answered, or it came into force.
UPDATE `agreements` SET `sent_for_signature_on` = nullif(min(coalesce(substr(`sent_for_signature_at`, 1, 10), '9999-12-31'), coalesce((SELECT min(substr(s.`requested_at`, 1, 10)) FROM `agreement_signatures` s WHERE s.`agreement_id` = `agreements`.`id`), '9999-12-31'), coalesce((SELECT min(s.`signed_on`) FROM `agreement_signatures` s WHERE s.`agreement_id` = `agreements`.`id`), '9999-12-31'), coalesce(`activated_on`, '9999-12-31')), '9999-12-31') WHERE `status` <> 'draft';
--> statement-breakpoint
-- Data: every version was drafted on the earliest of its creation, its sending for signature and its coming into force, and no later than a fixed reporting date (the demo's clock).
UPDATE `agreements` SET `drafted_on` = min(substr(`created_at`, 1, 10), coalesce(`sent_for_signature_on`, '9999-12-31'), coalesce(`activated_on`, '9999-12-31'), coalesce((SELECT `value` FROM `settings` WHERE `key` = 'reporting_date' AND `value` <> ''), '9999-12-31'));
