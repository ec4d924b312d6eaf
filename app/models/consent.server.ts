import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, asc, count, desc, eq, gte, inArray, lte, max, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { parse } from "csv-parse/sync";
import { parse as parseStream } from "csv-parse";
import type { Readable } from "node:stream";
import { optInMonthlyTotals, optInPracticeMonths, optInReturns, organisations } from "../../db/schema";
import type { OrganisationType } from "../../db/schema/enums";
import { connection, getDb, transaction, type DbOrTx } from "~/lib/db.server";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { statusOnSql } from "./organisation-history.server";
import { audit, type Actor } from "~/lib/audit.server";
import { failpoint } from "~/lib/failpoints.server";
import { addMonthsToMonth, formatMonth, monthOf } from "~/lib/dates";
import { getReportingDate, getSettings } from "~/models/settings.server";
import { optInReturnsChanged } from "./consent.read-model.server";
import {
  OPT_IN_CSV_HEADER,
  OPT_IN_CSV_NATIONAL_COLUMN,
  OptInReturnCsvRowSchema,
  type OptInFlag,
  type OptInSort,
} from "~/models/consent.schema";

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
  // Kept until the data changes (the sort over every practice's latest return costs tens of ms nationally).
  return memoiseByDataVersion("opt-in-practices", { asAt, locality, flag, sort, page, pageSize }, db, () => computeOptInByPractice({ asAt, locality, flag, sort, page, pageSize, db }));
}

function computeOptInByPractice({ asAt, locality, flag, sort = { id: "name", desc: false }, page, pageSize, db = getDb() }: ListOptInByPracticeArgs) {
  const target = getSettings(db).opt_in_target_percent;
  const reportingMonth = optInMonthAsAt({ asAt, db });
  const { p, fields, exprs } = practiceOptInQuery(db, { asAt, target, reportingMonth, locality });
  const where = flagCondition(exprs, flag);
  const total = db.select({ n: count() }).from(p).where(where).get()?.n ?? 0;
  const sortColumn = { name: p.name, locality: p.locality, registered: p.registered, rate: p.rate, change3: exprs.change3, change12: exprs.change12 }[sort.id];
  let query = db
    .select(fields)
    .from(p)
    .where(where)
    // Practices without the figure go last whichever way the column is sorted.
    .orderBy(sql`(${sortColumn} is null)`, sort.desc ? desc(sortColumn) : asc(sortColumn), asc(p.name))
    .$dynamic();
  if (page !== undefined && pageSize !== undefined) query = query.limit(pageSize).offset((Math.max(1, page) - 1) * pageSize);
  const rows = query.all().map(toPracticeOptIn);
  return { rows, total, target, reportingMonth };
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

// ---------------------------------------------------------------------------------------------
// Monthly return upload: validate, preview, confirm

export type ValidReturnRow = {
  line: number;
  organisationId: number;
  odsCode: string;
  month: string;
  registered: number;
  optedIn: number;
  declined: number;
  notAsked: number;
  nationalOptOuts: number | null;
};
export type RejectedReturnRow = { line: number; odsCode: string; month: string; reason: string };
export type ReturnFileCheck =
  | { ok: false; fileError: string }
  | { ok: true; valid: ValidReturnRow[]; /** The first 1,000 rejected rows, in file order. */ rejected: RejectedReturnRow[]; rejectedCount: number; rows: number };

/** Rejected rows kept with their reasons (the preview shows 100): a 20 MB file of bad rows is not held whole. */
const REJECTED_KEPT = 1_000;

const CSV_READ_ERROR = (line?: number) =>
  `The file could not be read as CSV${line ? ` (near line ${line})` : ""}: save it from your spreadsheet as "CSV (comma delimited)" and upload it again`;

/**
 * Checks return rows one at a time, as they are parsed (from a string or a stream): the header,
 * then every row (numbers, month, the sum, a known practice, not after the reporting month, no
 * duplicate practice and month). Pure: the caller passes the practices by ODS code.
 */
class ReturnRowChecker {
  private header: string[] | null = null;
  private withNational = false;
  private fileError: string | null = null;
  private rows = 0;
  private readonly seen = new Map<number, number>();
  readonly valid: ValidReturnRow[] = [];
  readonly rejected: RejectedReturnRow[] = [];
  private rejectedCount = 0;
  private readonly latestAllowed: string;
  private line = 0;

  constructor(
    private readonly practiceIdByOdsCode: ReadonlyMap<string, number>,
    private readonly reportingMonth: string,
    /** Given, valid rows go here as they are checked (and `valid` stays empty): a large file is never held as objects. */
    private readonly onValid?: (row: ValidReturnRow) => void,
  ) {
    this.latestAllowed = formatMonth(reportingMonth);
  }

  /**
   * Takes the next parsed record (blank lines included, as csv-parse gives them without its
   * per-record info objects, which cost half its time) and works out its line number: one line
   * per record plus any line breaks inside its quoted values. False once the file is refused as a
   * whole (stop reading).
   */
  addRecord(cells: string[]): boolean {
    this.line++;
    for (const cell of cells) if (cell.includes("\n") || cell.includes("\r")) this.line += (cell.match(/\r\n|\r|\n/g) ?? []).length;
    if (cells.length === 1 && cells[0] === "") return true; // a blank line
    return this.add(cells, this.line);
  }

  private add(cells: string[], line: number): boolean {
    if (this.fileError) return false;
    if (!this.header) return this.readHeader(cells);
    this.rows++;
    this.checkRow(cells, line);
    return true;
  }

  private readHeader(cells: string[]) {
    const expected = OPT_IN_CSV_HEADER.join(",");
    const header = cells.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, "") : h).trim().toLowerCase());
    this.withNational = header.length === OPT_IN_CSV_HEADER.length + 1 && header[OPT_IN_CSV_HEADER.length] === OPT_IN_CSV_NATIONAL_COLUMN;
    if (!OPT_IN_CSV_HEADER.every((name, i) => header[i] === name) || (header.length !== OPT_IN_CSV_HEADER.length && !this.withNational)) {
      this.fileError = `Line 1 must be the header ${expected} (optionally followed by ,${OPT_IN_CSV_NATIONAL_COLUMN}); this file starts with "${cells.join(",").slice(0, 120)}"`;
      return false;
    }
    this.header = header;
    return true;
  }

  private reject(line: number, cells: string[], reason: string) {
    if (++this.rejectedCount <= REJECTED_KEPT) this.rejected.push({ line, odsCode: (cells[0] ?? "").trim().toUpperCase(), month: (cells[1] ?? "").trim(), reason });
  }

  private checkRow(cells: string[], line: number) {
    const header = this.header!;
    if (cells.length !== header.length) return this.reject(line, cells, `has ${cells.length} values; every line needs ${header.length} (${header.join(",")})`);
    const parsed = OptInReturnCsvRowSchema.safeParse({
      ods_code: cells[0],
      month: cells[1],
      registered: cells[2],
      opted_in: cells[3],
      declined: cells[4],
      not_asked: cells[5],
      national_opt_outs: this.withNational ? cells[6] : undefined,
    });
    if (!parsed.success) return this.reject(line, cells, parsed.error.issues[0]!.message);
    const row = parsed.data;
    const organisationId = this.practiceIdByOdsCode.get(row.ods_code);
    if (organisationId === undefined) return this.reject(line, cells, `no GP practice in the partnership has the ODS code ${row.ods_code}`);
    if (row.month > this.reportingMonth) return this.reject(line, cells, `month ${row.month} is after the reporting date's month (${this.latestAllowed}): returns can only be for months that have started`);
    const key = returnKey(organisationId, row.month);
    const firstLine = this.seen.get(key);
    if (firstLine !== undefined) return this.reject(line, cells, `duplicates line ${firstLine}: ${row.ods_code} has more than one return for ${row.month} in this file`);
    this.seen.set(key, line);
    const valid: ValidReturnRow = {
      line,
      organisationId,
      odsCode: row.ods_code,
      month: row.month,
      registered: row.registered!,
      optedIn: row.opted_in!,
      declined: row.declined!,
      notAsked: row.not_asked!,
      nationalOptOuts: row.national_opt_outs ?? null,
    };
    if (this.onValid) this.onValid(valid);
    else this.valid.push(valid);
  }


  result(): ReturnFileCheck {
    if (this.fileError) return { ok: false, fileError: this.fileError };
    if (!this.header) return { ok: false, fileError: `Line 1 must be the header ${OPT_IN_CSV_HEADER.join(",")} (optionally followed by ,${OPT_IN_CSV_NATIONAL_COLUMN}); this file is empty` };
    if (this.rows === 0) return { ok: false, fileError: "The file has a header but no returns: add one row per practice and month" };
    return { ok: true, valid: this.valid, rejected: this.rejected, rejectedCount: this.rejectedCount, rows: this.rows };
  }
}

// Blank lines are kept (ReturnRowChecker.addRecord skips them and counts every line).
const CSV_OPTIONS = { relax_column_count: true, skip_empty_lines: false, trim: true, bom: true } as const;

/** Checks a return file's text (see ReturnRowChecker). */
export function checkOptInReturnFile({
  text,
  practiceIdByOdsCode,
  reportingMonth,
  onValid,
}: {
  text: string;
  practiceIdByOdsCode: ReadonlyMap<string, number>;
  reportingMonth: string;
  onValid?: (row: ValidReturnRow) => void;
}): ReturnFileCheck {
  let records: string[][];
  try {
    records = parse(text, CSV_OPTIONS) as string[][];
  } catch (error) {
    return { ok: false, fileError: CSV_READ_ERROR((error as { lines?: number }).lines) };
  }
  const checker = new ReturnRowChecker(practiceIdByOdsCode, reportingMonth, onValid);
  for (const record of records) if (!checker.addRecord(record)) break;
  return checker.result();
}

/**
 * The same check over a stream (csv-parse's stream API): the file is never held whole in memory.
 * Records are taken as 'data' events, each checked as it is parsed (an async iterator's promise
 * per record cost more than checking it).
 */
export async function checkOptInReturnStream({
  input,
  practiceIdByOdsCode,
  reportingMonth,
  onValid,
}: {
  input: Readable;
  practiceIdByOdsCode: ReadonlyMap<string, number>;
  reportingMonth: string;
  onValid?: (row: ValidReturnRow) => void;
}): Promise<ReturnFileCheck> {
  const checker = new ReturnRowChecker(practiceIdByOdsCode, reportingMonth, onValid);
  const parser = parseStream(CSV_OPTIONS);
  try {
    await new Promise<void>((resolve, reject) => {
      let stopped = false;
      parser.on("data", (record: string[]) => {
        if (stopped || checker.addRecord(record)) return;
        stopped = true;
        input.unpipe(parser);
        parser.destroy();
        resolve();
      });
      parser.on("end", resolve);
      parser.on("error", reject);
      input.on("error", reject);
      input.pipe(parser);
    });
  } catch (error) {
    return { ok: false, fileError: CSV_READ_ERROR((error as { lines?: number }).lines) };
  } finally {
    input.destroy();
  }
  return checker.result();
}

type Figures = Pick<ValidReturnRow, "registered" | "optedIn" | "declined" | "notAsked" | "nationalOptOuts">;
export type ReplacedReturn = { line: number; odsCode: string; month: string; before: Figures; after: Figures };

/** A return's practice and month as one number (for a Map key without building strings). */
function returnKey(organisationId: number, month: string) {
  return organisationId * 1_000_000 + Number(month.slice(0, 4)) * 100 + Number(month.slice(5, 7));
}

const UPLOAD_DIR = path.join(os.tmpdir(), "shareboard-opt-in-uploads");
/** A preview can be confirmed for this long. */
export const UPLOAD_TTL_MS = 30 * 60 * 1000;
const PREVIEW_LIMIT = 100;

/**
 * A previewed upload waiting for confirmation, as a file of JSON lines: the first says whose it is
 * ({ userId, createdAt, fileName, rows }), then one line per return to write:
 * [organisationId, month, registered, optedIn, declined, notAsked, nationalOptOuts, line].
 * Lines, so a 20 MB upload is written and read back a chunk at a time, never as one array.
 */
type StoredUpload = { userId: number; createdAt: number; fileName: string; rows: number };
type StoredRow = [organisationId: number, month: string, registered: number, optedIn: number, declined: number, notAsked: number, nationalOptOuts: number | null, line: number];

function uploadFile(uploadId: string) {
  return path.join(UPLOAD_DIR, `${uploadId}.jsonl`);
}

/** Removes previews nobody confirmed in time. */
function sweepExpiredUploads() {
  if (!fs.existsSync(UPLOAD_DIR)) return;
  for (const name of fs.readdirSync(UPLOAD_DIR)) {
    const file = path.join(UPLOAD_DIR, name);
    try {
      if (Date.now() - fs.statSync(file).mtimeMs > UPLOAD_TTL_MS) fs.rmSync(file, { force: true });
    } catch {
      // removed by another request meanwhile
    }
  }
}

/** Rows a staging insert takes at once (9 values each, well under SQLite's 32,766 parameters). */
const STAGE_CHUNK = 200;
const STAGE_COLUMNS = 9;

/**
 * An upload's rows in a temporary table of this connection (temp.opt_in_upload_rows), written 200
 * at a time as they are checked or read back, then marked against the returns kept now: kind 0
 * new, 1 unchanged, 2 replacing different figures. Preview and confirm both classify this way, in
 * SQL, so neither holds the file's rows as JavaScript objects. Prepared statements on the raw
 * connection (the one getDb() and transaction() use): building SQL per chunk through drizzle cost
 * more than SQLite's work. A temporary table is private to the connection and is not the database
 * file: a preview still changes nothing.
 */
class UploadStaging {
  private readonly sqlite = connection().sqlite;
  private readonly many;
  private readonly one;
  private readonly values: unknown[] = [];

  constructor() {
    this.sqlite.exec(`create temp table if not exists opt_in_upload_rows (
      organisation_id integer not null, month text not null, registered integer not null, opted_in integer not null, declined integer not null,
      not_asked integer not null, national_opt_outs integer, line integer not null, ods_code text, kind integer not null default 0,
      primary key (organisation_id, month)) without rowid`);
    this.sqlite.exec("delete from temp.opt_in_upload_rows");
    const insert = "insert into temp.opt_in_upload_rows (organisation_id, month, registered, opted_in, declined, not_asked, national_opt_outs, line, ods_code) values ";
    const row = `(${Array(STAGE_COLUMNS).fill("?").join(", ")})`;
    this.many = this.sqlite.prepare(insert + Array(STAGE_CHUNK).fill(row).join(", "));
    this.one = this.sqlite.prepare(insert + row);
  }

  add(organisationId: number, month: string, registered: number, optedIn: number, declined: number, notAsked: number, nationalOptOuts: number | null, line: number, odsCode: string | null) {
    this.values.push(organisationId, month, registered, optedIn, declined, notAsked, nationalOptOuts, line, odsCode);
    if (this.values.length === STAGE_CHUNK * STAGE_COLUMNS) {
      this.many.run(this.values);
      this.values.length = 0;
    }
  }

  /** Writes the rows still buffered, then marks every row against the returns kept now. */
  finish() {
    for (let i = 0; i < this.values.length; i += STAGE_COLUMNS) this.one.run(this.values.slice(i, i + STAGE_COLUMNS));
    this.values.length = 0;
    this.sqlite.exec(`update temp.opt_in_upload_rows as s
      set kind = case when r.registered = s.registered and r.opted_in = s.opted_in and r.declined = s.declined and r.not_asked = s.not_asked
        and r.national_opt_outs is s.national_opt_outs then 1 else 2 end
      from opt_in_returns r where r.organisation_id = s.organisation_id and r.month = s.month`);
  }

  summary(db: DbOrTx) {
    return db.get<{ rows: number; added: number; replaced: number; unchanged: number; firstMonth: string | null; lastMonth: string | null }>(
      sql`select count(*) as rows, coalesce(sum(kind = 0), 0) as added, coalesce(sum(kind = 2), 0) as replaced, coalesce(sum(kind = 1), 0) as unchanged,
        min(month) as firstMonth, max(month) as lastMonth from temp.opt_in_upload_rows`,
    )!;
  }

  /** The first `limit` replacing rows in file order, with the figures they replace. */
  replacements(db: DbOrTx, limit: number) {
    return db.all<{ line: number; odsCode: string | null; organisationId: number; month: string; registered: number; optedIn: number; declined: number; notAsked: number; nationalOptOuts: number | null; newRegistered: number; newOptedIn: number; newDeclined: number; newNotAsked: number; newNationalOptOuts: number | null }>(
      sql`select s.line, s.ods_code as odsCode, r.organisation_id as organisationId, r.month, r.registered, r.opted_in as optedIn, r.declined, r.not_asked as notAsked, r.national_opt_outs as nationalOptOuts,
          s.registered as newRegistered, s.opted_in as newOptedIn, s.declined as newDeclined, s.not_asked as newNotAsked, s.national_opt_outs as newNationalOptOuts
        from temp.opt_in_upload_rows s join opt_in_returns r on r.organisation_id = s.organisation_id and r.month = s.month
        where s.kind = 2 order by s.line limit ${limit}`,
    );
  }

  /** Writes the new and replacing rows to the open stored-upload file (after its first line), 2,000 lines a write. */
  writeRows(fd: number) {
    let chunk = "";
    let lines = 0;
    const rows = this.sqlite.prepare("select organisation_id, month, registered, opted_in, declined, not_asked, national_opt_outs, line from temp.opt_in_upload_rows where kind <> 1").raw();
    for (const row of rows.iterate()) {
      chunk += JSON.stringify(row) + "\n";
      if (++lines === 2_000) {
        fs.writeSync(fd, chunk);
        chunk = "";
        lines = 0;
      }
    }
    if (chunk) fs.writeSync(fd, chunk);
  }
}

export type UploadPreview =
  | { ok: false; fileError: string }
  | {
      ok: true;
      /** Set when there is something to import and nothing was rejected. */
      uploadId: string | null;
      fileName: string;
      rows: number;
      toAdd: number;
      toReplace: number;
      unchanged: number;
      rejectedCount: number;
      months: { first: string; last: string } | null;
      /** The first 100 of each, in file order. */
      replacements: ReplacedReturn[];
      rejected: RejectedReturnRow[];
      reportingMonth: string;
    };

/** Practices by ODS code, for checking a file (id and code only). */
function practiceIds(db: DbOrTx) {
  const rows = db.select({ id: organisations.id, odsCode: organisations.odsCode }).from(organisations).where(eq(organisations.type, "gp_practice")).all();
  return new Map(rows.map((r) => [r.odsCode.toUpperCase(), r.id]));
}

function stageValidRow(staging: UploadStaging) {
  return (r: ValidReturnRow) => staging.add(r.organisationId, r.month, r.registered, r.optedIn, r.declined, r.notAsked, r.nationalOptOuts, r.line, r.odsCode);
}

/**
 * Checks an uploaded return file and says what confirming it would do. Nothing in the database
 * changes: the checked rows wait in a private temporary file (named by a random id, tied to the
 * user, kept 30 minutes) until the same user confirms. A file with any rejected row cannot be
 * imported: the whole file is fixed and uploaded again.
 */
export function previewOptInUpload({ userId, fileName, text }: { userId: number; fileName: string; text: string }): UploadPreview {
  const db = getDb();
  const reportingMonth = monthOf(getReportingDate(db));
  const staging = new UploadStaging();
  const check = checkOptInReturnFile({ text, practiceIdByOdsCode: practiceIds(db), reportingMonth, onValid: stageValidRow(staging) });
  return previewFromStaging({ db, userId, fileName, reportingMonth, check, staging });
}

/** previewOptInUpload over a stream of the file (what the import worker thread runs). */
export async function previewOptInUploadStream({ userId, fileName, input }: { userId: number; fileName: string; input: Readable }): Promise<UploadPreview> {
  const db = getDb();
  const reportingMonth = monthOf(getReportingDate(db));
  const staging = new UploadStaging();
  const check = await checkOptInReturnStream({ input, practiceIdByOdsCode: practiceIds(db), reportingMonth, onValid: stageValidRow(staging) });
  return previewFromStaging({ db, userId, fileName, reportingMonth, check, staging });
}

function previewFromStaging({ db, userId, fileName, reportingMonth, check, staging }: { db: DbOrTx; userId: number; fileName: string; reportingMonth: string; check: ReturnFileCheck; staging: UploadStaging }): UploadPreview {
  if (!check.ok) return check;
  staging.finish();
  const staged = staging.summary(db);
  let uploadId: string | null = null;
  if (check.rejectedCount === 0 && staged.added + staged.replaced > 0) {
    sweepExpiredUploads();
    uploadId = crypto.randomUUID();
    fs.mkdirSync(UPLOAD_DIR, { recursive: true, mode: 0o700 });
    const fd = fs.openSync(uploadFile(uploadId), "w", 0o600);
    try {
      const stored: StoredUpload = { userId, createdAt: Date.now(), fileName, rows: staged.added + staged.replaced };
      fs.writeSync(fd, JSON.stringify(stored) + "\n");
      staging.writeRows(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
  return {
    ok: true,
    uploadId,
    fileName,
    rows: check.rows,
    toAdd: staged.added,
    toReplace: staged.replaced,
    unchanged: staged.unchanged,
    rejectedCount: check.rejectedCount,
    months: staged.firstMonth && staged.lastMonth ? { first: staged.firstMonth, last: staged.lastMonth } : null,
    replacements: staging.replacements(db, PREVIEW_LIMIT).map((r) => ({
      line: r.line,
      odsCode: r.odsCode ?? "",
      month: r.month,
      before: { registered: r.registered, optedIn: r.optedIn, declined: r.declined, notAsked: r.notAsked, nationalOptOuts: r.nationalOptOuts },
      after: { registered: r.newRegistered, optedIn: r.newOptedIn, declined: r.newDeclined, notAsked: r.newNotAsked, nationalOptOuts: r.newNationalOptOuts },
    })),
    rejected: check.rejected.slice(0, PREVIEW_LIMIT),
    reportingMonth,
  };
}

export type UploadResult = { ok: true; added: number; replaced: number; unchanged: number } | { ok: false; error: string };

/** Calls `onLine` for each line of a file, read 1 MB at a time (a 20 MB upload is never one string). */
function forEachLine(file: string, onLine: (line: string) => void) {
  const fd = fs.openSync(file, "r");
  try {
    const buffer = Buffer.alloc(1 << 20);
    let rest = "";
    for (let read; (read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0; ) {
      const lines = (rest + buffer.toString("utf8", 0, read)).split("\n");
      rest = lines.pop()!;
      for (const line of lines) if (line) onLine(line);
    }
    if (rest) onLine(rest);
  } finally {
    fs.closeSync(fd);
  }
}

/** A stored upload's first line (whose it is), or null when it is missing or unreadable. */
function readStoredUpload(file: string): StoredUpload | null {
  try {
    const fd = fs.openSync(file, "r");
    try {
      const buffer = Buffer.alloc(64 * 1024); // the first line: ids, a time and the file name
      const head = buffer.toString("utf8", 0, fs.readSync(fd, buffer, 0, buffer.length, 0));
      return JSON.parse(head.slice(0, head.indexOf("\n"))) as StoredUpload;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
}

/**
 * Imports a previewed upload: all or nothing in one transaction, one audit row for the whole
 * file. Rows are compared again inside the transaction, so a return that someone else changed
 * meanwhile is counted correctly and an identical row is never rewritten. Set-based: the stored
 * rows go to the staging table, then one INSERT … SELECT … ON CONFLICT writes the new and
 * replacing ones and the read models are brought up to date from the same table.
 */
export function confirmOptInUpload({ actor, userId, uploadId }: { actor: Actor; userId: number; uploadId: string }): UploadResult {
  const expired = { ok: false as const, error: "This preview has expired or was not found: upload the file again" };
  if (!/^[0-9a-f-]{36}$/.test(uploadId)) return expired;
  const file = uploadFile(uploadId);
  const stored = readStoredUpload(file);
  if (!stored || stored.userId !== userId || Date.now() - stored.createdAt > UPLOAD_TTL_MS) return expired;
  const result = transaction((tx) => {
    const reportingMonth = monthOf(getReportingDate(tx));
    const staging = new UploadStaging();
    let first = true;
    forEachLine(file, (line) => {
      if (first) return void (first = false); // whose it is, read above
      const [organisationId, month, registered, optedIn, declined, notAsked, nationalOptOuts, fileLine] = JSON.parse(line) as StoredRow;
      staging.add(organisationId, month, registered, optedIn, declined, notAsked, nationalOptOuts, fileLine, null);
    });
    staging.finish();
    const staged = staging.summary(tx);
    if (staged.lastMonth && staged.lastMonth > reportingMonth) return { ok: false as const, error: "The reporting date changed since the preview: upload the file again" };
    // The before figures of replaced returns are kept for the first 100 (in file order); the counts cover all.
    const replacedBefore = staging
      .replacements(tx, PREVIEW_LIMIT)
      .map(({ organisationId, month, registered, optedIn, declined, notAsked, nationalOptOuts }) => ({ organisationId, month, registered, optedIn, declined, notAsked, nationalOptOuts }));
    // The WHERE before ON CONFLICT is SQLite's rule for an upsert from a SELECT. On the raw connection,
    // so a broken CHECK reaches the caller as SQLite's own error.
    connection()
      .sqlite.prepare(
        `insert into opt_in_returns (organisation_id, month, registered, opted_in, declined, not_asked, national_opt_outs, uploaded_by, uploaded_at)
        select organisation_id, month, registered, opted_in, declined, not_asked, national_opt_outs, ?, ?
        from temp.opt_in_upload_rows where kind <> 1
        on conflict (organisation_id, month) do update set registered = excluded.registered, opted_in = excluded.opted_in, declined = excluded.declined,
          not_asked = excluded.not_asked, national_opt_outs = excluded.national_opt_outs, uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at`,
      )
      .run(actor.userId, new Date().toISOString());
    failpoint("import-mid-transaction"); // crash tests only: die with every row written, before commit
    optInReturnsChanged(tx, sql`select organisation_id, month from temp.opt_in_upload_rows where kind <> 1`);
    audit(tx, actor, {
      action: "opt_in_returns.upload",
      entityType: "opt_in_upload",
      entityId: uploadId,
      before: replacedBefore.length ? { replaced: replacedBefore } : null,
      after: { fileName: stored.fileName, rows: staged.rows, added: staged.added, replaced: staged.replaced, unchanged: staged.unchanged, firstMonth: staged.firstMonth ?? undefined, lastMonth: staged.lastMonth ?? undefined },
    });
    return { ok: true as const, added: staged.added, replaced: staged.replaced, unchanged: staged.unchanged };
  });
  fs.rmSync(file, { force: true });
  return result;
}
