import { sqliteTable, text, integer, index, check } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { enumCheck, nowIso } from "./helpers";
import { users } from "./auth";
import { organisations } from "./organisations";
import { ORGANISATION_STATUSES } from "./enums";

// Facts about an organisation over time, each a validity period (valid_from inclusive, valid_to
// exclusive, null = still valid; see app/models/temporal.ts). organisations.status and
// organisations.signed_up_on stay as the current values for forms and display; every count
// "as at D" asks these tables.

/** Where a dated fact came from, so the history says why it is there. */
export const ORGANISATION_FACT_SOURCES = ["migration", "seed", "form", "import"] as const;

/** The organisation's membership of the partnership: joined on valid_from, left on valid_to. */
export const organisationMemberships = sqliteTable(
  "organisation_memberships",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    validFrom: text("valid_from").notNull(),
    validTo: text("valid_to"),
    source: text("source", { enum: ORGANISATION_FACT_SOURCES }).notNull(),
    note: text("note"),
    recordedBy: integer("recorded_by").references(() => users.id),
    recordedAt: text("recorded_at").notNull().default(nowIso),
  },
  (t) => [
    index("organisation_memberships_org_idx").on(t.organisationId, t.validFrom),
    index("organisation_memberships_dates_idx").on(t.validFrom, t.validTo),
    enumCheck("organisation_memberships_source_check", t.source, ORGANISATION_FACT_SOURCES),
    check("organisation_memberships_period_check", sql`${t.validTo} IS NULL OR ${t.validTo} > ${t.validFrom}`),
  ],
);

/** The organisation's status (active, dormant, closed, proposed) from valid_from until valid_to. */
export const organisationStatusPeriods = sqliteTable(
  "organisation_status_periods",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    status: text("status", { enum: ORGANISATION_STATUSES }).notNull(),
    validFrom: text("valid_from").notNull(),
    validTo: text("valid_to"),
    source: text("source", { enum: ORGANISATION_FACT_SOURCES }).notNull(),
    note: text("note"),
    recordedBy: integer("recorded_by").references(() => users.id),
    recordedAt: text("recorded_at").notNull().default(nowIso),
  },
  (t) => [
    index("organisation_status_periods_org_idx").on(t.organisationId, t.validFrom),
    index("organisation_status_periods_status_dates_idx").on(t.status, t.validFrom, t.validTo),
    enumCheck("organisation_status_periods_status_check", t.status, ORGANISATION_STATUSES),
    enumCheck("organisation_status_periods_source_check", t.source, ORGANISATION_FACT_SOURCES),
    check("organisation_status_periods_period_check", sql`${t.validTo} IS NULL OR ${t.validTo} > ${t.validFrom}`),
  ],
);

/**
 * The organisation's name from valid_from until valid_to: a renamed practice keeps its old name in
 * every figure, list and title as at a date before the rename.
 */
export const organisationNames = sqliteTable(
  "organisation_names",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    validFrom: text("valid_from").notNull(),
    validTo: text("valid_to"),
    source: text("source", { enum: ORGANISATION_FACT_SOURCES }).notNull(),
    note: text("note"),
    recordedBy: integer("recorded_by").references(() => users.id),
    recordedAt: text("recorded_at").notNull().default(nowIso),
  },
  (t) => [
    index("organisation_names_org_idx").on(t.organisationId, t.validFrom),
    enumCheck("organisation_names_source_check", t.source, ORGANISATION_FACT_SOURCES),
    check("organisation_names_period_check", sql`${t.validTo} IS NULL OR ${t.validTo} > ${t.validFrom}`),
  ],
);

/**
 * Whether the organisation was a private provider working under the NHS badge, from valid_from
 * until valid_to: what makes a practice's uncovered record a high-severity exception on a date.
 */
export const organisationPrivateProviderPeriods = sqliteTable(
  "organisation_private_provider_periods",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    nhsBadgedPrivate: integer("nhs_badged_private", { mode: "boolean" }).notNull(),
    validFrom: text("valid_from").notNull(),
    validTo: text("valid_to"),
    source: text("source", { enum: ORGANISATION_FACT_SOURCES }).notNull(),
    note: text("note"),
    recordedBy: integer("recorded_by").references(() => users.id),
    recordedAt: text("recorded_at").notNull().default(nowIso),
  },
  (t) => [
    index("organisation_private_provider_periods_org_idx").on(t.organisationId, t.validFrom),
    enumCheck("organisation_private_provider_periods_source_check", t.source, ORGANISATION_FACT_SOURCES),
    check("organisation_private_provider_periods_period_check", sql`${t.validTo} IS NULL OR ${t.validTo} > ${t.validFrom}`),
  ],
);
