import { sqliteTable, text, integer, real, index, uniqueIndex, primaryKey, check } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { nowIso } from "./helpers";
import { organisations } from "./organisations";
import { users } from "./auth";

export const maturityFrameworks = sqliteTable(
  "maturity_frameworks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    code: text("code").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    scaleMin: real("scale_min").notNull(),
    scaleMax: real("scale_max").notNull(),
    wholeNumbers: integer("whole_numbers", { mode: "boolean" }).notNull().default(true),
    createdAt: text("created_at").notNull().default(nowIso),
  },
  (t) => [
    uniqueIndex("maturity_frameworks_code_unique").on(t.code),
    check("maturity_frameworks_scale_check", sql`${t.scaleMax} > ${t.scaleMin}`),
  ],
);

export const maturityDimensions = sqliteTable(
  "maturity_dimensions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    frameworkId: integer("framework_id")
      .notNull()
      .references(() => maturityFrameworks.id, { onDelete: "cascade" }),
    code: text("code").notNull(),
    name: text("name").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [uniqueIndex("maturity_dimensions_framework_code_unique").on(t.frameworkId, t.code)],
);

export const maturityAssessments = sqliteTable(
  "maturity_assessments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    frameworkId: integer("framework_id")
      .notNull()
      .references(() => maturityFrameworks.id, { onDelete: "restrict" }),
    assessedOn: text("assessed_on").notNull(),
    assessor: text("assessor").notNull(),
    overallScore: real("overall_score").notNull(),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: text("created_at").notNull().default(nowIso),
  },
  (t) => [index("maturity_assessments_org_framework_date_idx").on(t.organisationId, t.frameworkId, t.assessedOn)],
);

export const maturityScores = sqliteTable(
  "maturity_scores",
  {
    assessmentId: integer("assessment_id")
      .notNull()
      .references(() => maturityAssessments.id, { onDelete: "cascade" }),
    dimensionId: integer("dimension_id")
      .notNull()
      .references(() => maturityDimensions.id, { onDelete: "restrict" }),
    score: real("score").notNull(),
    evidence: text("evidence"),
  },
  (t) => [primaryKey({ columns: [t.assessmentId, t.dimensionId] })],
);
