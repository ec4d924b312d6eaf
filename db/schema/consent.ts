import { sqliteTable, text, integer, real, index, uniqueIndex, check, primaryKey } from "drizzle-orm/sqlite-core";
import { ORGANISATION_TYPES } from "./enums";
import { sql } from "drizzle-orm";
import { nowIso } from "./helpers";
import { organisations } from "./organisations";
import { users } from "./auth";

export const optInReturns = sqliteTable(
  "opt_in_returns",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    month: text("month").notNull(),
    registered: integer("registered").notNull(),
    optedIn: integer("opted_in").notNull(),
    declined: integer("declined").notNull(),
    notAsked: integer("not_asked").notNull(),
    // National Data Opt-out count, if recorded: a different thing, never summed with the local figures.
    nationalOptOuts: integer("national_opt_outs"),
    uploadedBy: integer("uploaded_by").references(() => users.id),
    uploadedAt: text("uploaded_at").notNull().default(nowIso),
  },
  (t) => [
    uniqueIndex("opt_in_returns_organisation_month_unique").on(t.organisationId, t.month),
    index("opt_in_returns_month_idx").on(t.month),
    check(
      "opt_in_returns_figures_check",
      sql`${t.registered} >= 0 AND ${t.optedIn} >= 0 AND ${t.declined} >= 0 AND ${t.notAsked} >= 0 AND ${t.optedIn} + ${t.declined} + ${t.notAsked} = ${t.registered}`,
    ),
  ],
);

// ---------------------------------------------------------------------------------------------
// Read models (app/models/consent.read-model.server.ts keeps them, in the transaction that writes
// the returns or moves a practice; `npm run db:rebuild-read-models` rebuilds them from the returns).

/** Opt-in summed by month, locality ('' for none) and organisation type: the borough, locality and trend figures. */
export const optInMonthlyTotals = sqliteTable(
  "opt_in_monthly_totals",
  {
    month: text("month").notNull(),
    locality: text("locality").notNull(),
    organisationType: text("organisation_type", { enum: ORGANISATION_TYPES }).notNull(),
    registered: integer("registered").notNull(),
    optedIn: integer("opted_in").notNull(),
    declined: integer("declined").notNull(),
    notAsked: integer("not_asked").notNull(),
    /** Returns counted (one per practice). */
    practices: integer("practices").notNull(),
    /** National Data Opt-out summed over the returns that recorded it, and how many did. */
    nationalOptOuts: integer("national_opt_outs").notNull(),
    nationalPractices: integer("national_practices").notNull(),
  },
  (t) => [primaryKey({ columns: [t.organisationType, t.month, t.locality] }), index("opt_in_monthly_totals_month_idx").on(t.month)],
);

/**
 * Each return with the rate, changes and flags it carries (rate 1, 2, 3 and 12 months before):
 * a practice's latest return as at a month is one seek on the primary key.
 */
export const optInPracticeMonths = sqliteTable(
  "opt_in_practice_months",
  {
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    month: text("month").notNull(),
    registered: integer("registered").notNull(),
    optedIn: integer("opted_in").notNull(),
    declined: integer("declined").notNull(),
    notAsked: integer("not_asked").notNull(),
    nationalOptOuts: integer("national_opt_outs"),
    rate: real("rate"),
    change3: real("change_3"),
    change12: real("change_12"),
    /** The rate fell in each of the last three month-on-month steps. */
    falling: integer("falling").notNull(),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.month] })],
);
