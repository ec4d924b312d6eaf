ALTER TABLE `indemnity_covers` ADD `ended_on` text;--> statement-breakpoint
ALTER TABLE `indemnity_covers` ADD `ended_recorded_on` text;--> statement-breakpoint
ALTER TABLE `indemnity_covers` ADD `end_reason` text;--> statement-breakpoint
-- Existing data: cover ended early used to be an in-place edit of its end date ('indemnity.update' in the audit log). Where an edit brought the end date forward, the earliest end date before any edit is the signed end, the current end date is the early ending, recorded on the date of the last edit that moved it (no later than the reporting date). Cover never edited, or whose end was moved later, is unchanged.
UPDATE `indemnity_covers` SET
  `ended_on` = `indemnity_covers`.`end_on`,
  `end_on` = `recovered`.`signed_end_on`,
  `ended_recorded_on` = min(`recovered`.`recorded_on`, coalesce((SELECT `value` FROM `settings` WHERE `key` = 'reporting_date' AND `value` <> ''), `recovered`.`recorded_on`)),
  `end_reason` = 'Ended early by changing its end date, before endings were recorded as dated changes (recovered from the audit log)'
FROM (
  SELECT `c`.`id` AS `cover_id`,
    (SELECT json_extract(`a`.`before`, '$.endOn') FROM `audit_log` `a`
      WHERE `a`.`action` = 'indemnity.update' AND `a`.`entity_type` = 'indemnity_cover' AND `a`.`entity_id` = CAST(`c`.`id` AS TEXT)
        AND json_extract(`a`.`before`, '$.endOn') IS NOT json_extract(`a`.`after`, '$.endOn')
      ORDER BY `a`.`id` LIMIT 1) AS `signed_end_on`,
    (SELECT substr(`a`.`at`, 1, 10) FROM `audit_log` `a`
      WHERE `a`.`action` = 'indemnity.update' AND `a`.`entity_type` = 'indemnity_cover' AND `a`.`entity_id` = CAST(`c`.`id` AS TEXT)
        AND json_extract(`a`.`before`, '$.endOn') IS NOT json_extract(`a`.`after`, '$.endOn')
      ORDER BY `a`.`id` DESC LIMIT 1) AS `recorded_on`
  FROM `indemnity_covers` `c`
) AS `recovered`
WHERE `recovered`.`cover_id` = `indemnity_covers`.`id`
  AND `indemnity_covers`.`ended_on` IS NULL
  AND `recovered`.`signed_end_on` > `indemnity_covers`.`end_on`
  AND `indemnity_covers`.`end_on` >= `indemnity_covers`.`start_on`;
