import { sqliteTable, text, integer, index, uniqueIndex, check, primaryKey, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { enumCheck, nowIso } from "./helpers";
import { users } from "./auth";
import { businessCases } from "./cases";
import {
  DEPLOYMENT_STATUSES,
  DSPT_STATUSES,
  MILESTONE_METRICS,
  ORGANISATION_STATUSES,
  ORGANISATION_TYPES,
} from "./enums";

export const organisations = sqliteTable(
  "organisations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    odsCode: text("ods_code").notNull(),
    name: text("name").notNull(),
    type: text("type", { enum: ORGANISATION_TYPES }).notNull(),
    locality: text("locality"),
    nhsBadgedPrivate: integer("nhs_badged_private", { mode: "boolean" }).notNull().default(false),
    listSize: integer("list_size"),
    signedUpOn: text("signed_up_on"),
    dsptStatus: text("dspt_status", { enum: DSPT_STATUSES }),
    dsptYear: text("dspt_year"),
    status: text("status", { enum: ORGANISATION_STATUSES }).notNull().default("active"),
    postcode: text("postcode"),
    commissionerCode: text("commissioner_code"),
    openedOn: text("opened_on"),
    closedOn: text("closed_on"),
    createdAt: text("created_at").notNull().default(nowIso),
    updatedAt: text("updated_at").notNull().default(nowIso),
  },
  (t) => [
    uniqueIndex("organisations_ods_code_unique").on(t.odsCode),
    index("organisations_type_locality_idx").on(t.type, t.locality),
    index("organisations_name_idx").on(t.name),
    enumCheck("organisations_type_check", t.type, ORGANISATION_TYPES),
    enumCheck("organisations_dspt_status_check", t.dsptStatus, DSPT_STATUSES, true),
    enumCheck("organisations_status_check", t.status, ORGANISATION_STATUSES),
    check("organisations_list_size_check", sql`${t.listSize} IS NULL OR ${t.listSize} >= 0`),
  ],
);

export const services = sqliteTable(
  "services",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "restrict" }),
    name: text("name").notNull(),
    category: text("category"),
    description: text("description"),
    createdAt: text("created_at").notNull().default(nowIso),
    updatedAt: text("updated_at").notNull().default(nowIso),
  },
  (t) => [uniqueIndex("services_organisation_name_unique").on(t.organisationId, t.name)],
);

export const capabilities = sqliteTable(
  "capabilities",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    code: text("code").notNull(),
    name: text("name").notNull(),
    description: text("description"),
  },
  (t) => [uniqueIndex("capabilities_code_unique").on(t.code)],
);

export const deployments = sqliteTable(
  "deployments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    serviceId: integer("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "restrict" }),
    capabilityId: integer("capability_id")
      .notNull()
      .references(() => capabilities.id, { onDelete: "restrict" }),
    // Current status, kept in step with the latest status event; as-at views use the events.
    status: text("status", { enum: DEPLOYMENT_STATUSES }).notNull().default("planned"),
    plannedGoLive: text("planned_go_live"),
    actualGoLive: text("actual_go_live"),
    owner: text("owner"),
    notes: text("notes"),
    businessCaseId: integer("business_case_id").references((): AnySQLiteColumn => businessCases.id, { onDelete: "set null" }),
    createdAt: text("created_at").notNull().default(nowIso),
    updatedAt: text("updated_at").notNull().default(nowIso),
  },
  (t) => [
    uniqueIndex("deployments_service_capability_unique").on(t.serviceId, t.capabilityId),
    index("deployments_capability_status_idx").on(t.capabilityId, t.status),
    index("deployments_business_case_idx").on(t.businessCaseId),
    enumCheck("deployments_status_check", t.status, DEPLOYMENT_STATUSES),
  ],
);

export const deploymentStatusEvents = sqliteTable(
  "deployment_status_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deploymentId: integer("deployment_id")
      .notNull()
      .references(() => deployments.id, { onDelete: "cascade" }),
    status: text("status", { enum: DEPLOYMENT_STATUSES }).notNull(),
    effectiveOn: text("effective_on").notNull(),
    note: text("note"),
    recordedBy: integer("recorded_by").references(() => users.id),
    recordedAt: text("recorded_at").notNull().default(nowIso),
    // A correction: the event was recorded in error. It stays in the history, counts for nothing.
    voidedAt: text("voided_at"),
    // The user who voided it (no foreign key: SQLite adds a referencing column only by rebuilding the table).
    voidedBy: integer("voided_by"),
    voidReason: text("void_reason"),
  },
  (t) => [
    index("deployment_status_events_deployment_date_idx").on(t.deploymentId, t.effectiveOn),
    index("deployment_status_events_date_idx").on(t.effectiveOn),
    enumCheck("deployment_status_events_status_check", t.status, DEPLOYMENT_STATUSES),
  ],
);

/**
 * Read model: each deployment's status as stored validity intervals (valid_from inclusive,
 * valid_to exclusive, null = still in force), derived from its non-voided status events and
 * rewritten in the same transaction as every event write or correction
 * (app/models/rollout.read-model.server.ts). Every "status as at D" question reads this table.
 */
export const deploymentStatusIntervals = sqliteTable(
  "deployment_status_intervals",
  {
    deploymentId: integer("deployment_id")
      .notNull()
      .references(() => deployments.id, { onDelete: "cascade" }),
    status: text("status", { enum: DEPLOYMENT_STATUSES }).notNull(),
    validFrom: text("valid_from").notNull(),
    validTo: text("valid_to"),
  },
  (t) => [
    primaryKey({ columns: [t.deploymentId, t.validFrom] }),
    // "Valid on D" by seek: the open intervals (valid_to null) and those ending after D are ranges of this index.
    index("deployment_status_intervals_valid_on_idx").on(t.validTo, t.validFrom, t.status, t.deploymentId),
    index("deployment_status_intervals_status_from_idx").on(t.status, t.validFrom, t.deploymentId),
    enumCheck("deployment_status_intervals_status_check", t.status, DEPLOYMENT_STATUSES),
    check("deployment_status_intervals_period_check", sql`${t.validTo} IS NULL OR ${t.validTo} > ${t.validFrom}`),
  ],
);

export const deploymentUsage = sqliteTable(
  "deployment_usage",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deploymentId: integer("deployment_id")
      .notNull()
      .references(() => deployments.id, { onDelete: "cascade" }),
    month: text("month").notNull(),
    views: integer("views").notNull(),
    recordedAt: text("recorded_at").notNull().default(nowIso),
  },
  (t) => [
    uniqueIndex("deployment_usage_deployment_month_unique").on(t.deploymentId, t.month),
    index("deployment_usage_month_idx").on(t.month),
    check("deployment_usage_views_check", sql`${t.views} >= 0`),
  ],
);

export const milestones = sqliteTable(
  "milestones",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    title: text("title").notNull(),
    metric: text("metric", { enum: MILESTONE_METRICS }).notNull(),
    capabilityId: integer("capability_id").references(() => capabilities.id),
    targetValue: integer("target_value"),
    dueOn: text("due_on").notNull(),
    description: text("description"),
    createdAt: text("created_at").notNull().default(nowIso),
  },
  (t) => [index("milestones_due_idx").on(t.dueOn), enumCheck("milestones_metric_check", t.metric, MILESTONE_METRICS)],
);

export const priorities = sqliteTable(
  "priorities",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    title: text("title").notNull(),
    description: text("description"),
    endorsementIntervalMonths: integer("endorsement_interval_months").notNull().default(12),
    createdAt: text("created_at").notNull().default(nowIso),
  },
  (t) => [
    check(
      "priorities_interval_check",
      sql`${t.endorsementIntervalMonths} BETWEEN 1 AND 60`,
    ),
  ],
);

export const priorityEndorsements = sqliteTable(
  "priority_endorsements",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    priorityId: integer("priority_id")
      .notNull()
      .references(() => priorities.id, { onDelete: "cascade" }),
    endorsedOn: text("endorsed_on").notNull(),
    endorsedBy: integer("endorsed_by").references(() => users.id),
    minuteReference: text("minute_reference"),
    note: text("note"),
    createdAt: text("created_at").notNull().default(nowIso),
  },
  (t) => [index("priority_endorsements_priority_date_idx").on(t.priorityId, t.endorsedOn)],
);
