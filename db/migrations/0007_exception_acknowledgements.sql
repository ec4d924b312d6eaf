CREATE TABLE `exception_acknowledgements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`exception_key` text NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`severity` text NOT NULL,
	`reason` text NOT NULL,
	`review_by` text NOT NULL,
	`acknowledged_by` integer,
	`acknowledged_on` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`acknowledged_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "exception_acknowledgements_severity_check" CHECK("exception_acknowledgements"."severity" IN ('high', 'medium', 'low')),
	CONSTRAINT "exception_acknowledgements_period_check" CHECK("exception_acknowledgements"."review_by" > "exception_acknowledgements"."acknowledged_on")
);
--> statement-breakpoint
CREATE INDEX `exception_acknowledgements_key_idx` ON `exception_acknowledgements` (`exception_key`,`acknowledged_on`);--> statement-breakpoint
CREATE INDEX `exception_acknowledgements_dates_idx` ON `exception_acknowledgements` (`acknowledged_on`,`review_by`);