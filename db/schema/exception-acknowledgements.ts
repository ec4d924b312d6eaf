import { sqliteTable, text, integer, index, check } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { enumCheck, nowIso } from "./helpers";
import { users } from "./auth";

// Someone who should act on an exception says they know, why it can wait, and until when. An
// acknowledgement is valid from acknowledged_on (the reporting date it was made on) until
// review_by (exclusive), and only while the exception is no more severe than it was then. Rows are
// never changed: acknowledging again adds a row, the latest one valid on a date counts.
// `kind` is not CHECKed against the engine's list: kinds are added in code, and a CHECK would
// need a table rebuild for each; the action only accepts keys the engine produces.
export const exceptionAcknowledgements = sqliteTable(
  "exception_acknowledgements",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The engine's stable key for the exception, e.g. "opt_in_below_target:P92010". */
    exceptionKey: text("exception_key").notNull(),
    kind: text("kind").notNull(),
    /** What the exception is about: the key without its rule prefix, e.g. "P92010". */
    subject: text("subject").notNull(),
    /** Its severity when acknowledged: if it becomes more severe, the acknowledgement no longer hides it. */
    severity: text("severity").notNull(),
    reason: text("reason").notNull(),
    reviewBy: text("review_by").notNull(),
    acknowledgedBy: integer("acknowledged_by").references(() => users.id, { onDelete: "set null" }),
    acknowledgedOn: text("acknowledged_on").notNull(),
    createdAt: text("created_at").notNull().default(nowIso),
  },
  (t) => [
    index("exception_acknowledgements_key_idx").on(t.exceptionKey, t.acknowledgedOn),
    index("exception_acknowledgements_dates_idx").on(t.acknowledgedOn, t.reviewBy),
    enumCheck("exception_acknowledgements_severity_check", t.severity, ["high", "medium", "low"]),
    check("exception_acknowledgements_period_check", sql`${t.reviewBy} > ${t.acknowledgedOn}`),
  ],
);
