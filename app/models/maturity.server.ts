import { and, asc, count, desc, eq, inArray, lte, sql } from "drizzle-orm";
import { deployments, maturityAssessments, maturityDimensions, maturityFrameworks, maturityScores, organisations, services } from "../../db/schema";
import type { OrganisationType, Role } from "../../db/schema/enums";
import { organisationInFilterSql, type OrganisationFilter } from "./organisation-filter.server";
import { getDb, transaction, type DbOrTx } from "~/lib/db.server";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { audit, type Actor } from "~/lib/audit.server";
import type { FieldErrors } from "~/lib/forms";
import { parseWith } from "~/lib/forms";
import { getReportingDate, getSettings } from "~/models/settings.server";
import { statusAsAt } from "~/models/rollout.server";
import { assessmentSchemaFor, evidenceField, NewFrameworkSchema, scoreField, type MaturitySort } from "~/models/maturity.schema";

// Digital maturity: frameworks are data (a scale and dimensions); an assessment scores one
// organisation on every dimension of one framework on a date. The overall score is the mean of
// the dimension scores. "Low" compares the overall score, as a share of the framework's scale,
// with the maturity_low_threshold_percent setting.

export type Framework = {
  id: number;
  code: string;
  name: string;
  description: string | null;
  scaleMin: number;
  scaleMax: number;
  wholeNumbers: boolean;
  dimensions: { id: number; code: string; name: string; position: number }[];
};

/** Every framework with its dimensions in order. */
export function listFrameworks({ db = getDb() }: { db?: DbOrTx } = {}): Framework[] {
  const frameworks = db.select().from(maturityFrameworks).orderBy(asc(maturityFrameworks.createdAt), asc(maturityFrameworks.id)).all();
  const dimensions = db.select().from(maturityDimensions).orderBy(asc(maturityDimensions.frameworkId), asc(maturityDimensions.position)).all();
  return frameworks.map((f) => ({
    id: f.id,
    code: f.code,
    name: f.name,
    description: f.description,
    scaleMin: f.scaleMin,
    scaleMax: f.scaleMax,
    wholeNumbers: f.wholeNumbers,
    dimensions: dimensions.filter((d) => d.frameworkId === f.id).map(({ id, code, name, position }) => ({ id, code, name, position })),
  }));
}

export function getFramework({ code, db = getDb() }: { code: string; db?: DbOrTx }): Framework | null {
  return listFrameworks({ db }).find((f) => f.code === code) ?? null;
}

/** An overall score as a percentage of the framework's scale: (score − min) / (max − min) × 100. */
export function percentOfScale(score: number, scale: { scaleMin: number; scaleMax: number }) {
  return ((score - scale.scaleMin) / (scale.scaleMax - scale.scaleMin)) * 100;
}

export function isLowMaturity(score: number, scale: { scaleMin: number; scaleMax: number }, thresholdPercent: number) {
  return percentOfScale(score, scale) < thresholdPercent;
}

/** Each organisation's latest assessment in each framework on or before `asAt` (latest date, then latest recorded). */
function latestAssessments(db: DbOrTx, asAt: string) {
  const ranked = db
    .select({
      id: maturityAssessments.id,
      organisationId: maturityAssessments.organisationId,
      frameworkId: maturityAssessments.frameworkId,
      assessedOn: maturityAssessments.assessedOn,
      assessor: maturityAssessments.assessor,
      overallScore: maturityAssessments.overallScore,
      rank: sql<number>`row_number() over (partition by ${maturityAssessments.organisationId}, ${maturityAssessments.frameworkId} order by ${maturityAssessments.assessedOn} desc, ${maturityAssessments.id} desc)`.as("assessment_rank"),
    })
    .from(maturityAssessments)
    .where(lte(maturityAssessments.assessedOn, asAt))
    .as("ranked_assessments");
  return db.select().from(ranked).where(eq(ranked.rank, 1)).as("latest_assessments");
}

function normalisedExpr(score: unknown) {
  return sql<number>`(${score} - ${maturityFrameworks.scaleMin}) * 100.0 / (${maturityFrameworks.scaleMax} - ${maturityFrameworks.scaleMin})`;
}

export type LowMaturityAtRisk = {
  organisationId: number;
  odsCode: string;
  name: string;
  frameworkCode: string;
  frameworkName: string;
  assessedOn: string;
  overallScore: number;
  percentOfScale: number;
  /** Deployments at the organisation's services that were planned or in progress at the date. */
  deploymentsPlannedOrInProgress: number;
};

/**
 * "Low maturity, roll-out at risk": the organisation's latest assessment (on or before `asAt`) in a
 * framework is below the threshold share of that framework's scale, and it has deployments that
 * were planned or in progress at `asAt`. One row per organisation and framework.
 */
export function lowMaturityAtRisk({ asAt, frameworkCode, db = getDb() }: { asAt: string; frameworkCode?: string; db?: DbOrTx }): LowMaturityAtRisk[] {
  const threshold = getSettings(db).maturity_low_threshold_percent;
  const latest = latestAssessments(db, asAt);
  const current = statusAsAt(db, asAt);
  const percent = normalisedExpr(latest.overallScore);
  return db
    .with(current)
    .select({
      organisationId: organisations.id,
      odsCode: organisations.odsCode,
      name: organisations.name,
      frameworkCode: maturityFrameworks.code,
      frameworkName: maturityFrameworks.name,
      assessedOn: latest.assessedOn,
      overallScore: latest.overallScore,
      percentOfScale: sql<number>`${percent}`,
      deploymentsPlannedOrInProgress: sql<number>`count(distinct ${deployments.id})`,
    })
    .from(latest)
    .innerJoin(maturityFrameworks, eq(maturityFrameworks.id, latest.frameworkId))
    .innerJoin(organisations, eq(organisations.id, latest.organisationId))
    .innerJoin(services, eq(services.organisationId, organisations.id))
    .innerJoin(deployments, eq(deployments.serviceId, services.id))
    .innerJoin(current, eq(current.deploymentId, deployments.id))
    .where(and(inArray(current.status, ["planned", "in_progress"]), sql`${percent} < ${threshold}`, frameworkCode ? eq(maturityFrameworks.code, frameworkCode) : undefined))
    .groupBy(latest.id, organisations.id, maturityFrameworks.id)
    .orderBy(asc(organisations.name), asc(maturityFrameworks.code))
    .all();
}

export type HeatMapRow = {
  organisationId: number;
  odsCode: string;
  name: string;
  type: OrganisationType;
  locality: string | null;
  assessmentId: number;
  assessedOn: string;
  overallScore: number;
  percentOfScale: number;
  scores: Record<string, number | null>;
  lowMaturity: boolean;
  atRisk: boolean;
};

export type MaturityHeatMapArgs = {
  frameworkCode: string;
  asAt: string;
  organisationType?: OrganisationType | null;
  locality?: string | null;
  sort?: { id: MaturitySort; desc: boolean };
  /** Omit page and pageSize for every row (the CSV). */
  page?: number;
  pageSize?: number;
  db?: DbOrTx;
};

/** Organisations × dimensions for one framework: each organisation's latest assessment on or before the date. */
export function maturityHeatMap({ frameworkCode, asAt, organisationType, locality, sort = { id: "overall", desc: true }, page, pageSize, db = getDb() }: MaturityHeatMapArgs) {
  const framework = getFramework({ code: frameworkCode, db });
  if (!framework) return null;
  const threshold = getSettings(db).maturity_low_threshold_percent;
  const latest = latestAssessments(db, asAt);
  const where = and(
    eq(latest.frameworkId, framework.id),
    organisationType ? eq(organisations.type, organisationType) : undefined,
    locality ? eq(organisations.locality, locality) : undefined,
  );
  const total = db.select({ n: count() }).from(latest).innerJoin(organisations, eq(organisations.id, latest.organisationId)).where(where).get()?.n ?? 0;
  const order = sort.id === "name" ? [sort.desc ? desc(organisations.name) : asc(organisations.name)] : [sort.desc ? desc(latest.overallScore) : asc(latest.overallScore), asc(organisations.name)];
  let query = db
    .select({
      organisationId: organisations.id,
      odsCode: organisations.odsCode,
      name: organisations.name,
      type: organisations.type,
      locality: organisations.locality,
      assessmentId: latest.id,
      assessedOn: latest.assessedOn,
      overallScore: latest.overallScore,
    })
    .from(latest)
    .innerJoin(organisations, eq(organisations.id, latest.organisationId))
    .where(where)
    .orderBy(...order)
    .$dynamic();
  if (page !== undefined && pageSize !== undefined) query = query.limit(pageSize).offset((Math.max(1, page) - 1) * pageSize);
  const rows = query.all();
  const scores = rows.length
    ? db
        .select({ assessmentId: maturityScores.assessmentId, dimensionId: maturityScores.dimensionId, score: maturityScores.score })
        .from(maturityScores)
        .where(inArray(maturityScores.assessmentId, rows.map((r) => r.assessmentId)))
        .all()
    : [];
  const codeOf = new Map(framework.dimensions.map((d) => [d.id, d.code]));
  const atRisk = new Set(lowMaturityAtRisk({ asAt, frameworkCode, db }).map((r) => r.organisationId));
  const heatRows: HeatMapRow[] = rows.map((r) => {
    const byCode: Record<string, number | null> = Object.fromEntries(framework.dimensions.map((d) => [d.code, null]));
    for (const s of scores) if (s.assessmentId === r.assessmentId) byCode[codeOf.get(s.dimensionId)!] = s.score;
    const percent = percentOfScale(r.overallScore, framework);
    return { ...r, scores: byCode, percentOfScale: percent, lowMaturity: percent < threshold, atRisk: atRisk.has(r.organisationId) };
  });
  return { framework, rows: heatRows, total, threshold };
}

/** Mean of the latest assessments (on or before the date) across organisations, overall and per dimension. */
export function averageMaturity({ asAt, frameworkCode, db = getDb(), ...filter }: { asAt: string; frameworkCode: string; db?: DbOrTx } & OrganisationFilter) {
  const framework = getFramework({ code: frameworkCode, db });
  if (!framework) return null;
  const latest = latestAssessments(db, asAt);
  const overall = db
    .select({ organisations: count(), average: sql<number | null>`avg(${latest.overallScore})` })
    .from(latest)
    .where(and(eq(latest.frameworkId, framework.id), organisationInFilterSql(db, latest.organisationId, filter)))
    .get();
  const perDimension = db
    .select({ dimensionId: maturityScores.dimensionId, average: sql<number>`avg(${maturityScores.score})` })
    .from(latest)
    .innerJoin(maturityScores, eq(maturityScores.assessmentId, latest.id))
    .where(and(eq(latest.frameworkId, framework.id), organisationInFilterSql(db, latest.organisationId, filter)))
    .groupBy(maturityScores.dimensionId)
    .all();
  const average = overall?.average ?? null;
  return {
    framework: { code: framework.code, name: framework.name, scaleMin: framework.scaleMin, scaleMax: framework.scaleMax },
    organisations: overall?.organisations ?? 0,
    overall: average,
    percentOfScale: average === null ? null : percentOfScale(average, framework),
    dimensions: framework.dimensions.map((d) => ({ code: d.code, name: d.name, average: perDimension.find((p) => p.dimensionId === d.id)?.average ?? null })),
  };
}

export type AssessmentHistory = {
  id: number;
  assessedOn: string;
  assessor: string;
  overallScore: number;
  percentOfScale: number;
  scores: { code: string; name: string; score: number | null; evidence: string | null }[];
};

export type OrganisationMaturity = {
  frameworks: {
    framework: Framework;
    /** Oldest first; the last is the latest on or before the date. */
    assessments: AssessmentHistory[];
    lowMaturity: boolean;
    atRisk: LowMaturityAtRisk | null;
  }[];
  threshold: number;
};

/** An organisation's assessments on or before `asAt`, per framework, with evidence. Null when it has none. */
export function getOrganisationMaturity({ organisationId, asAt, db = getDb() }: { organisationId: number; asAt: string; db?: DbOrTx }): OrganisationMaturity | null {
  const assessments = db
    .select()
    .from(maturityAssessments)
    .where(and(eq(maturityAssessments.organisationId, organisationId), lte(maturityAssessments.assessedOn, asAt)))
    .orderBy(asc(maturityAssessments.assessedOn), asc(maturityAssessments.id))
    .all();
  if (assessments.length === 0) return null;
  const threshold = getSettings(db).maturity_low_threshold_percent;
  const scores = db
    .select()
    .from(maturityScores)
    .where(inArray(maturityScores.assessmentId, assessments.map((a) => a.id)))
    .all();
  const risks = lowMaturityAtRisk({ asAt, db }).filter((r) => r.organisationId === organisationId);
  const frameworks = listFrameworks({ db }).filter((f) => assessments.some((a) => a.frameworkId === f.id));
  return {
    threshold,
    frameworks: frameworks.map((framework) => {
      const history = assessments
        .filter((a) => a.frameworkId === framework.id)
        .map((a) => ({
          id: a.id,
          assessedOn: a.assessedOn,
          assessor: a.assessor,
          overallScore: a.overallScore,
          percentOfScale: percentOfScale(a.overallScore, framework),
          scores: framework.dimensions.map((d) => {
            const s = scores.find((x) => x.assessmentId === a.id && x.dimensionId === d.id);
            return { code: d.code, name: d.name, score: s?.score ?? null, evidence: s?.evidence ?? null };
          }),
        }));
      const latest = history.at(-1)!;
      return {
        framework,
        assessments: history,
        lowMaturity: latest.percentOfScale < threshold,
        atRisk: risks.find((r) => r.frameworkCode === framework.code) ?? null,
      };
    }),
  };
}

/** Localities of organisations, for the filter. */
export function maturityLocalities({ db = getDb() }: { db?: DbOrTx } = {}) {
  return db
    .selectDistinct({ locality: organisations.locality })
    .from(organisations)
    .where(sql`${organisations.locality} is not null`)
    .orderBy(asc(organisations.locality))
    .all()
    .map((r) => r.locality!);
}

/**
 * What the maturity page shows as at `asAt`: the frameworks, the one asked for (or the first), a
 * page of its heat map, the average, organisations at risk and the locality filter's options. The
 * same for every reader, so it is kept until a table it read changes. Null when no framework is set up.
 */
export function maturityRegister({
  db = getDb(),
  ...query
}: { asAt: string; frameworkCode?: string | null; organisationType: OrganisationType | null; locality: string | null; sort: { id: MaturitySort; desc: boolean }; page: number; pageSize: number; db?: DbOrTx }) {
  const key = { ...query, frameworkCode: query.frameworkCode ?? null };
  return memoiseByDataVersion("maturity-register", key, db, () => {
    const frameworks = listFrameworks({ db });
    const framework = frameworks.find((f) => f.code === key.frameworkCode) ?? frameworks[0];
    if (!framework) return null;
    const { asAt, organisationType, locality, sort, page, pageSize } = key;
    return {
      frameworks: frameworks.map((f) => ({ code: f.code, name: f.name })),
      framework,
      heatMap: maturityHeatMap({ frameworkCode: framework.code, asAt, organisationType, locality, sort, page, pageSize, db })!,
      average: averageMaturity({ asAt, frameworkCode: framework.code, db }),
      atRisk: lowMaturityAtRisk({ asAt, db }),
      localities: maturityLocalities({ db }),
    };
  });
}

/** The organisation a maturity page is about, by ODS code (case-insensitive); null when unknown. */
export function findOrganisationByOdsCode({ odsCode, db = getDb() }: { odsCode: string; db?: DbOrTx }) {
  return (
    db
      .select({ id: organisations.id, odsCode: organisations.odsCode, name: organisations.name, type: organisations.type, locality: organisations.locality })
      .from(organisations)
      .where(eq(organisations.odsCode, odsCode.toUpperCase()))
      .get() ?? null
  );
}

// ---------------------------------------------------------------------------------------------
// Writes

export type Assessor = { id: number; organisationId: number; roles: readonly Role[] };

/** Who may record an assessment for which organisation: the programme team for any, an IG lead for their own. */
export function mayAssess(user: Assessor, organisationId: number) {
  return user.roles.includes("programme") || (user.roles.includes("ig_lead") && user.organisationId === organisationId);
}

/** The organisations the user may record an assessment for, by name. */
export function organisationsUserMayAssess({ user, db = getDb() }: { user: Assessor; db?: DbOrTx }) {
  const anyOrganisation = user.roles.includes("programme");
  if (!anyOrganisation && !user.roles.includes("ig_lead")) return [];
  return db
    .select({ id: organisations.id, odsCode: organisations.odsCode, name: organisations.name })
    .from(organisations)
    .where(anyOrganisation ? undefined : eq(organisations.id, user.organisationId))
    .orderBy(asc(organisations.name))
    .all();
}

export type RecordAssessmentResult =
  | { ok: true; assessmentId: number; odsCode: string }
  | { ok: false; forbidden: true }
  | { ok: false; forbidden?: false; errors: FieldErrors };

/**
 * Records an assessment from the form's fields. The rules live here: every dimension scored
 * within the framework's scale (whole numbers where it says so) with evidence, a date not after
 * the reporting date, an assessor, and an organisation the user may assess. Audited.
 */
export function recordMaturityAssessment({ actor, user, frameworkCode, input }: { actor: Actor; user: Assessor; frameworkCode: string; input: Record<string, unknown> }): RecordAssessmentResult {
  const db = getDb();
  const framework = getFramework({ code: frameworkCode, db });
  if (!framework) return { ok: false, errors: { framework: "Choose a maturity framework" } };
  const parsed = parseWith(assessmentSchemaFor(framework, getReportingDate(db)), input);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const values = parsed.data as Record<string, string | number>;
  const organisation = db
    .select({ id: organisations.id, odsCode: organisations.odsCode, name: organisations.name })
    .from(organisations)
    .where(eq(organisations.odsCode, String(values.organisation).toUpperCase()))
    .get();
  if (!organisation) return { ok: false, errors: { organisation: "Choose the organisation assessed from the list" } };
  if (!mayAssess(user, organisation.id)) return { ok: false, forbidden: true };
  const scores = framework.dimensions.map((d) => ({ dimensionId: d.id, code: d.code, score: values[scoreField(d.code)] as number, evidence: values[evidenceField(d.code)] as string }));
  const overallScore = scores.reduce((sum, s) => sum + s.score, 0) / scores.length;
  const assessmentId = transaction((tx) => {
    const row = tx
      .insert(maturityAssessments)
      .values({
        organisationId: organisation.id,
        frameworkId: framework.id,
        assessedOn: String(values.assessedOn),
        assessor: String(values.assessor),
        overallScore,
        createdBy: user.id,
      })
      .returning({ id: maturityAssessments.id })
      .get();
    tx.insert(maturityScores)
      .values(scores.map((s) => ({ assessmentId: row.id, dimensionId: s.dimensionId, score: s.score, evidence: s.evidence })))
      .run();
    audit(tx, actor, {
      action: "maturity_assessment.create",
      entityType: "maturity_assessment",
      entityId: row.id,
      after: {
        organisation: organisation.odsCode,
        framework: framework.code,
        assessedOn: values.assessedOn,
        assessor: values.assessor,
        overallScore,
        scores: Object.fromEntries(scores.map((s) => [s.code, { score: s.score, evidence: s.evidence }])),
      },
    });
    return row.id;
  });
  return { ok: true, assessmentId, odsCode: organisation.odsCode };
}

function dimensionCodes(names: string[]) {
  const used = new Set<string>();
  return names.map((name) => {
    const base = name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 40) || "dimension";
    let code = base;
    for (let n = 2; used.has(code); n++) code = `${base}_${n}`;
    used.add(code);
    return code;
  });
}

export type AddFrameworkResult = { ok: true; frameworkId: number; code: string } | { ok: false; errors: FieldErrors };

/** An administrator adds a framework: its scale and dimensions (one per line, in order). Audited. */
export function addMaturityFramework({ actor, input }: { actor: Actor; input: Record<string, unknown> }): AddFrameworkResult {
  const parsed = parseWith(NewFrameworkSchema, input);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const f = parsed.data;
  return transaction((tx) => {
    const clash = tx.select({ id: maturityFrameworks.id }).from(maturityFrameworks).where(eq(maturityFrameworks.code, f.code)).get();
    if (clash) return { ok: false as const, errors: { code: `A framework with the code ${f.code} already exists: choose another code` } };
    const framework = tx
      .insert(maturityFrameworks)
      .values({ code: f.code, name: f.name, description: f.description || null, scaleMin: f.scaleMin, scaleMax: f.scaleMax, wholeNumbers: f.wholeNumbers === "yes" })
      .returning()
      .get();
    const codes = dimensionCodes(f.dimensions);
    tx.insert(maturityDimensions)
      .values(f.dimensions.map((name, i) => ({ frameworkId: framework.id, code: codes[i]!, name, position: i + 1 })))
      .run();
    audit(tx, actor, {
      action: "maturity_framework.create",
      entityType: "maturity_framework",
      entityId: framework.id,
      after: { ...framework, dimensions: f.dimensions },
    });
    return { ok: true as const, frameworkId: framework.id, code: framework.code };
  });
}
