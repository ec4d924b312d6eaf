import { sqliteTable, text, integer, index, uniqueIndex, check } from "drizzle-orm/sqlite-core";
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
