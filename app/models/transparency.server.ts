// The public transparency page: who can view a shared record, under which agreements, and the
// borough opt-in rate. Everything here is published without sign-in, so it returns organisation
// and service names only (never a person's name or email) and suppresses every small count.
import { and, asc, eq, inArray } from "drizzle-orm";
import { agreementCoverage, agreementParties, agreements, organisations } from "../../db/schema";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { getDb, type DbOrTx } from "~/lib/db.server";
import { addMonthsToMonth, monthOf } from "~/lib/dates";
import { suppressSmallNumber, suppressedRate } from "~/lib/suppression";
import { pageCount, pageOffset } from "~/lib/table-query";
import { inForceSql, reviewOnSql } from "./agreements.server";
import { nameAsAtSql } from "./organisation-history.server";
import { ARTICLE_6_LABELS, ARTICLE_9_LABELS, CONSENT_MODEL_LABELS, PURPOSE_LABELS } from "./agreements.schema";
import { optInTrend } from "./consent.server";
import { listDeployments } from "./rollout.server";
import { ORGANISATION_TYPE_LABELS, RECORD_VIEWING_CAPABILITIES as VIEWING_CAPABILITIES } from "./rollout.schema";
const TREND_MONTHS = 24;

export type TransparencyService = { name: string; capabilities: string[]; agreements: string[]; purposes: string[] };
/** `privateProvider`: a private organisation working under the NHS badge (NHS-funded), tagged as such on the page. */
export type TransparencyOrganisation = { name: string; type: string; privateProvider: boolean; services: TransparencyService[] };

/**
 * Everything the public page shows, as at `asAt` (the reporting date): services with a live
 * viewing deployment grouped by organisation (each by its name and private-provider flag on that
 * date, from listDeployments), the agreements in force, and the borough opt-in
 * rate by month for the two years to `asAt`, with every patient count suppressed below 10.
 */
export function transparencyReport({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  // The same for every visitor (it is public): worked out once per data version, not per request.
  return memoiseByDataVersion("transparency", { asAt }, db, () => computeTransparencyReport({ asAt, db }));
}

/**
 * One page of the public page's two lists (20 organisations and 20 agreements a page), with the
 * titles of the agreements the organisations shown name. Kept by itself as well, so a worker that
 * has not worked out the report reads this small page from the workers' shared store rather than
 * the whole national report. A page number out of range shows the nearest real page.
 */
export function transparencyPage({ asAt, page, agreementsPage, db = getDb() }: { asAt: string; page: number; agreementsPage: number; db?: DbOrTx }) {
  // Out-of-range page numbers are brought into range before the page is looked up, so any number
  // someone types is kept as the page it shows, not as a page of its own (the lists' lengths are
  // a tiny figure of their own, for the same reason as the pages).
  const lengths = memoiseByDataVersion("transparency-lengths", { asAt }, db, () => {
    const report = transparencyReport({ asAt, db });
    return { organisations: report.viewingOrganisations.length, agreements: report.activeAgreements.length };
  });
  const shown = { organisations: inRange(page, lengths.organisations, ORGANISATIONS_PER_PAGE), agreements: inRange(agreementsPage, lengths.agreements, AGREEMENTS_PER_PAGE) };
  return memoiseByDataVersion("transparency-page", { asAt, page: shown.organisations, agreementsPage: shown.agreements }, db, () => {
    const report = transparencyReport({ asAt, db });
    const organisations = pageOf(report.viewingOrganisations, shown.organisations, ORGANISATIONS_PER_PAGE);
    const agreements = pageOf(report.activeAgreements, shown.agreements, AGREEMENTS_PER_PAGE);
    const shownReferences = new Set(organisations.rows.flatMap((o) => o.services.flatMap((s) => s.agreements)));
    return {
      ...report,
      viewingOrganisations: organisations.rows,
      organisationsPage: { page: organisations.page, pages: organisations.pages, total: report.viewingOrganisations.length, size: ORGANISATIONS_PER_PAGE },
      activeAgreements: agreements.rows,
      agreementsPage: { page: agreements.page, pages: agreements.pages, total: report.activeAgreements.length, size: AGREEMENTS_PER_PAGE },
      agreementTitles: report.activeAgreements.filter((a) => shownReferences.has(a.reference)).map((a) => ({ reference: a.reference, title: a.title })),
    };
  });
}

const ORGANISATIONS_PER_PAGE = 20;
const AGREEMENTS_PER_PAGE = 20;

/** The page a number asks for among `total` rows: a page past the end is the last, one before the first the first. */
function inRange(asked: number, total: number, size: number) {
  return Math.min(Math.max(asked, 1), pageCount(total, size));
}

/** One page of a list; a page past the end shows the last. */
function pageOf<T>(rows: readonly T[], asked: number, size: number) {
  const page = inRange(asked, rows.length, size);
  const from = pageOffset(page, size);
  return { rows: rows.slice(from, from + size), page, pages: pageCount(rows.length, size) };
}

function computeTransparencyReport({ asAt, db }: { asAt: string; db: DbOrTx }) {
  // Each list is kept by itself until a table it reads changes: a review of an agreement recomputes
  // the agreements, not the services live or the opt-in trend.
  const section = <T>(name: string, compute: () => T): T => memoiseByDataVersion(`transparency.${name}`, { asAt }, db, compute);
  const viewingOrganisations = section("viewing-organisations", () => viewingOrganisationsAsAt(db, asAt));
  const serviceCount = viewingOrganisations.reduce((n, o) => n + o.services.length, 0);
  return {
    asAt,
    viewingOrganisations,
    organisationCount: suppressSmallNumber(viewingOrganisations.length),
    serviceCount: suppressSmallNumber(serviceCount),
    activeAgreements: section("active-agreements", () => activeAgreementsAsAt(db, asAt)),
    optIn: section("opt-in", () => optInTrendTo(db, asAt)),
  };
}

/** Services with a live viewing deployment on the date, grouped by organisation, with the agreements in force covering each. */
function viewingOrganisationsAsAt(db: DbOrTx, asAt: string): TransparencyOrganisation[] {
  const live = listDeployments({ asAt, status: "live", db }).rows.filter((d) => (VIEWING_CAPABILITIES as readonly string[]).includes(d.capabilityCode));

  // Agreements in force covering each live viewing deployment (the whole service, or that deployment).
  // Every agreement in force's coverage, looked up by service below: naming the thousand-odd live
  // services in the query made SQLite seek each one under every agreement (1.3 million seeks, 55 ms
  // nationally, for 2,000 rows). In agreement order, as SQLite read them before.
  const coverage = live.length
    ? db
        .select({ serviceId: agreementCoverage.serviceId, deploymentId: agreementCoverage.deploymentId, reference: agreements.reference, purpose: agreements.purpose })
        .from(agreementCoverage)
        .innerJoin(agreements, eq(agreements.id, agreementCoverage.agreementId))
        .where(inForceSql(asAt))
        .orderBy(asc(agreementCoverage.agreementId), asc(agreementCoverage.serviceId), asc(agreementCoverage.deploymentId))
        .all()
    : [];

  const coverageByService = groupBy(coverage, (c) => c.serviceId);
  const byOrganisation = new Map<string, TransparencyOrganisation>();
  for (const d of live) {
    const org = byOrganisation.get(d.odsCode) ?? { name: d.organisationName, type: ORGANISATION_TYPE_LABELS[d.organisationType], privateProvider: d.privateProvider, services: [] };
    byOrganisation.set(d.odsCode, org);
    let service = org.services.find((s) => s.name === d.serviceName);
    if (!service) {
      service = { name: d.serviceName, capabilities: [], agreements: [], purposes: [] };
      org.services.push(service);
    }
    service.capabilities.push(d.capabilityCode === "two_way" ? "Views the GP record, and GPs view its records (two-way)" : "Views the GP record (read-only)");
    for (const c of (coverageByService.get(d.serviceId) ?? []).filter((c) => c.deploymentId === null || c.deploymentId === d.id)) {
      if (!service.agreements.includes(c.reference)) service.agreements.push(c.reference);
      const purpose = PURPOSE_LABELS[c.purpose];
      if (!service.purposes.includes(purpose)) service.purposes.push(purpose);
    }
  }
  const viewingOrganisations = [...byOrganisation.values()].sort((a, b) => a.name.localeCompare(b.name));

  return viewingOrganisations;
}

/** The agreements in force on the date, each with its parties by the names they had then. */
function activeAgreementsAsAt(db: DbOrTx, asAt: string) {
  const agreementRows = db
    .select({
      id: agreements.id,
      reference: agreements.reference,
      version: agreements.version,
      title: agreements.title,
      purpose: agreements.purpose,
      article6Basis: agreements.article6Basis,
      article9Condition: agreements.article9Condition,
      consentModel: agreements.consentModel,
      effectiveOn: agreements.effectiveOn,
      // Moved on by the latest review recorded by then.
      reviewOn: reviewOnSql(asAt),
    })
    .from(agreements)
    .where(inForceSql(asAt))
    .orderBy(asc(agreements.reference), asc(agreements.version))
    .all();
  // Parties by the names they had on the date (a later rename does not rewrite an earlier page).
  const partyName = nameAsAtSql(db, organisations.id, asAt);
  const parties = agreementRows.length
    ? db
        .select({ agreementId: agreementParties.agreementId, name: partyName })
        .from(agreementParties)
        .innerJoin(organisations, eq(organisations.id, agreementParties.organisationId))
        .where(inArray(agreementParties.agreementId, agreementRows.map((a) => a.id)))
        .orderBy(asc(partyName))
        .all()
    : [];
  const partiesByAgreement = groupBy(parties, (p) => p.agreementId);
  const activeAgreements = agreementRows.map(({ id, article6Basis, article9Condition, purpose, consentModel, ...a }) => ({
    ...a,
    purpose: PURPOSE_LABELS[purpose],
    article6: ARTICLE_6_LABELS[article6Basis],
    article9: article9Condition ? ARTICLE_9_LABELS[article9Condition] : null,
    consentModel: CONSENT_MODEL_LABELS[consentModel],
    parties: (partiesByAgreement.get(id) ?? []).map((p) => p.name),
  }));

  return activeAgreements;
}

/** The borough opt-in rate by month for the two years to the date, every count suppressed below 10. */
function optInTrendTo(db: DbOrTx, asAt: string) {
  const to = monthOf(asAt);
  return optInTrend({ from: addMonthsToMonth(to, -(TREND_MONTHS - 1)), to, db }).map((p) => ({
    month: p.month,
    rate: suppressedRate(p.optedIn, p.registered),
    registered: suppressSmallNumber(p.registered),
    optedIn: suppressSmallNumber(p.optedIn),
  }));
}

/** Rows by a key, in their order (Map.groupBy arrives with Node 21). */
function groupBy<T, K>(rows: readonly T[], keyOf: (row: T) => K) {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const group = groups.get(keyOf(row));
    if (group) group.push(row);
    else groups.set(keyOf(row), [row]);
  }
  return groups;
}

export type TransparencyReport = ReturnType<typeof computeTransparencyReport>;
