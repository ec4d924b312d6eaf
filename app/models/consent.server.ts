import { and, asc, count, desc, eq, gte, inArray, lte, max, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { optInMonthlyTotals, optInPracticeMonths, organisations } from "../../db/schema";
import type { OrganisationType } from "../../db/schema/enums";
import { getDb, rowsFromValues, type DbOrTx } from "~/lib/db.server";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { statusOnSql } from "./organisation-history.server";
import { addMonthsToMonth, monthOf } from "~/lib/dates";
import { getSettings } from "~/models/settings.server";
import { type OptInFlag, type OptInSort } from "~/models/consent.schema";

// Monthly opt-in returns: the local, point-of-care consent to share the detailed care record.
// Rates are percentages (0–100) of registered patients; changes are in percentage points.
// The National Data Opt-out (uses beyond individual care) is a different thing: it is reported
// beside the local figures, never added to them.

// ---------------------------------------------------------------------------------------------
// SQL pieces

export function optInRate(optedIn: number, registered: number): number | null {
  return registered > 0 ? (optedIn * 100) / registered : null;
}

function change(now: number | null, then: number | null | undefined) {
  return now === null || then === null || then === undefined ? null : now - then;
}

type Filters = { locality?: string | null; organisationType?: OrganisationType | null };

/** The monthly totals rows a filter picks (gp_practice unless another type is asked for). */
function totalsFilter({ locality, organisationType }: Filters) {
  return and(
    eq(optInMonthlyTotals.organisationType, organisationType ?? "gp_practice"),
    locality ? eq(optInMonthlyTotals.locality, locality) : undefined,
  );
}

// ---------------------------------------------------------------------------------------------
// Borough figures: read from opt_in_monthly_totals (consent.read-model.server.ts keeps it)

/**
 * The month the borough figures are for, as at a date: the latest month on or before the as-at
 * date's month for which any practice (in the filter) made a return. Null when there is none.
 */
export function optInMonthAsAt({ asAt, db = getDb(), ...filters }: { asAt: string; db?: DbOrTx } & Filters) {
  const row = db
    .select({ month: max(optInMonthlyTotals.month) })
    .from(optInMonthlyTotals)
    .where(and(lte(optInMonthlyTotals.month, monthOf(asAt)), totalsFilter(filters)))
    .get();
  return row?.month ?? null;
}

export type BoroughOptIn = {
  month: string | null;
  registered: number;
  optedIn: number;
  declined: number;
  notAsked: number;
  rate: number | null;
  /** Percentage points against the month before and the same month a year before (null when either has no figures). */
  changeOnMonth: number | null;
  changeOnYear: number | null;
  target: number;
  practicesReturned: number;
  practicesTotal: number;
  /** National Data Opt-out, only when some return for the month recorded it. Not part of the local opt-in. */
  nationalOptOuts: { total: number; practices: number } | null;
};

/** Sums of the monthly totals, by month, for the months and filter given. */
function totalsByMonth(db: DbOrTx, where: SQL | undefined) {
  return db
    .select({
      month: optInMonthlyTotals.month,
      registered: sql<number>`coalesce(sum(${optInMonthlyTotals.registered}), 0)`,
      optedIn: sql<number>`coalesce(sum(${optInMonthlyTotals.optedIn}), 0)`,
      declined: sql<number>`coalesce(sum(${optInMonthlyTotals.declined}), 0)`,
      notAsked: sql<number>`coalesce(sum(${optInMonthlyTotals.notAsked}), 0)`,
      practices: sql<number>`coalesce(sum(${optInMonthlyTotals.practices}), 0)`,
      nationalTotal: sql<number>`coalesce(sum(${optInMonthlyTotals.nationalOptOuts}), 0)`,
      nationalPractices: sql<number>`coalesce(sum(${optInMonthlyTotals.nationalPractices}), 0)`,
    })
    .from(optInMonthlyTotals)
    .where(where)
    .groupBy(optInMonthlyTotals.month)
    .orderBy(asc(optInMonthlyTotals.month))
    .all();
}

/**
 * Borough opt-in as at a date. The figure for month M sums the returns made for month M (the
 * latest month with returns on or before the as-at month); a practice that has not returned for
 * M is not counted, and `practicesReturned` says how many did.
 */
export function boroughOptIn({ asAt, db = getDb(), ...filters }: { asAt: string; db?: DbOrTx } & Filters): BoroughOptIn {
  const target = getSettings(db).opt_in_target_percent;
  const practicesTotal =
    db
      .select({ n: count() })
      .from(organisations)
      .where(and(eq(organisations.type, filters.organisationType ?? "gp_practice"), filters.locality ? eq(organisations.locality, filters.locality) : undefined, statusOnSql(db, organisations.id, asAt, "active")))
      .get()?.n ?? 0;
  const month = optInMonthAsAt({ asAt, db, ...filters });
  const empty: BoroughOptIn = {
    month,
    registered: 0,
    optedIn: 0,
    declined: 0,
    notAsked: 0,
    rate: null,
    changeOnMonth: null,
    changeOnYear: null,
    target,
    practicesReturned: 0,
    practicesTotal,
    nationalOptOuts: null,
  };
  if (!month) return empty;
  const previous = addMonthsToMonth(month, -1);
  const yearBefore = addMonthsToMonth(month, -12);
  const rows = totalsByMonth(db, and(inArray(optInMonthlyTotals.month, [month, previous, yearBefore]), totalsFilter(filters)));
  const byMonth = new Map(rows.map((r) => [r.month, r]));
  const now = byMonth.get(month)!;
  const rate = optInRate(now.optedIn, now.registered);
  const rateFor = (m: string) => {
    const r = byMonth.get(m);
    return r ? optInRate(r.optedIn, r.registered) : null;
  };
  return {
    ...empty,
    registered: now.registered,
    optedIn: now.optedIn,
    declined: now.declined,
    notAsked: now.notAsked,
    rate,
    changeOnMonth: change(rate, rateFor(previous)),
    changeOnYear: change(rate, rateFor(yearBefore)),
    practicesReturned: now.practices,
    nationalOptOuts: now.nationalPractices > 0 ? { total: Number(now.nationalTotal), practices: now.nationalPractices } : null,
  };
}

/** Opt-in over every organisation type (the programme's milestone measure) for the latest month with returns up to `asAt`. */
export function allReturnsOptInAsAt({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  const month = db.select({ month: max(optInMonthlyTotals.month) }).from(optInMonthlyTotals).where(lte(optInMonthlyTotals.month, monthOf(asAt))).get()?.month;
  if (!month) return null;
  const row = totalsByMonth(db, eq(optInMonthlyTotals.month, month))[0];
  return row ? { month, optedIn: row.optedIn, registered: row.registered } : null;
}

export type OptInTrendPoint = { month: string; registered: number; optedIn: number; rate: number | null; practices: number };

/** Borough (or one locality's) opt-in for each month from `from` to `to` (YYYY-MM) that has returns. */
export function optInTrend({ from, to, db = getDb(), ...filters }: { from: string; to: string; db?: DbOrTx } & Filters): OptInTrendPoint[] {
  const rows = totalsByMonth(db, and(gte(optInMonthlyTotals.month, from), lte(optInMonthlyTotals.month, to), totalsFilter(filters)));
  return rows.map((r) => ({ month: r.month, registered: r.registered, optedIn: r.optedIn, practices: r.practices, rate: optInRate(r.optedIn, r.registered) }));
}

export type LocalityTrendPoint = { month: string; locality: string; rate: number | null };

/** Opt-in rate by locality and month, from `from` to `to`. */
export function optInTrendByLocality({ from, to, db = getDb() }: { from: string; to: string; db?: DbOrTx }): LocalityTrendPoint[] {
  const localityName = sql<string>`case when ${optInMonthlyTotals.locality} = '' then 'No locality' else ${optInMonthlyTotals.locality} end`;
  const rows = db
    .select({
      month: optInMonthlyTotals.month,
      locality: localityName,
      registered: sql<number>`sum(${optInMonthlyTotals.registered})`,
      optedIn: sql<number>`sum(${optInMonthlyTotals.optedIn})`,
    })
    .from(optInMonthlyTotals)
    .where(and(gte(optInMonthlyTotals.month, from), lte(optInMonthlyTotals.month, to), eq(optInMonthlyTotals.organisationType, "gp_practice")))
    .groupBy(optInMonthlyTotals.month, localityName)
    .orderBy(asc(optInMonthlyTotals.month), asc(localityName))
    .all();
  return rows.map((r) => ({ month: r.month, locality: r.locality, rate: optInRate(r.optedIn, r.registered) }));
}

/** Localities that have GP practices, for the filter. */
export function practiceLocalities({ db = getDb() }: { db?: DbOrTx } = {}) {
  return db
    .selectDistinct({ locality: organisations.locality })
    .from(organisations)
    .where(and(eq(organisations.type, "gp_practice"), sql`${organisations.locality} is not null`))
    .orderBy(asc(organisations.locality))
    .all()
    .map((r) => r.locality!);
}

// ---------------------------------------------------------------------------------------------
// Practices

export type PracticeOptIn = {
  organisationId: number;
  odsCode: string;
  name: string;
  locality: string | null;
  /** The practice's latest return on or before the as-at month (null: none yet). */
  month: string | null;
  registered: number | null;
  optedIn: number | null;
  declined: number | null;
  notAsked: number | null;
  nationalOptOuts: number | null;
  rate: number | null;
  /** Percentage points since the return 3 and 12 months before the latest (null when that return is missing). */
  change3: number | null;
  change12: number | null;
  belowTarget: boolean;
  /** The rate fell in each of the last three month-on-month steps (four consecutive returns). */
  falling: boolean;
  /** No return for the borough's reporting month. */
  returnMissing: boolean;
};

/**
 * One row per GP practice: its latest return on or before the as-at month, the changes, and
 * the flags. Built as a subquery so filters, sorting and paging all happen in SQL.
 */
function practiceOptInQuery(db: DbOrTx, { asAt, target, reportingMonth, locality, organisationId }: { asAt: string; target: number; reportingMonth: string | null; locality?: string | null; organisationId?: number }) {
  // Each practice's latest return on or before the as-at month: one seek on the read model's
  // primary key, whose row already carries the rate, the changes and the falling flag.
  const latest = alias(optInPracticeMonths, "latest_month_of");
  const latestMonth = db
    .select({ month: max(latest.month) })
    .from(latest)
    .where(and(eq(latest.organisationId, organisations.id), lte(latest.month, monthOf(asAt))));
  const ranked = alias(optInPracticeMonths, "latest_return");
  const inner = db
    .select({
      organisationId: sql<number>`${organisations.id}`.as("organisation_id"),
      odsCode: sql<string>`${organisations.odsCode}`.as("ods_code"),
      name: sql<string>`${organisations.name}`.as("name"),
      locality: sql<string | null>`${organisations.locality}`.as("locality"),
      month: sql<string | null>`${ranked.month}`.as("month"),
      registered: sql<number | null>`${ranked.registered}`.as("registered"),
      optedIn: sql<number | null>`${ranked.optedIn}`.as("opted_in"),
      declined: sql<number | null>`${ranked.declined}`.as("declined"),
      notAsked: sql<number | null>`${ranked.notAsked}`.as("not_asked"),
      nationalOptOuts: sql<number | null>`${ranked.nationalOptOuts}`.as("national_opt_outs"),
      rate: sql<number | null>`${ranked.rate}`.as("rate"),
      change3Value: sql<number | null>`${ranked.change3}`.as("change_3_value"),
      change12Value: sql<number | null>`${ranked.change12}`.as("change_12_value"),
      fallingValue: sql<number>`coalesce(${ranked.falling}, 0)`.as("falling_value"),
    })
    .from(organisations)
    .leftJoin(ranked, and(eq(ranked.organisationId, organisations.id), eq(ranked.month, sql`(${latestMonth})`)))
    .where(
      and(
        eq(organisations.type, "gp_practice"),
        locality ? eq(organisations.locality, locality) : undefined,
        organisationId !== undefined ? eq(organisations.id, organisationId) : undefined,
      ),
    )
    .as("practice_opt_in");
  const p = inner;
  // Plain expressions (usable in WHERE and ORDER BY) and the same, named, for the select list.
  const exprs = {
    change3: sql<number | null>`${p.change3Value}`,
    change12: sql<number | null>`${p.change12Value}`,
    belowTarget: sql<number>`coalesce(${p.rate} < ${target}, 0)`,
    falling: sql<number>`${p.fallingValue}`,
    returnMissing: sql<number>`case when ${reportingMonth} is null then 0 when ${p.month} is null or ${p.month} < ${reportingMonth} then 1 else 0 end`,
  };
  const fields = {
    organisationId: p.organisationId,
    odsCode: p.odsCode,
    name: p.name,
    locality: p.locality,
    month: p.month,
    registered: p.registered,
    optedIn: p.optedIn,
    declined: p.declined,
    notAsked: p.notAsked,
    nationalOptOuts: p.nationalOptOuts,
    rate: p.rate,
    change3: sql<number | null>`${exprs.change3}`.as("change_3"),
    change12: sql<number | null>`${exprs.change12}`.as("change_12"),
    belowTarget: sql<number>`${exprs.belowTarget}`.as("below_target"),
    falling: sql<number>`${exprs.falling}`.as("falling"),
    returnMissing: sql<number>`${exprs.returnMissing}`.as("return_missing"),
  };
  return { p, fields, exprs };
}

function flagCondition(exprs: ReturnType<typeof practiceOptInQuery>["exprs"], flag: OptInFlag | undefined | null) {
  if (flag === "below_target") return sql`${exprs.belowTarget} = 1`;
  if (flag === "falling") return sql`${exprs.falling} = 1`;
  if (flag === "attention") return sql`(${exprs.belowTarget} = 1 or ${exprs.falling} = 1)`;
  return undefined;
}

function toPracticeOptIn(row: Record<string, unknown>): PracticeOptIn {
  const r = row as Omit<PracticeOptIn, "belowTarget" | "falling" | "returnMissing"> & { belowTarget: number; falling: number; returnMissing: number };
  return { ...r, belowTarget: Boolean(r.belowTarget), falling: Boolean(r.falling), returnMissing: Boolean(r.returnMissing) };
}

export type ListOptInByPracticeArgs = {
  asAt: string;
  locality?: string | null;
  flag?: OptInFlag | null;
  sort?: { id: OptInSort; desc: boolean };
  /** Omit page and pageSize for every row (the CSV). */
  page?: number;
  pageSize?: number;
  db?: DbOrTx;
};

/** The practice table: sorted, filtered and paged in SQL. */
export function listOptInByPractice({ asAt, locality, flag, sort = { id: "name", desc: false }, page, pageSize, db = getDb() }: ListOptInByPracticeArgs) {
  // Kept until the data changes (the sort over every practice's latest return costs tens of ms
  // nationally), and by month: the list reads returns by month only (each practice's latest on or
  // before the as-at month), so every date of a month shares one (the exceptions and the dashboard
  // at a date nobody has opened yet then find it ready when any day of that month was opened).
  return memoiseByDataVersion("opt-in-practices", { month: monthOf(asAt), locality, flag, sort, page, pageSize }, db, () =>
    computeOptInByPractice({ asAt, locality, flag, sort, page, pageSize, db }),
  );
}

function computeOptInByPractice({ asAt, locality, flag, sort = { id: "name", desc: false }, page, pageSize, db = getDb() }: ListOptInByPracticeArgs) {
  const target = getSettings(db).opt_in_target_percent;
  const reportingMonth = optInMonthAsAt({ asAt, db });
  const { p, fields, exprs } = practiceOptInQuery(db, { asAt, target, reportingMonth, locality });
  const where = flagCondition(exprs, flag);
  const paged = page !== undefined && pageSize !== undefined;
  // Every row asked for: the count is their number (a second pass over every practice otherwise).
  const counted = () => db.select({ n: count() }).from(p).where(where).get()?.n ?? 0;
  const sortColumn = { name: p.name, locality: p.locality, registered: p.registered, rate: p.rate, change3: exprs.change3, change12: exprs.change12 }[sort.id];
  let query = db
    .select(fields)
    .from(p)
    .where(where)
    // Practices without the figure go last whichever way the column is sorted.
    .orderBy(sql`(${sortColumn} is null)`, sort.desc ? desc(sortColumn) : asc(sortColumn), asc(p.name))
    .$dynamic();
  if (paged) query = query.limit(pageSize).offset((Math.max(1, page) - 1) * pageSize);
  // Thousands of rows nationally: read as value lists and named once (rowsFromValues).
  const rows = rowsFromValues<Record<string, unknown>>(fields, query.values()).map(toPracticeOptIn);
  return { rows, total: paged ? counted() : rows.length, target, reportingMonth };
}

/** How many months the page's trend charts cover, ending with the as-at month. */
const TREND_MONTHS = 24;

/**
 * Everything the consent page shows as at `asAt` for one filter and page of practices: the same for
 * every reader, so it is worked out once and kept until a table it read changes.
 */
export function consentRegister(args: { asAt: string; locality: string | null; flag: OptInFlag | null; sort: { id: OptInSort; desc: boolean }; page: number; pageSize: number; db?: DbOrTx }) {
  const { db = getDb(), ...key } = args;
  return memoiseByDataVersion("consent-register", key, db, () => computeConsentRegister({ ...key, db }));
}

function computeConsentRegister({ asAt, locality, flag, sort, page, pageSize, db }: Omit<Parameters<typeof consentRegister>[0], "db"> & { db: DbOrTx }) {
  const to = monthOf(asAt);
  const from = addMonthsToMonth(to, -(TREND_MONTHS - 1));
  const boroughTrend = optInTrend({ from, to, db });
  const localityTrend = locality ? optInTrend({ from, to, locality, db }) : [];
  return {
    borough: boroughOptIn({ asAt, db }),
    localityFigures: locality ? boroughOptIn({ asAt, locality, db }) : null,
    boroughTrend: boroughTrend.map((p) => ({ month: p.month, borough: p.rate, locality: localityTrend.find((l) => l.month === p.month)?.rate ?? null })),
    byLocality: optInTrendByLocality({ from, to, db }),
    practices: listOptInByPractice({ asAt, locality, flag, sort, page, pageSize, db }),
    localities: practiceLocalities({ db }),
  };
}

/** Practices below the opt-in target or falling for three months, as at a date (for exceptions and the dashboard). */
export function practicesBelowTargetOrFalling({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  return listOptInByPractice({ asAt, flag: "attention", sort: { id: "rate", desc: false }, db }).rows;
}

export type OrganisationConsent = {
  practice: PracticeOptIn;
  target: number;
  trend: { month: string; registered: number; optedIn: number; declined: number; notAsked: number; nationalOptOuts: number | null; rate: number | null }[];
};

/** A practice's own opt-in: its latest figures and flags, and its returns for the 24 months to the as-at month. Null for a non-practice or a practice with no returns. */
export function getOrganisationConsent({ organisationId, asAt, db = getDb() }: { organisationId: number; asAt: string; db?: DbOrTx }): OrganisationConsent | null {
  const target = getSettings(db).opt_in_target_percent;
  const reportingMonth = optInMonthAsAt({ asAt, db });
  const { p, fields } = practiceOptInQuery(db, { asAt, target, reportingMonth, organisationId });
  const row = db.select(fields).from(p).get();
  if (!row || row.month === null) return null;
  const to = monthOf(asAt);
  const pm = optInPracticeMonths;
  const trend = db
    .select({ month: pm.month, registered: pm.registered, optedIn: pm.optedIn, declined: pm.declined, notAsked: pm.notAsked, nationalOptOuts: pm.nationalOptOuts, rate: pm.rate })
    .from(pm)
    .where(and(eq(pm.organisationId, organisationId), lte(pm.month, to), gte(pm.month, addMonthsToMonth(to, -23))))
    .orderBy(asc(pm.month))
    .all();
  return { practice: toPracticeOptIn(row), target, trend };
}
