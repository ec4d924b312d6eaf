// An organisation's membership of the partnership, its status, its name and whether it is a
// private provider under the NHS badge over time, each stored as validity periods
// (app/models/temporal.ts). Every count, list or title "as at D" asks these through the SQL
// helpers below; nothing reads organisations.status, signed_up_on, name or nhs_badged_private for a date.
import { and, asc, eq, exists, sql, type SQL } from "drizzle-orm";
import {
  organisationMemberships,
  organisationNames,
  organisationPrivateProviderPeriods,
  organisationStatusPeriods,
  organisations,
  type ORGANISATION_FACT_SOURCES,
} from "../../db/schema";
import type { ORGANISATION_STATUSES } from "../../db/schema/enums";
import { getDb, type DbOrTx } from "~/lib/db.server";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { EARLIEST_AS_AT, isValidOn, validOnSql, type Period } from "./temporal";

export type OrganisationStatus = (typeof ORGANISATION_STATUSES)[number];
export type OrganisationFactSource = (typeof ORGANISATION_FACT_SOURCES)[number];

// ---------------------------------------------------------------------------------------------
// Asking "as at D", in SQL

/** EXISTS: the organisation (id column) was a member of the partnership on `asAt`. */
export function memberOnSql(db: DbOrTx, organisationId: SQL | unknown, asAt: string): SQL {
  return exists(
    db
      .select({ one: sql`1` })
      .from(organisationMemberships)
      .where(and(sql`${organisationMemberships.organisationId} = ${organisationId}`, validOnSql(organisationMemberships.validFrom, organisationMemberships.validTo, asAt))),
  );
}

/** EXISTS: the organisation (id column) had `status` on `asAt`. */
export function statusOnSql(db: DbOrTx, organisationId: SQL | unknown, asAt: string, status: OrganisationStatus = "active"): SQL {
  return exists(
    db
      .select({ one: sql`1` })
      .from(organisationStatusPeriods)
      .where(
        and(
          sql`${organisationStatusPeriods.organisationId} = ${organisationId}`,
          eq(organisationStatusPeriods.status, status),
          validOnSql(organisationStatusPeriods.validFrom, organisationStatusPeriods.validTo, asAt),
        ),
      ),
  );
}

/** The organisation (id column) was active on `asAt` and a member then: what every "as at" count of members counts. */
export function activeMemberOnSql(db: DbOrTx, organisationId: SQL | unknown, asAt: string): SQL {
  return and(statusOnSql(db, organisationId, asAt, "active"), memberOnSql(db, organisationId, asAt))!;
}

/** The status valid on `asAt` (null when none is recorded for that date), as a scalar subquery. */
export function statusAsAtSql(db: DbOrTx, organisationId: SQL | unknown, asAt: string): SQL<OrganisationStatus | null> {
  return sql<OrganisationStatus | null>`(${db
    .select({ status: organisationStatusPeriods.status })
    .from(organisationStatusPeriods)
    .where(and(sql`${organisationStatusPeriods.organisationId} = ${organisationId}`, validOnSql(organisationStatusPeriods.validFrom, organisationStatusPeriods.validTo, asAt)))
    .limit(1)})`;
}

/** The start of the membership valid on `asAt` (null when not a member then), as a scalar subquery. */
export function joinedOnAsAtSql(db: DbOrTx, organisationId: SQL | unknown, asAt: string): SQL<string | null> {
  return sql<string | null>`(${db
    .select({ on: organisationMemberships.validFrom })
    .from(organisationMemberships)
    .where(and(sql`${organisationMemberships.organisationId} = ${organisationId}`, validOnSql(organisationMemberships.validFrom, organisationMemberships.validTo, asAt)))
    .limit(1)})`;
}

/**
 * The value of a dated fact (a name, the private-provider flag) valid on `asAt`, as a scalar
 * subquery. Every organisation's first name and flag hold from EARLIEST_AS_AT, so one holds on any
 * date a page may ask.
 */
function valueAsAtSql(
  db: DbOrTx,
  table: typeof organisationNames | typeof organisationPrivateProviderPeriods,
  value: typeof organisationNames.name | typeof organisationPrivateProviderPeriods.nhsBadgedPrivate,
  organisationId: SQL | unknown,
  asAt: string,
): SQL {
  return sql`(${db
    .select({ value: sql`${value}` })
    .from(table)
    .where(and(sql`${table.organisationId} = ${organisationId}`, validOnSql(table.validFrom, table.validTo, asAt)))
    .limit(1)})`;
}

/** The organisation's (id column) name on `asAt`, as a scalar subquery (the current name only if none is recorded at all). */
export function nameAsAtSql(db: DbOrTx, organisationId: SQL | unknown, asAt: string): SQL<string> {
  return sql<string>`coalesce(${valueAsAtSql(db, organisationNames, organisationNames.name, organisationId, asAt)}, ${organisations.name})`;
}

/** Whether the organisation (id column) was a private provider under the NHS badge on `asAt`. */
export function privateProviderAsAtSql(db: DbOrTx, organisationId: SQL | unknown, asAt: string): SQL<boolean> {
  return sql<boolean>`coalesce(${valueAsAtSql(db, organisationPrivateProviderPeriods, organisationPrivateProviderPeriods.nhsBadgedPrivate, organisationId, asAt)}, ${organisations.nhsBadgedPrivate})`.mapWith(
    (v) => Boolean(Number(v)),
  );
}

/** EXISTS: the organisation (id column) has had a name matching the LIKE `pattern` (escaped with a backslash) on any date. */
export function hadNameLikeSql(db: DbOrTx, organisationId: SQL | unknown, pattern: string): SQL {
  return exists(
    db
      .select({ one: sql`1` })
      .from(organisationNames)
      .where(and(sql`${organisationNames.organisationId} = ${organisationId}`, sql`${organisationNames.name} like ${pattern} escape '\\'`)),
  );
}

/**
 * The first day of `asAt`'s month from which every organisation has had the name it has on `asAt`:
 * the latest day in the month, up to `asAt`, on which a recorded name began or ended, else the
 * month's first day. Two days of a month with the same answer name every organisation alike (no
 * name began or ended between them), so a figure that depends on the date only through its month
 * and the names on it can be shared by both (the opt-in exceptions, app/models/exceptions.server.ts).
 * Kept per date until a name changes: a scan of the names' periods (~6,500 rows nationally).
 */
export function namesUnchangedSince({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }): string {
  return memoiseByDataVersion("names-unchanged-since", { asAt }, db, () => {
    const monthStart = `${asAt.slice(0, 7)}-01`;
    const row = db.get<{ day: string | null }>(sql`select max(day) as day from (
        select ${organisationNames.validFrom} as day from ${organisationNames} where ${organisationNames.validFrom} > ${monthStart} and ${organisationNames.validFrom} <= ${asAt}
        union all
        select ${organisationNames.validTo} from ${organisationNames} where ${organisationNames.validTo} > ${monthStart} and ${organisationNames.validTo} <= ${asAt})`);
    return row?.day ?? monthStart;
  });
}

/** Names on `asAt` of the organisations given, for titles built from rows read elsewhere. */
export function namesAsAt({ asAt, organisationIds, db = getDb() }: { asAt: string; organisationIds: number[]; db?: DbOrTx }): Map<number, string> {
  const ids = [...new Set(organisationIds)];
  const out = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = db
      .select({ id: organisations.id, name: nameAsAtSql(db, organisations.id, asAt) })
      .from(organisations)
      .where(sql`${organisations.id} in (${sql.join(chunk.map((id) => sql`${id}`), sql`, `)})`)
      .all();
    for (const r of rows) out.set(r.id, r.name);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading one organisation's history

/** One organisation's memberships and status periods, oldest first. */
export function organisationHistory({ organisationId, db = getDb() }: { organisationId: number; db?: DbOrTx }) {
  const memberships = db
    .select({ id: organisationMemberships.id, validFrom: organisationMemberships.validFrom, validTo: organisationMemberships.validTo, source: organisationMemberships.source, note: organisationMemberships.note })
    .from(organisationMemberships)
    .where(eq(organisationMemberships.organisationId, organisationId))
    .orderBy(asc(organisationMemberships.validFrom))
    .all();
  const statuses = db
    .select({
      id: organisationStatusPeriods.id,
      status: organisationStatusPeriods.status,
      validFrom: organisationStatusPeriods.validFrom,
      validTo: organisationStatusPeriods.validTo,
      source: organisationStatusPeriods.source,
      note: organisationStatusPeriods.note,
    })
    .from(organisationStatusPeriods)
    .where(eq(organisationStatusPeriods.organisationId, organisationId))
    .orderBy(asc(organisationStatusPeriods.validFrom))
    .all();
  const names = db
    .select({ id: organisationNames.id, name: organisationNames.name, validFrom: organisationNames.validFrom, validTo: organisationNames.validTo, source: organisationNames.source, note: organisationNames.note })
    .from(organisationNames)
    .where(eq(organisationNames.organisationId, organisationId))
    .orderBy(asc(organisationNames.validFrom))
    .all();
  const privateProvider = db
    .select({
      id: organisationPrivateProviderPeriods.id,
      nhsBadgedPrivate: organisationPrivateProviderPeriods.nhsBadgedPrivate,
      validFrom: organisationPrivateProviderPeriods.validFrom,
      validTo: organisationPrivateProviderPeriods.validTo,
      source: organisationPrivateProviderPeriods.source,
      note: organisationPrivateProviderPeriods.note,
    })
    .from(organisationPrivateProviderPeriods)
    .where(eq(organisationPrivateProviderPeriods.organisationId, organisationId))
    .orderBy(asc(organisationPrivateProviderPeriods.validFrom))
    .all();
  return { memberships, statuses, names, privateProvider };
}
export type OrganisationHistory = ReturnType<typeof organisationHistory>;

// ---------------------------------------------------------------------------------------------
// Recording (inside the caller's audited transaction)

type Recorded = { source: OrganisationFactSource; note?: string | null; recordedBy?: number | null };

/**
 * The periods an organisation starts with, from the facts held on it: a member from its sign-up
 * date (none without one; a closed one left on its close date), active from its open date (from
 * EARLIEST_AS_AT when unknown), and a closed one closed from its close date; its name and
 * private-provider flag from EARLIEST_AS_AT (the values first known hold on every earlier date, so a
 * change dated later never moves an earlier one). The migration that
 * introduced these tables applies the same rule in SQL to the organisations that already existed.
 */
export function recordInitialOrganisationFacts(
  db: DbOrTx,
  org: InitialFacts,
  recorded: Recorded,
  /** When the open date is unknown: the date the status is known from (default EARLIEST_AS_AT). */
  knownFrom: string = EARLIEST_AS_AT,
) {
  insertOrganisationFacts(db, initialOrganisationFactRows(org, recorded, knownFrom));
}

type InitialFacts = { id: number; name: string; nhsBadgedPrivate: boolean; status: OrganisationStatus; signedUpOn: string | null; openedOn: string | null; closedOn: string | null };
type StatusRow = typeof organisationStatusPeriods.$inferInsert;
type MembershipRow = typeof organisationMemberships.$inferInsert;
type NameRow = typeof organisationNames.$inferInsert;
type PrivateProviderRow = typeof organisationPrivateProviderPeriods.$inferInsert;
/** Rows of every kind of dated fact, to insert at once. */
export type OrganisationFactRows = { statuses: StatusRow[]; memberships: MembershipRow[]; names: NameRow[]; privateProvider: PrivateProviderRow[] };

/** The rows of many organisations' facts as one set, for insertOrganisationFacts. */
export function combineFactRows(rows: readonly OrganisationFactRows[]): OrganisationFactRows {
  return {
    statuses: rows.flatMap((r) => r.statuses),
    memberships: rows.flatMap((r) => r.memberships),
    names: rows.flatMap((r) => r.names),
    privateProvider: rows.flatMap((r) => r.privateProvider),
  };
}

/** The rows recordInitialOrganisationFacts writes, for callers that insert many organisations at once. */
export function initialOrganisationFactRows(org: InitialFacts, recorded: Recorded, knownFrom: string = EARLIEST_AS_AT): OrganisationFactRows {
  const start = org.openedOn ?? knownFrom;
  const closesLater = org.status === "closed" && org.closedOn !== null && org.closedOn > start;
  const base = { organisationId: org.id, source: recorded.source, note: recorded.note ?? null, recordedBy: recorded.recordedBy ?? null };
  const statuses: StatusRow[] = closesLater
    ? [{ ...base, status: "active", validFrom: start, validTo: org.closedOn }, { ...base, status: "closed", validFrom: org.closedOn! }]
    : [{ ...base, status: org.status, validFrom: start }];
  const memberships: MembershipRow[] = [];
  if (org.signedUpOn) {
    const leftOn = org.status === "closed" && org.closedOn !== null && org.closedOn > org.signedUpOn ? org.closedOn : null;
    memberships.push({ ...base, validFrom: org.signedUpOn, validTo: leftOn });
  }
  const names: NameRow[] = [{ ...base, name: org.name, validFrom: EARLIEST_AS_AT }];
  const privateProvider: PrivateProviderRow[] = [{ ...base, nhsBadgedPrivate: org.nhsBadgedPrivate, validFrom: EARLIEST_AS_AT }];
  return { statuses, memberships, names, privateProvider };
}

/** Inserts every kind of dated fact in chunks (well under SQLite's bound-parameter limit). */
export function insertOrganisationFacts(db: DbOrTx, { statuses, memberships, names, privateProvider }: OrganisationFactRows) {
  for (let i = 0; i < statuses.length; i += 500) db.insert(organisationStatusPeriods).values(statuses.slice(i, i + 500)).run();
  for (let i = 0; i < memberships.length; i += 500) db.insert(organisationMemberships).values(memberships.slice(i, i + 500)).run();
  for (let i = 0; i < names.length; i += 500) db.insert(organisationNames).values(names.slice(i, i + 500)).run();
  for (let i = 0; i < privateProvider.length; i += 500) db.insert(organisationPrivateProviderPeriods).values(privateProvider.slice(i, i + 500)).run();
}

/**
 * From `from` on, the organisation has `status`: the period holding on that date ends there and a
 * new one starts, running until the next recorded change (later facts are kept). No change when
 * the status on that date is already `status`.
 */
export function setStatusFrom(db: DbOrTx, { organisationId, status, from, ...recorded }: { organisationId: number; status: OrganisationStatus; from: string } & Recorded) {
  const periods = organisationHistory({ organisationId, db }).statuses;
  const holding = periods.find((p) => isValidOn(p, from));
  if (holding?.status === status) return false;
  const base = { organisationId, source: recorded.source, note: recorded.note ?? null, recordedBy: recorded.recordedBy ?? null };
  if (holding && holding.validFrom === from) {
    db.update(organisationStatusPeriods).set({ status, ...base }).where(eq(organisationStatusPeriods.id, holding.id)).run();
    return true;
  }
  if (holding) {
    db.update(organisationStatusPeriods).set({ validTo: from }).where(eq(organisationStatusPeriods.id, holding.id)).run();
    db.insert(organisationStatusPeriods).values({ ...base, status, validFrom: from, validTo: holding.validTo }).run();
    return true;
  }
  const next = periods.find((p) => p.validFrom > from);
  db.insert(organisationStatusPeriods).values({ ...base, status, validFrom: from, validTo: next?.validFrom ?? null }).run();
  return true;
}

/**
 * From `from` on, the organisation is called `name`: the name valid on that date ends there and the
 * new one runs until the next recorded change (later facts are kept), as setStatusFrom does.
 */
export function setNameFrom(db: DbOrTx, { organisationId, name, from, ...recorded }: { organisationId: number; name: string; from: string } & Recorded) {
  const periods = organisationHistory({ organisationId, db }).names.map((p) => ({ ...p, value: p.name }));
  return setValueFrom(periods, from, name, {
    replace: (id) => db.update(organisationNames).set({ name, ...recordedColumns(recorded) }).where(eq(organisationNames.id, id)).run(),
    end: (id) => db.update(organisationNames).set({ validTo: from }).where(eq(organisationNames.id, id)).run(),
    insert: (validTo) => db.insert(organisationNames).values({ organisationId, name, validFrom: from, validTo, ...recordedColumns(recorded) }).run(),
  });
}

/** From `from` on, the organisation is (or is not) a private provider under the NHS badge; as setNameFrom. */
export function setPrivateProviderFrom(db: DbOrTx, { organisationId, nhsBadgedPrivate, from, ...recorded }: { organisationId: number; nhsBadgedPrivate: boolean; from: string } & Recorded) {
  const periods = organisationHistory({ organisationId, db }).privateProvider.map((p) => ({ ...p, value: p.nhsBadgedPrivate }));
  const table = organisationPrivateProviderPeriods;
  return setValueFrom(periods, from, nhsBadgedPrivate, {
    replace: (id) => db.update(table).set({ nhsBadgedPrivate, ...recordedColumns(recorded) }).where(eq(table.id, id)).run(),
    end: (id) => db.update(table).set({ validTo: from }).where(eq(table.id, id)).run(),
    insert: (validTo) => db.insert(table).values({ organisationId, nhsBadgedPrivate, validFrom: from, validTo, ...recordedColumns(recorded) }).run(),
  });
}

/**
 * The first recorded change of name or private-provider flag after `from` (null when none): a
 * change dated before it would not be what the organisation is called now, so the form refuses it.
 */
export function laterNameOrFlagChange(db: DbOrTx, { organisationId, from, namesOnly = false }: { organisationId: number; from: string; namesOnly?: boolean }): string | null {
  const { names, privateProvider } = organisationHistory({ organisationId, db });
  const starts = [...names.slice(1), ...(namesOnly ? [] : privateProvider.slice(1))].map((p) => p.validFrom).filter((on) => on > from);
  return starts.sort()[0] ?? null;
}

const recordedColumns = (recorded: Recorded) => ({ source: recorded.source, note: recorded.note ?? null, recordedBy: recorded.recordedBy ?? null });

/** The shared rule of setNameFrom and setPrivateProviderFrom over one organisation's periods, oldest first. */
function setValueFrom<V>(
  periods: readonly (Period & { id: number; value: V })[],
  from: string,
  value: V,
  write: { replace: (id: number) => void; end: (id: number) => void; insert: (validTo: string | null) => void },
) {
  const holding = periods.find((p) => isValidOn(p, from));
  if (holding?.value === value) return false;
  if (holding && holding.validFrom === from) write.replace(holding.id);
  else if (holding) {
    write.end(holding.id);
    write.insert(holding.validTo);
  } else write.insert(periods.find((p) => p.validFrom > from)?.validFrom ?? null);
  return true;
}

/** The organisation joins the partnership on `on` (no change when it is a member on that date). */
export function joinOn(db: DbOrTx, { organisationId, on, ...recorded }: { organisationId: number; on: string } & Recorded) {
  const { memberships } = organisationHistory({ organisationId, db });
  if (memberships.some((m) => isValidOn(m, on))) return false;
  const next = memberships.find((m) => m.validFrom > on);
  db.insert(organisationMemberships)
    .values({ organisationId, validFrom: on, validTo: next?.validFrom ?? null, source: recorded.source, note: recorded.note ?? null, recordedBy: recorded.recordedBy ?? null })
    .run();
  return true;
}

/**
 * The organisation leaves the partnership on `on` (its membership is valid until then, exclusive).
 * Returns what happened: "left", "not_member" (no membership holds on or runs past that date) or
 * "before_joining" (the date is on or before the day it joined: the caller reports it).
 */
export function leaveOn(db: DbOrTx, { organisationId, on }: { organisationId: number; on: string }): "left" | "not_member" | "before_joining" {
  const { memberships } = organisationHistory({ organisationId, db });
  const open = memberships.filter((m) => m.validTo === null || m.validTo > on);
  const current = open.find((m) => m.validFrom < on);
  if (current) {
    db.update(organisationMemberships).set({ validTo: on }).where(eq(organisationMemberships.id, current.id)).run();
    return "left";
  }
  return open.length ? "before_joining" : "not_member";
}

/** The first membership's start (for the organisation's current "signed up" value). */
export function firstJoinedOn(db: DbOrTx, organisationId: number) {
  return (
    db
      .select({ on: organisationMemberships.validFrom })
      .from(organisationMemberships)
      .where(eq(organisationMemberships.organisationId, organisationId))
      .orderBy(asc(organisationMemberships.validFrom))
      .limit(1)
      .get()?.on ?? null
  );
}

/**
 * The programme team set the sign-up date on the form: a correction of when it joined. The first
 * membership starts on that date instead (or one is recorded); clearing the date leaves the
 * dated history as it is (leaving is recorded with a date, not by clearing one).
 */
export function correctJoinedOn(db: DbOrTx, { organisationId, on, ...recorded }: { organisationId: number; on: string } & Recorded) {
  const first = db
    .select()
    .from(organisationMemberships)
    .where(eq(organisationMemberships.organisationId, organisationId))
    .orderBy(asc(organisationMemberships.validFrom))
    .limit(1)
    .get();
  if (!first) return joinOn(db, { organisationId, on, ...recorded });
  if (first.validFrom === on) return false;
  if (first.validTo !== null && first.validTo <= on) return false;
  db.update(organisationMemberships).set({ validFrom: on, note: recorded.note ?? "sign-up date corrected on the form" }).where(eq(organisationMemberships.id, first.id)).run();
  return true;
}

/** Organisations with no status period at all (should be none): used by tests and checks. */
export function organisationsWithoutStatus(db: DbOrTx) {
  return db
    .select({ id: organisations.id })
    .from(organisations)
    .where(sql`not ${exists(db.select({ one: sql`1` }).from(organisationStatusPeriods).where(eq(organisationStatusPeriods.organisationId, organisations.id)))}`)
    .all();
}
