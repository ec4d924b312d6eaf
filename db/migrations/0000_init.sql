CREATE TABLE `capabilities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`description` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `capabilities_code_unique` ON `capabilities` (`code`);--> statement-breakpoint
CREATE TABLE `deployment_status_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`deployment_id` integer NOT NULL,
	`status` text NOT NULL,
	`effective_on` text NOT NULL,
	`note` text,
	`recorded_by` integer,
	`recorded_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`deployment_id`) REFERENCES `deployments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "deployment_status_events_status_check" CHECK("deployment_status_events"."status" IN ('planned', 'in_progress', 'live', 'paused', 'withdrawn'))
);
--> statement-breakpoint
CREATE INDEX `deployment_status_events_deployment_date_idx` ON `deployment_status_events` (`deployment_id`,`effective_on`);--> statement-breakpoint
CREATE INDEX `deployment_status_events_date_idx` ON `deployment_status_events` (`effective_on`);--> statement-breakpoint
CREATE TABLE `deployment_usage` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`deployment_id` integer NOT NULL,
	`month` text NOT NULL,
	`views` integer NOT NULL,
	`recorded_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`deployment_id`) REFERENCES `deployments`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "deployment_usage_views_check" CHECK("deployment_usage"."views" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deployment_usage_deployment_month_unique` ON `deployment_usage` (`deployment_id`,`month`);--> statement-breakpoint
CREATE INDEX `deployment_usage_month_idx` ON `deployment_usage` (`month`);--> statement-breakpoint
CREATE TABLE `deployments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`service_id` integer NOT NULL,
	`capability_id` integer NOT NULL,
	`status` text DEFAULT 'planned' NOT NULL,
	`planned_go_live` text,
	`actual_go_live` text,
	`owner` text,
	`notes` text,
	`business_case_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`service_id`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`capability_id`) REFERENCES `capabilities`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`business_case_id`) REFERENCES `business_cases`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "deployments_status_check" CHECK("deployments"."status" IN ('planned', 'in_progress', 'live', 'paused', 'withdrawn'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deployments_service_capability_unique` ON `deployments` (`service_id`,`capability_id`);--> statement-breakpoint
CREATE INDEX `deployments_capability_status_idx` ON `deployments` (`capability_id`,`status`);--> statement-breakpoint
CREATE INDEX `deployments_business_case_idx` ON `deployments` (`business_case_id`);--> statement-breakpoint
CREATE TABLE `milestones` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`metric` text NOT NULL,
	`capability_id` integer,
	`target_value` integer,
	`due_on` text NOT NULL,
	`description` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`capability_id`) REFERENCES `capabilities`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "milestones_metric_check" CHECK("milestones"."metric" IN ('services_live', 'practices_signed_up', 'opt_in_rate', 'other'))
);
--> statement-breakpoint
CREATE INDEX `milestones_due_idx` ON `milestones` (`due_on`);--> statement-breakpoint
CREATE TABLE `organisations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ods_code` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`locality` text,
	`nhs_badged_private` integer DEFAULT false NOT NULL,
	`list_size` integer,
	`signed_up_on` text,
	`dspt_status` text,
	`dspt_year` text,
	`status` text DEFAULT 'active' NOT NULL,
	`postcode` text,
	`commissioner_code` text,
	`opened_on` text,
	`closed_on` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	CONSTRAINT "organisations_type_check" CHECK("organisations"."type" IN ('gp_practice', 'acute_trust', 'mental_health_trust', 'community_provider', 'hospice', 'local_authority', 'ccg', 'private_provider', 'other')),
	CONSTRAINT "organisations_dspt_status_check" CHECK("organisations"."dspt_status" IS NULL OR "organisations"."dspt_status" IN ('standards_exceeded', 'standards_met', 'approaching_standards', 'not_met', 'not_published')),
	CONSTRAINT "organisations_status_check" CHECK("organisations"."status" IN ('active', 'closed', 'dormant', 'proposed')),
	CONSTRAINT "organisations_list_size_check" CHECK("organisations"."list_size" IS NULL OR "organisations"."list_size" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisations_ods_code_unique` ON `organisations` (`ods_code`);--> statement-breakpoint
CREATE INDEX `organisations_type_locality_idx` ON `organisations` (`type`,`locality`);--> statement-breakpoint
CREATE INDEX `organisations_name_idx` ON `organisations` (`name`);--> statement-breakpoint
CREATE TABLE `priorities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`endorsement_interval_months` integer DEFAULT 12 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	CONSTRAINT "priorities_interval_check" CHECK("priorities"."endorsement_interval_months" BETWEEN 1 AND 60)
);
--> statement-breakpoint
CREATE TABLE `priority_endorsements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`priority_id` integer NOT NULL,
	`endorsed_on` text NOT NULL,
	`endorsed_by` integer,
	`minute_reference` text,
	`note` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`priority_id`) REFERENCES `priorities`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`endorsed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `priority_endorsements_priority_date_idx` ON `priority_endorsements` (`priority_id`,`endorsed_on`);--> statement-breakpoint
CREATE TABLE `services` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`name` text NOT NULL,
	`category` text,
	`description` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `services_organisation_name_unique` ON `services` (`organisation_id`,`name`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_by` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`expires_on` text,
	`last_used_at` text,
	`revoked_at` text,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`ip` text,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `sign_in_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`ip` text NOT NULL,
	`at` integer NOT NULL,
	`succeeded` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sign_in_attempts_email_at_idx` ON `sign_in_attempts` (`email`,`at`);--> statement-breakpoint
CREATE INDEX `sign_in_attempts_ip_at_idx` ON `sign_in_attempts` (`ip`,`at`);--> statement-breakpoint
CREATE TABLE `user_roles` (
	`user_id` integer NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`user_id`, `role`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "user_roles_role_check" CHECK("user_roles"."role" IN ('admin', 'board', 'programme', 'ig_lead', 'ccg', 'practitioner'))
);
--> statement-breakpoint
CREATE INDEX `user_roles_role_idx` ON `user_roles` (`role`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`job_title` text,
	`organisation_id` integer NOT NULL,
	`password_hash` text NOT NULL,
	`disabled_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_organisation_idx` ON `users` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `maturity_assessments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`framework_id` integer NOT NULL,
	`assessed_on` text NOT NULL,
	`assessor` text NOT NULL,
	`overall_score` real NOT NULL,
	`created_by` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`framework_id`) REFERENCES `maturity_frameworks`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `maturity_assessments_org_framework_date_idx` ON `maturity_assessments` (`organisation_id`,`framework_id`,`assessed_on`);--> statement-breakpoint
CREATE TABLE `maturity_dimensions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`framework_id` integer NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`position` integer NOT NULL,
	FOREIGN KEY (`framework_id`) REFERENCES `maturity_frameworks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `maturity_dimensions_framework_code_unique` ON `maturity_dimensions` (`framework_id`,`code`);--> statement-breakpoint
CREATE TABLE `maturity_frameworks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`scale_min` real NOT NULL,
	`scale_max` real NOT NULL,
	`whole_numbers` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	CONSTRAINT "maturity_frameworks_scale_check" CHECK("maturity_frameworks"."scale_max" > "maturity_frameworks"."scale_min")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `maturity_frameworks_code_unique` ON `maturity_frameworks` (`code`);--> statement-breakpoint
CREATE TABLE `maturity_scores` (
	`assessment_id` integer NOT NULL,
	`dimension_id` integer NOT NULL,
	`score` real NOT NULL,
	`evidence` text,
	PRIMARY KEY(`assessment_id`, `dimension_id`),
	FOREIGN KEY (`assessment_id`) REFERENCES `maturity_assessments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`dimension_id`) REFERENCES `maturity_dimensions`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `opt_in_returns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`month` text NOT NULL,
	`registered` integer NOT NULL,
	`opted_in` integer NOT NULL,
	`declined` integer NOT NULL,
	`not_asked` integer NOT NULL,
	`national_opt_outs` integer,
	`uploaded_by` integer,
	`uploaded_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "opt_in_returns_figures_check" CHECK("opt_in_returns"."registered" >= 0 AND "opt_in_returns"."opted_in" >= 0 AND "opt_in_returns"."declined" >= 0 AND "opt_in_returns"."not_asked" >= 0 AND "opt_in_returns"."opted_in" + "opt_in_returns"."declined" + "opt_in_returns"."not_asked" = "opt_in_returns"."registered")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `opt_in_returns_organisation_month_unique` ON `opt_in_returns` (`organisation_id`,`month`);--> statement-breakpoint
CREATE INDEX `opt_in_returns_month_idx` ON `opt_in_returns` (`month`);--> statement-breakpoint
CREATE TABLE `indemnity_covers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`scope` text NOT NULL,
	`start_on` text NOT NULL,
	`end_on` text NOT NULL,
	`status` text NOT NULL,
	`document_reference` text,
	`signed_by` text,
	`renews_cover_id` integer,
	`created_by` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`renews_cover_id`) REFERENCES `indemnity_covers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "indemnity_covers_status_check" CHECK("indemnity_covers"."status" IN ('pending', 'active', 'lapsed', 'revoked')),
	CONSTRAINT "indemnity_covers_dates_check" CHECK("indemnity_covers"."end_on" > "indemnity_covers"."start_on")
);
--> statement-breakpoint
CREATE INDEX `indemnity_covers_organisation_idx` ON `indemnity_covers` (`organisation_id`,`start_on`);--> statement-breakpoint
CREATE INDEX `indemnity_covers_status_end_idx` ON `indemnity_covers` (`status`,`end_on`);--> statement-breakpoint
CREATE TABLE `agreement_coverage` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agreement_id` integer NOT NULL,
	`service_id` integer NOT NULL,
	`deployment_id` integer,
	FOREIGN KEY (`agreement_id`) REFERENCES `agreements`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`service_id`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`deployment_id`) REFERENCES `deployments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agreement_coverage_unique` ON `agreement_coverage` (`agreement_id`,`service_id`,`deployment_id`);--> statement-breakpoint
CREATE INDEX `agreement_coverage_service_idx` ON `agreement_coverage` (`service_id`);--> statement-breakpoint
CREATE INDEX `agreement_coverage_deployment_idx` ON `agreement_coverage` (`deployment_id`);--> statement-breakpoint
CREATE TABLE `agreement_parties` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agreement_id` integer NOT NULL,
	`organisation_id` integer NOT NULL,
	`role` text NOT NULL,
	FOREIGN KEY (`agreement_id`) REFERENCES `agreements`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "agreement_parties_role_check" CHECK("agreement_parties"."role" IN ('controller', 'joint_controller', 'processor'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agreement_parties_agreement_org_unique` ON `agreement_parties` (`agreement_id`,`organisation_id`);--> statement-breakpoint
CREATE INDEX `agreement_parties_org_idx` ON `agreement_parties` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `agreement_signatures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agreement_id` integer NOT NULL,
	`party_id` integer NOT NULL,
	`status` text DEFAULT 'requested' NOT NULL,
	`requested_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`signed_by_user_id` integer,
	`signatory_name` text,
	`signatory_role` text,
	`signed_on` text,
	`authority_declared` integer DEFAULT false NOT NULL,
	`decline_reason` text,
	FOREIGN KEY (`agreement_id`) REFERENCES `agreements`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`party_id`) REFERENCES `agreement_parties`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`signed_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "agreement_signatures_status_check" CHECK("agreement_signatures"."status" IN ('requested', 'signed', 'declined')),
	CONSTRAINT "agreement_signatures_signed_check" CHECK("agreement_signatures"."status" <> 'signed' OR ("agreement_signatures"."signed_by_user_id" IS NOT NULL AND "agreement_signatures"."signed_on" IS NOT NULL AND "agreement_signatures"."authority_declared" = 1))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agreement_signatures_party_unique` ON `agreement_signatures` (`party_id`);--> statement-breakpoint
CREATE INDEX `agreement_signatures_agreement_idx` ON `agreement_signatures` (`agreement_id`,`status`);--> statement-breakpoint
CREATE TABLE `agreements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reference` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`title` text NOT NULL,
	`purpose` text NOT NULL,
	`article6_basis` text NOT NULL,
	`article9_condition` text,
	`common_law_basis` text NOT NULL,
	`consent_model` text NOT NULL,
	`data_items` text NOT NULL,
	`retention` text,
	`review_interval_months` integer DEFAULT 24 NOT NULL,
	`effective_on` text NOT NULL,
	`review_on` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`sent_for_signature_at` text,
	`activated_on` text,
	`ended_on` text,
	`end_reason` text,
	`previous_version_id` integer,
	`created_by` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`previous_version_id`) REFERENCES `agreements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "agreements_purpose_check" CHECK("agreements"."purpose" IN ('direct_care', 'planning', 'research')),
	CONSTRAINT "agreements_article6_check" CHECK("agreements"."article6_basis" IN ('6_1_a', '6_1_b', '6_1_c', '6_1_d', '6_1_e', '6_1_f')),
	CONSTRAINT "agreements_article9_check" CHECK("agreements"."article9_condition" IS NULL OR "agreements"."article9_condition" IN ('9_2_a', '9_2_b', '9_2_c', '9_2_d', '9_2_e', '9_2_f', '9_2_g', '9_2_h', '9_2_i', '9_2_j')),
	CONSTRAINT "agreements_common_law_check" CHECK("agreements"."common_law_basis" IN ('implied_consent', 'explicit_consent', 's251_support', 'not_confidential')),
	CONSTRAINT "agreements_consent_model_check" CHECK("agreements"."consent_model" IN ('opt_in_point_of_care', 'implied', 'opt_out')),
	CONSTRAINT "agreements_status_check" CHECK("agreements"."status" IN ('draft', 'awaiting_signatures', 'active', 'expired', 'terminated', 'superseded')),
	CONSTRAINT "agreements_review_interval_check" CHECK("agreements"."review_interval_months" BETWEEN 1 AND 60),
	CONSTRAINT "agreements_version_check" CHECK("agreements"."version" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agreements_reference_version_unique` ON `agreements` (`reference`,`version`);--> statement-breakpoint
CREATE INDEX `agreements_status_review_idx` ON `agreements` (`status`,`review_on`);--> statement-breakpoint
CREATE TABLE `dpias` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agreement_id` integer NOT NULL,
	`reference` text NOT NULL,
	`status` text DEFAULT 'not_started' NOT NULL,
	`not_required_reason` text,
	`completed_on` text,
	`residual_risk` text,
	`ico_consulted_on` text,
	`notes` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`agreement_id`) REFERENCES `agreements`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "dpias_status_check" CHECK("dpias"."status" IN ('not_started', 'in_progress', 'completed', 'not_required')),
	CONSTRAINT "dpias_residual_risk_check" CHECK("dpias"."residual_risk" IS NULL OR "dpias"."residual_risk" IN ('low', 'medium', 'high')),
	CONSTRAINT "dpias_not_required_check" CHECK("dpias"."status" <> 'not_required' OR "dpias"."not_required_reason" IS NOT NULL)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dpias_agreement_unique` ON `dpias` (`agreement_id`);--> statement-breakpoint
CREATE TABLE `business_case_authors` (
	`case_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`case_id`, `user_id`),
	FOREIGN KEY (`case_id`) REFERENCES `business_cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "business_case_authors_role_check" CHECK("business_case_authors"."role" IN ('author', 'co_author'))
);
--> statement-breakpoint
CREATE INDEX `business_case_authors_user_idx` ON `business_case_authors` (`user_id`);--> statement-breakpoint
CREATE TABLE `business_case_comments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` integer NOT NULL,
	`author_id` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`edited_at` text,
	`deleted_at` text,
	FOREIGN KEY (`case_id`) REFERENCES `business_cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `business_case_comments_case_idx` ON `business_case_comments` (`case_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `business_case_deployments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` integer NOT NULL,
	`service_id` integer NOT NULL,
	`capability_id` integer NOT NULL,
	`deployment_id` integer,
	FOREIGN KEY (`case_id`) REFERENCES `business_cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`service_id`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`capability_id`) REFERENCES `capabilities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`deployment_id`) REFERENCES `deployments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `business_case_deployments_unique` ON `business_case_deployments` (`case_id`,`service_id`,`capability_id`);--> statement-breakpoint
CREATE INDEX `business_case_deployments_deployment_idx` ON `business_case_deployments` (`deployment_id`);--> statement-breakpoint
CREATE TABLE `business_case_partners` (
	`case_id` integer NOT NULL,
	`organisation_id` integer NOT NULL,
	PRIMARY KEY(`case_id`, `organisation_id`),
	FOREIGN KEY (`case_id`) REFERENCES `business_cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `business_case_partners_org_idx` ON `business_case_partners` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `business_case_transitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` integer NOT NULL,
	`from_state` text,
	`to_state` text NOT NULL,
	`actor_id` integer NOT NULL,
	`at` text NOT NULL,
	`note` text,
	`ig_recommendation` text,
	`rationale` text,
	`meeting_reference` text,
	`meeting_date` text,
	`interest_declared` text,
	`case_version` integer NOT NULL,
	`snapshot` text,
	FOREIGN KEY (`case_id`) REFERENCES `business_cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "business_case_transitions_from_check" CHECK("business_case_transitions"."from_state" IS NULL OR "business_case_transitions"."from_state" IN ('draft', 'submitted', 'ig_review', 'changes_requested', 'board_review', 'approved', 'rejected', 'deferred', 'withdrawn', 'implemented')),
	CONSTRAINT "business_case_transitions_to_check" CHECK("business_case_transitions"."to_state" IN ('draft', 'submitted', 'ig_review', 'changes_requested', 'board_review', 'approved', 'rejected', 'deferred', 'withdrawn', 'implemented'))
);
--> statement-breakpoint
CREATE INDEX `business_case_transitions_case_idx` ON `business_case_transitions` (`case_id`,`at`);--> statement-breakpoint
CREATE INDEX `business_case_transitions_to_state_idx` ON `business_case_transitions` (`to_state`,`at`);--> statement-breakpoint
CREATE TABLE `business_cases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reference` text NOT NULL,
	`title` text NOT NULL,
	`summary` text,
	`state` text DEFAULT 'draft' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`author_id` integer NOT NULL,
	`sponsor_organisation_id` integer,
	`purpose` text,
	`direction` text,
	`systems` text,
	`data_items` text,
	`benefit` text,
	`clinician_involvement` text,
	`public_involvement` text,
	`article6_basis` text,
	`article9_condition` text,
	`common_law_basis` text,
	`consent_model` text,
	`dpia_needed` integer,
	`dpia_status` text,
	`risks` text,
	`caldicott` text,
	`target_go_live` text,
	`state_changed_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`submitted_at` text,
	`decided_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sponsor_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "business_cases_state_check" CHECK("business_cases"."state" IN ('draft', 'submitted', 'ig_review', 'changes_requested', 'board_review', 'approved', 'rejected', 'deferred', 'withdrawn', 'implemented')),
	CONSTRAINT "business_cases_purpose_check" CHECK("business_cases"."purpose" IS NULL OR "business_cases"."purpose" IN ('direct_care', 'planning', 'research')),
	CONSTRAINT "business_cases_direction_check" CHECK("business_cases"."direction" IS NULL OR "business_cases"."direction" IN ('one_way', 'two_way')),
	CONSTRAINT "business_cases_article6_check" CHECK("business_cases"."article6_basis" IS NULL OR "business_cases"."article6_basis" IN ('6_1_a', '6_1_b', '6_1_c', '6_1_d', '6_1_e', '6_1_f')),
	CONSTRAINT "business_cases_article9_check" CHECK("business_cases"."article9_condition" IS NULL OR "business_cases"."article9_condition" IN ('9_2_a', '9_2_b', '9_2_c', '9_2_d', '9_2_e', '9_2_f', '9_2_g', '9_2_h', '9_2_i', '9_2_j')),
	CONSTRAINT "business_cases_common_law_check" CHECK("business_cases"."common_law_basis" IS NULL OR "business_cases"."common_law_basis" IN ('implied_consent', 'explicit_consent', 's251_support', 'not_confidential')),
	CONSTRAINT "business_cases_consent_model_check" CHECK("business_cases"."consent_model" IS NULL OR "business_cases"."consent_model" IN ('opt_in_point_of_care', 'implied', 'opt_out')),
	CONSTRAINT "business_cases_dpia_status_check" CHECK("business_cases"."dpia_status" IS NULL OR "business_cases"."dpia_status" IN ('not_started', 'in_progress', 'completed', 'not_required'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `business_cases_reference_unique` ON `business_cases` (`reference`);--> statement-breakpoint
CREATE INDEX `business_cases_state_idx` ON `business_cases` (`state`,`state_changed_at`);--> statement-breakpoint
CREATE INDEX `business_cases_author_idx` ON `business_cases` (`author_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor_user_id` integer,
	`actor_label` text NOT NULL,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text,
	`before` text,
	`after` text,
	`ip` text,
	`request_id` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_entity_idx` ON `audit_log` (`entity_type`,`entity_id`);--> statement-breakpoint
CREATE INDEX `audit_log_actor_idx` ON `audit_log` (`actor_user_id`);--> statement-breakpoint
CREATE INDEX `audit_log_action_at_idx` ON `audit_log` (`action`,`at`);--> statement-breakpoint
CREATE TABLE `board_packs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`as_at` text NOT NULL,
	`issued_by` integer,
	`issued_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`issued_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `board_packs_as_at_idx` ON `board_packs` (`as_at`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
