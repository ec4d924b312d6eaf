CREATE TABLE `opt_in_monthly_totals` (
	`month` text NOT NULL,
	`locality` text NOT NULL,
	`organisation_type` text NOT NULL,
	`registered` integer NOT NULL,
	`opted_in` integer NOT NULL,
	`declined` integer NOT NULL,
	`not_asked` integer NOT NULL,
	`practices` integer NOT NULL,
	`national_opt_outs` integer NOT NULL,
	`national_practices` integer NOT NULL,
	PRIMARY KEY(`organisation_type`, `month`, `locality`)
);
--> statement-breakpoint
CREATE INDEX `opt_in_monthly_totals_month_idx` ON `opt_in_monthly_totals` (`month`);--> statement-breakpoint
CREATE TABLE `opt_in_practice_months` (
	`organisation_id` integer NOT NULL,
	`month` text NOT NULL,
	`registered` integer NOT NULL,
	`opted_in` integer NOT NULL,
	`declined` integer NOT NULL,
	`not_asked` integer NOT NULL,
	`national_opt_outs` integer,
	`rate` real,
	`change_3` real,
	`change_12` real,
	`falling` integer NOT NULL,
	PRIMARY KEY(`organisation_id`, `month`),
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO opt_in_monthly_totals (month, locality, organisation_type, registered, opted_in, declined, not_asked, practices, national_opt_outs, national_practices)
  SELECT r.month, coalesce(o.locality, ''), o.type, sum(r.registered), sum(r.opted_in), sum(r.declined), sum(r.not_asked), count(*),
    coalesce(sum(r.national_opt_outs), 0), count(r.national_opt_outs)
  FROM opt_in_returns r JOIN organisations o ON o.id = r.organisation_id
  GROUP BY r.month, coalesce(o.locality, ''), o.type;
--> statement-breakpoint
INSERT INTO opt_in_practice_months (organisation_id, month, registered, opted_in, declined, not_asked, national_opt_outs, rate, change_3, change_12, falling)
  SELECT organisation_id, month, registered, opted_in, declined, not_asked, national_opt_outs, rate, rate - rate_3, rate - rate_12,
    coalesce(rate < rate_1 AND rate_1 < rate_2 AND rate_2 < rate_3, 0)
  FROM (
    SELECT r.organisation_id, r.month, r.registered, r.opted_in, r.declined, r.not_asked, r.national_opt_outs,
      CASE WHEN r.registered > 0 THEN r.opted_in * 100.0 / r.registered END AS rate,
      CASE WHEN b1.registered > 0 THEN b1.opted_in * 100.0 / b1.registered END AS rate_1,
      CASE WHEN b2.registered > 0 THEN b2.opted_in * 100.0 / b2.registered END AS rate_2,
      CASE WHEN b3.registered > 0 THEN b3.opted_in * 100.0 / b3.registered END AS rate_3,
      CASE WHEN b12.registered > 0 THEN b12.opted_in * 100.0 / b12.registered END AS rate_12
    FROM opt_in_returns r
    LEFT JOIN opt_in_returns b1 ON b1.organisation_id = r.organisation_id AND b1.month = printf('%04d-%02d', (cast(substr(r.month, 1, 4) AS integer) * 12 + cast(substr(r.month, 6, 2) AS integer) - 1 - 1) / 12, (cast(substr(r.month, 1, 4) AS integer) * 12 + cast(substr(r.month, 6, 2) AS integer) - 1 - 1) % 12 + 1)
    LEFT JOIN opt_in_returns b2 ON b2.organisation_id = r.organisation_id AND b2.month = printf('%04d-%02d', (cast(substr(r.month, 1, 4) AS integer) * 12 + cast(substr(r.month, 6, 2) AS integer) - 1 - 2) / 12, (cast(substr(r.month, 1, 4) AS integer) * 12 + cast(substr(r.month, 6, 2) AS integer) - 1 - 2) % 12 + 1)
    LEFT JOIN opt_in_returns b3 ON b3.organisation_id = r.organisation_id AND b3.month = printf('%04d-%02d', (cast(substr(r.month, 1, 4) AS integer) * 12 + cast(substr(r.month, 6, 2) AS integer) - 1 - 3) / 12, (cast(substr(r.month, 1, 4) AS integer) * 12 + cast(substr(r.month, 6, 2) AS integer) - 1 - 3) % 12 + 1)
    LEFT JOIN opt_in_returns b12 ON b12.organisation_id = r.organisation_id AND b12.month = printf('%04d-%02d', (cast(substr(r.month, 1, 4) AS integer) * 12 + cast(substr(r.month, 6, 2) AS integer) - 1 - 12) / 12, (cast(substr(r.month, 1, 4) AS integer) * 12 + cast(substr(r.month, 6, 2) AS integer) - 1 - 12) % 12 + 1)
  );
