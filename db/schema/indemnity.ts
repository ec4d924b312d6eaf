import { sqliteTable, text, integer, index, check, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { enumCheck, nowIso } from "./helpers";
import { INDEMNITY_STATUSES } from "./enums";
import { organisations } from "./organisations";
import { users } from "./auth";

export const indemnityCovers = sqliteTable(
  "indemnity_covers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    scope: text("scope").notNull(),
    startOn: text("start_on").notNull(),
    // The last day of cover as signed. Ending cover early does not change it: see ended_on.
    endOn: text("end_on").notNull(),
    status: text("status", { enum: INDEMNITY_STATUSES }).notNull(),
    documentReference: text("document_reference"),
    signedBy: text("signed_by"),
    renewsCoverId: integer("renews_cover_id").references((): AnySQLiteColumn => indemnityCovers.id),
    // Set when a cover no longer counts for anything (e.g. cover once recorded for an organisation
    // that is not a GP practice): the row stays as history with the reason and when it was set aside.
    // Ending cover early is a dated change, not an edit of the signed end: the last day of cover
    // after ending it (null = runs to its signed end), the date the ending was recorded (from
    // which every figure as at a date reads it; see coverEndAsAtSql) and why.
    endedOn: text("ended_on"),
    endedRecordedOn: text("ended_recorded_on"),
    endReason: text("end_reason"),
    notCountedReason: text("not_counted_reason"),
    notCountedAt: text("not_counted_at"),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: text("created_at").notNull().default(nowIso),
    updatedAt: text("updated_at").notNull().default(nowIso),
  },
  (t) => [
    index("indemnity_covers_organisation_idx").on(t.organisationId, t.startOn),
    index("indemnity_covers_status_end_idx").on(t.status, t.endOn),
    enumCheck("indemnity_covers_status_check", t.status, INDEMNITY_STATUSES),
    check("indemnity_covers_dates_check", sql`${t.endOn} > ${t.startOn}`),
  ],
);
