CREATE TABLE `email_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedupe_key` text NOT NULL,
	`notification_id` integer,
	`user_id` integer,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`text_body` text NOT NULL,
	`html_body` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`next_attempt_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`claimed_by` text,
	`claimed_until` text,
	`sent_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`notification_id`) REFERENCES `notifications`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "email_outbox_status_check" CHECK("email_outbox"."status" IN ('kept', 'pending', 'sending', 'sent', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `email_outbox_dedupe_unique` ON `email_outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `email_outbox_status_next_idx` ON `email_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `notification_preferences` (
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`email` text NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`user_id`, `kind`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "notification_preferences_kind_check" CHECK("notification_preferences"."kind" IN ('case_submitted', 'case_changes_requested', 'case_approved', 'case_rejected', 'case_deferred', 'case_implemented', 'case_board_review', 'case_waiting', 'signature_requested', 'agreement_signed', 'cover_ending', 'cover_lapsed', 'review_due', 'review_overdue', 'priority_endorsement_due', 'opt_in_return_missing', 'weekly_digest')),
	CONSTRAINT "notification_preferences_email_check" CHECK("notification_preferences"."email" IN ('immediate', 'digest', 'off'))
);
--> statement-breakpoint
CREATE TABLE `notification_scans` (
	`scan_date` text PRIMARY KEY NOT NULL,
	`finished_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`created` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`record_key` text NOT NULL,
	`threshold` text DEFAULT '' NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`href` text NOT NULL,
	`on_date` text NOT NULL,
	`email_choice` text NOT NULL,
	`digested_at` text,
	`read_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "notifications_kind_check" CHECK("notifications"."kind" IN ('case_submitted', 'case_changes_requested', 'case_approved', 'case_rejected', 'case_deferred', 'case_implemented', 'case_board_review', 'case_waiting', 'signature_requested', 'agreement_signed', 'cover_ending', 'cover_lapsed', 'review_due', 'review_overdue', 'priority_endorsement_due', 'opt_in_return_missing', 'weekly_digest')),
	CONSTRAINT "notifications_email_choice_check" CHECK("notifications"."email_choice" IN ('immediate', 'digest', 'off'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_idempotency_unique` ON `notifications` (`kind`,`record_key`,`threshold`,`user_id`);--> statement-breakpoint
CREATE INDEX `notifications_user_read_idx` ON `notifications` (`user_id`,`read_at`);--> statement-breakpoint
CREATE INDEX `notifications_digest_idx` ON `notifications` (`email_choice`,`digested_at`);