import { and, asc, count, desc, eq, inArray, isNotNull, or, sql, type SQL } from "drizzle-orm";
import { deployments, organisations, services } from "../../db/schema";
import type { OrganisationType } from "../../db/schema/enums";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { getDb, transaction, type DbOrTx } from "~/lib/db.server";
import { audit, type Actor } from "~/lib/audit.server";
import { pageOffset, type TableSort } from "~/lib/table-query";
import type { OrganisationInput, OrganisationSort } from "./organisations.schema";
export { ORGANISATION_SORTS, type OrganisationSort } from "./organisations.schema";
import { countPractices, statusAsAt } from "./rollout.server";
import { organisationGroupsChanged } from "./consent.read-model.server";
import {
  correctJoinedOn,
  joinedOnAsAtSql,
  hadNameLikeSql,
  laterNameOrFlagChange,
  nameAsAtSql,
  leaveOn,
  recordInitialOrganisationFacts,
  setNameFrom,
  setPrivateProviderFrom,
  setStatusFrom,
  statusAsAtSql,
  type OrganisationStatus,
} from "./organisation-history.server";
import { asAtRangeMessage, getReportingDate } from "./settings.server";
import { formatDate } from "~/lib/dates";


export type OrganisationRow = {
  id: number;
  odsCode: string;
  name: string;
  type: OrganisationType;
  locality: string | null;
  /** When the membership valid on the as-at date began (null: not a member on that date). */
  signedUpOn: string | null;
  listSize: number | null;
  dsptStatus: string | null;
  dsptYear: string | null;
  /** Status on the as-at date. */
  status: OrganisationStatus;
  /** Deployments live at the end of the as-at date. */
  liveDeployments: number;
};

/** LIKE pattern matching `text` anywhere, with the wildcards in it taken literally. */
function containsPattern(text: string) {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Partner organisations as at `asAt`: those with a status recorded on that date (an organisation
 * imported later is not listed for earlier dates), each with its name and status then, the start of its
 * membership valid then, and the count of deployments live at the end of that day. Filtered, sorted and paged in SQL; omit
 * `page`/`pageSize` for every row (the CSV).
 */
export function listOrganisations({
  asAt,
  type,
  locality,
  q,
  sort = { id: "name", desc: false },
  page,
  pageSize,
  db = getDb(),
}: {
  asAt: string;
  type?: OrganisationType | null;
  locality?: string | null;
  /** Free text: part of the name, or of the ODS code. */
  q?: string | null;
  sort?: TableSort<OrganisationSort>;
  page?: number;
  pageSize?: number;
  db?: DbOrTx;
}): { rows: OrganisationRow[]; total: number } {
  const current = statusAsAt(db, asAt);
  const liveByOrg = db.$with("live_by_organisation").as(
    db
      .select({ organisationId: sql<number>`${services.organisationId}`.as("live_organisation_id"), n: count().as("live_count") })
      .from(current)
      .innerJoin(deployments, eq(deployments.id, current.deploymentId))
      .innerJoin(services, eq(services.id, deployments.serviceId))
      .where(eq(current.status, "live"))
      .groupBy(services.organisationId),
  );

  const statusOn = statusAsAtSql(db, organisations.id, asAt);
  // Listed by the name each had on the date; a search finds it by any name it has had.
  const nameOn = nameAsAtSql(db, organisations.id, asAt);
  const conditions: SQL[] = [sql`${statusOn} is not null`];
  if (type) conditions.push(eq(organisations.type, type));
  if (locality) conditions.push(eq(organisations.locality, locality));
  const text = q?.trim();
  if (text) {
    const pattern = containsPattern(text);
    conditions.push(or(sql`${organisations.name} like ${pattern} escape '\\'`, hadNameLikeSql(db, organisations.id, pattern), sql`${organisations.odsCode} like ${pattern} escape '\\'`)!);
  }
  const where = and(...conditions);

  const total = db.select({ n: count() }).from(organisations).where(where).get()?.n ?? 0;

  const live = sql<number>`coalesce(${liveByOrg.n}, 0)`;
  const signedUp = joinedOnAsAtSql(db, organisations.id, asAt);
  const sortColumn: Record<OrganisationSort, SQL> = {
    odsCode: sql`${organisations.odsCode}`,
    name: sql`${nameOn} collate nocase`,
    type: sql`${organisations.type}`,
    locality: sql`${organisations.locality} collate nocase`,
    signedUpOn: signedUp,
    listSize: sql`${organisations.listSize}`,
    dsptStatus: sql`${organisations.dsptStatus}`,
    liveDeployments: live,
  };
  let query = db
    .with(current, liveByOrg)
    .select({
      id: organisations.id,
      odsCode: organisations.odsCode,
      name: nameOn,
      type: organisations.type,
      locality: organisations.locality,
      signedUpOn: signedUp,
      listSize: organisations.listSize,
      dsptStatus: organisations.dsptStatus,
      dsptYear: organisations.dsptYear,
      status: sql<OrganisationStatus>`${statusOn}`,
      liveDeployments: live,
    })
    .from(organisations)
    .leftJoin(liveByOrg, eq(liveByOrg.organisationId, organisations.id))
    .where(where)
    .orderBy(sort.desc ? desc(sortColumn[sort.id]) : asc(sortColumn[sort.id]), asc(sql`${organisations.name} collate nocase`), asc(organisations.id))
    .$dynamic();
  if (page && pageSize) query = query.limit(pageSize).offset(pageOffset(page, pageSize));
  return { rows: query.all().map((r) => ({ ...r, liveDeployments: Number(r.liveDeployments) })), total };
}

/** The localities organisations are in, for filters: kept until organisations change (every page's filter asks). */
export function listLocalities({ db = getDb() }: { db?: DbOrTx } = {}): readonly string[] {
  return memoiseByDataVersion("localities", {}, db, () => computeLocalities(db));
}

function computeLocalities(db: DbOrTx) {
  return db
    .selectDistinct({ locality: organisations.locality })
    .from(organisations)
    .where(isNotNull(organisations.locality))
    .orderBy(asc(organisations.locality))
    .all()
    .map((r) => r.locality!)
    .filter(Boolean);
}

export function getOrganisationByOdsCode({ odsCode, db = getDb() }: { odsCode: string; db?: DbOrTx }) {
  return db.select().from(organisations).where(eq(organisations.odsCode, odsCode.toUpperCase())).get() ?? null;
}
export type Organisation = NonNullable<ReturnType<typeof getOrganisationByOdsCode>>;

export class OrganisationRuleError extends Error {
  constructor(
    public field: string,
    message: string,
  ) {
    super(message);
  }
}

export function createOrganisation({ actor, input }: { actor: Actor; input: OrganisationInput }) {
  return transaction((tx) => {
    if (getOrganisationByOdsCode({ odsCode: input.odsCode, db: tx })) {
      throw new OrganisationRuleError("odsCode", `An organisation with ODS code ${input.odsCode} already exists`);
    }
    const { effectiveOn: _effectiveOn, ...values } = input;
    const after = tx.insert(organisations).values(values).returning().get();
    // Known to the partnership from its sign-up date, or from the reporting date when it has none
    // (adding it does not change any figure as at an earlier date).
    const reportingDate = getReportingDate(tx);
    const knownFrom = input.signedUpOn && input.signedUpOn < reportingDate ? input.signedUpOn : reportingDate;
    recordInitialOrganisationFacts(tx, after, { source: "form", recordedBy: actor.userId ?? null, note: "added on the organisation form" }, knownFrom);
    audit(tx, actor, { action: "organisation.create", entityType: "organisation", entityId: after.id, after });
    return after;
  });
}

/**
 * Edits an organisation; its ODS code may change (ODS re-codes happen) but must stay unique. A new
 * name or private-provider answer takes effect on `input.effectiveOn` (default the reporting date):
 * figures and titles as at earlier dates keep the old one.
 */
export function updateOrganisation({ actor, id, input }: { actor: Actor; id: number; input: OrganisationInput }) {
  return transaction((tx) => {
    const before = tx.select().from(organisations).where(eq(organisations.id, id)).get();
    if (!before) return null;
    const clash = getOrganisationByOdsCode({ odsCode: input.odsCode, db: tx });
    if (clash && clash.id !== id) throw new OrganisationRuleError("odsCode", `Another organisation (${clash.name}) already has ODS code ${input.odsCode}`);
    const { effectiveOn: askedFrom, ...values } = input;
    const reportingDate = getReportingDate(tx);
    const factsFrom = askedFrom ?? reportingDate;
    const renamed = values.name !== before.name;
    const reflagged = values.nhsBadgedPrivate !== before.nhsBadgedPrivate;
    if (renamed || reflagged) {
      const outOfRange = asAtRangeMessage(factsFrom, reportingDate);
      if (outOfRange) throw new OrganisationRuleError("effectiveOn", outOfRange.replace(/^The date/, "The date the change takes effect"));
      const later = laterNameOrFlagChange(tx, { organisationId: id, from: factsFrom });
      if (later) {
        throw new OrganisationRuleError(
          "effectiveOn",
          `The name or private-provider answer already changes on ${formatDate(later)}: enter a date on or after ${formatDate(later)}, or record the earlier change as it was then`,
        );
      }
    }
    const after = tx
      .update(organisations)
      .set({ ...values, updatedAt: new Date().toISOString() })
      .where(eq(organisations.id, id))
      .returning()
      .get();
    if (after && (after.type !== before.type || after.locality !== before.locality)) organisationGroupsChanged(tx, [before, after]);
    // A status changed on the form takes effect on the reporting date; a sign-up date set on the
    // form corrects when the organisation joined.
    const recorded = { source: "form" as const, recordedBy: actor.userId ?? null, note: "changed on the organisation form" };
    if (after && before.status !== after.status) {
      const from = reportingDate;
      setStatusFrom(tx, { organisationId: id, status: after.status, from, ...recorded });
      if (after.status === "closed") leaveOn(tx, { organisationId: id, on: from });
    }
    if (after?.signedUpOn && after.signedUpOn !== before.signedUpOn) correctJoinedOn(tx, { organisationId: id, on: after.signedUpOn, ...recorded });
    if (renamed) setNameFrom(tx, { organisationId: id, name: values.name, from: factsFrom, ...recorded });
    if (reflagged) setPrivateProviderFrom(tx, { organisationId: id, nhsBadgedPrivate: values.nhsBadgedPrivate, from: factsFrom, ...recorded });
    // The date a new name or flag takes effect is kept with the change, so the history can be read back from the log.
    audit(tx, actor, { action: "organisation.update", entityType: "organisation", entityId: id, before, after: after && (renamed || reflagged) ? { ...after, effectiveOn: factsFrom } : after });
    return after;
  });
}

/** Existing organisations by ODS code (for the import's comparison), in chunks of 500 codes. */
export function organisationsByCodes({ codes, db = getDb() }: { codes: string[]; db?: DbOrTx }) {
  const out = new Map<string, Organisation>();
  for (let i = 0; i < codes.length; i += 500) {
    for (const row of db.select().from(organisations).where(inArray(organisations.odsCode, codes.slice(i, i + 500))).all()) out.set(row.odsCode, row);
  }
  return out;
}

/**
 * What the organisations page shows as at `asAt` for one filter and page: the page of partners,
 * the practices signed up and the locality filter's options. The same for every reader, so it is
 * kept until a table it read changes.
 */
export function organisationsRegister({
  db = getDb(),
  ...query
}: { asAt: string; type?: OrganisationType | null; locality?: string | null; q?: string | null; sort: TableSort<OrganisationSort>; page: number; pageSize: number; db?: DbOrTx }) {
  const key = { asAt: query.asAt, type: query.type ?? null, locality: query.locality ?? null, q: query.q ?? null, sort: query.sort, page: query.page, pageSize: query.pageSize };
  return memoiseByDataVersion("organisations-register", key, db, () => ({
    organisations: listOrganisations({ ...key, db }),
    practices: countPractices({ asAt: key.asAt, db }),
    localities: listLocalities({ db }),
  }));
}
