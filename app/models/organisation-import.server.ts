import { eq } from "drizzle-orm";
import { formatDate } from "~/lib/dates";
import { getReportingDate, asAtRangeMessage } from "./settings.server";
import { EARLIEST_AS_AT } from "./temporal";
import {
  insertOrganisationFacts,
  joinOn,
  laterNameOrFlagChange,
  leaveOn,
  organisationHistory,
  setNameFrom,
  setStatusFrom,
  type OrganisationFactRows,
  type OrganisationStatus,
} from "./organisation-history.server";
import { organisations } from "../../db/schema";
import { ORGANISATION_TYPES, type OrganisationType } from "../../db/schema/enums";
import { audit, type Actor } from "~/lib/audit.server";
import { failpoint } from "~/lib/failpoints.server";
import { CsvFileError, parseCsvLines, type CsvLine } from "~/lib/csv-upload.server";
import { getDb, transaction, type DbOrTx } from "~/lib/db.server";
import { isIsoDate } from "~/lib/dates";
import { GP_PRACTICE_CODE, ODS_CODE, type ImportOptions } from "./organisations.schema";
import { organisationsByCodes, type Organisation } from "./organisations.server";
import { ORGANISATION_TYPE_LABELS } from "./rollout.schema";
import { organisationGroupsChanged, type PracticeGroup } from "./consent.read-model.server";

// Importing organisations from NHS ODS epraccur.csv (27 columns, no header) or a simple headed CSV
// (ods_code, name, type, locality, list_size). Preview first, then apply all or nothing.

export const EPRACCUR_COLUMNS = 27;
const STATUS_CODES: Record<string, Organisation["status"]> = { A: "active", C: "closed", D: "dormant", P: "proposed" };
const PRESCRIBING_SETTINGS: Record<string, string> = {
  "0": "other",
  "1": "walk-in centre",
  "2": "out of hours",
  "3": "WIC + OOH",
  "4": "GP practice",
  "8": "public health service",
  "9": "community health service",
  "10": "hospital service",
  "11": "optometry service",
  "12": "urgent and emergency care",
  "13": "hospice",
  "14": "care home or nursing home",
  "15": "border force",
  "16": "young offender institution",
  "17": "secure training centre",
  "18": "secure children's home",
  "19": "immigration removal centre",
  "20": "court",
  "21": "police custody",
  "22": "sexual assault referral centre",
  "24": "other justice estate",
  "25": "prison",
};
export const SIMPLE_COLUMNS = ["ods_code", "name", "type", "locality", "list_size"] as const;

/** Values one line of a file sets on an organisation; undefined means "leave as it is". */
export type OrganisationValues = {
  odsCode: string;
  name: string;
  type: OrganisationType;
  locality?: string | null;
  listSize?: number | null;
  status?: Organisation["status"];
  postcode?: string | null;
  openedOn?: string | null;
  closedOn?: string | null;
  commissionerCode?: string | null;
};

type ParseOptions = Pick<ImportOptions, "commissionerCode" | "includeClosed">;

export type LineOutcome = { line: number; odsCode?: string; reason: string };
export type ParsedFile = { format: "epraccur" | "simple"; records: (OrganisationValues & { line: number })[]; skipped: LineOutcome[]; rejected: LineOutcome[] };

/** YYYYMMDD → YYYY-MM-DD; "" → null; anything else → undefined (invalid). */
export function epraccurDate(value: string): string | null | undefined {
  if (!value) return null;
  if (!/^\d{8}$/.test(value)) return undefined;
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
  return isIsoDate(iso) ? iso : undefined;
}

/**
 * One epraccur line: the organisation it describes, or why it is skipped (outside the chosen
 * commissioner, not a GP practice, closed) or rejected (malformed).
 */
export function parseEpraccurLine(
  { line, cells }: CsvLine,
  options: ParseOptions,
): { kind: "record"; values: OrganisationValues } | { kind: "skipped" | "rejected"; outcome: LineOutcome } {
  const reject = (reason: string, odsCode?: string) => ({ kind: "rejected" as const, outcome: { line, odsCode, reason } });
  const skip = (reason: string, odsCode?: string) => ({ kind: "skipped" as const, outcome: { line, odsCode, reason } });
  if (cells.length !== EPRACCUR_COLUMNS) return reject(`has ${cells.length} columns; epraccur.csv lines have ${EPRACCUR_COLUMNS}`);
  const odsCode = cells[0]!.toUpperCase();
  const name = cells[1]!;
  const postcode = cells[9]!;
  const statusCode = cells[12]!.toUpperCase();
  const commissioner = cells[14]!.toUpperCase();
  const setting = cells[25]!;
  if (!odsCode) return reject("has no organisation code (column 1)");
  if (options.commissionerCode && commissioner !== options.commissionerCode) return skip(`commissioner is not ${options.commissionerCode}`, odsCode);
  if (setting !== "4") return skip(`not a GP practice (prescribing setting ${setting || "blank"}${PRESCRIBING_SETTINGS[setting] ? `, ${PRESCRIBING_SETTINGS[setting]}` : ""})`, odsCode);
  if (!GP_PRACTICE_CODE.test(odsCode)) return reject(`organisation code "${odsCode}" is not a GP practice code (a letter and 5 digits)`, odsCode);
  if (!name) return reject("has no name (column 2)", odsCode);
  const status = STATUS_CODES[statusCode];
  if (!status) return reject(`status code "${cells[12]}" is not A, C, D or P (column 13)`, odsCode);
  const openedOn = epraccurDate(cells[10]!);
  if (openedOn === undefined) return reject(`open date "${cells[10]}" is not a date as YYYYMMDD (column 11)`, odsCode);
  const closedOn = epraccurDate(cells[11]!);
  if (closedOn === undefined) return reject(`close date "${cells[11]}" is not a date as YYYYMMDD (column 12)`, odsCode);
  if (status === "closed" && !options.includeClosed) return skip("closed (closed practices were not included)", odsCode);
  return {
    kind: "record",
    values: { odsCode, name, type: "gp_practice", status, postcode: postcode ? postcode.toUpperCase() : null, openedOn, closedOn, commissionerCode: commissioner || null },
  };
}

const TYPE_BY_TEXT = new Map<string, OrganisationType>([
  ...ORGANISATION_TYPES.map((t) => [t, t] as const),
  ...ORGANISATION_TYPES.map((t) => [ORGANISATION_TYPE_LABELS[t].toLowerCase(), t] as const),
]);

function parseSimpleLine({ line, cells }: CsvLine, header: string[]): { kind: "record"; values: OrganisationValues } | { kind: "rejected"; outcome: LineOutcome } {
  const cell = (name: string) => {
    const i = header.indexOf(name);
    return i < 0 ? undefined : (cells[i] ?? "");
  };
  const reject = (reason: string, odsCode?: string) => ({ kind: "rejected" as const, outcome: { line, odsCode, reason } });
  if (cells.length !== header.length) return reject(`has ${cells.length} columns; the header has ${header.length}`);
  const odsCode = (cell("ods_code") ?? "").toUpperCase();
  if (!odsCode) return reject("has no ods_code");
  if (!ODS_CODE.test(odsCode)) return reject(`ods_code "${odsCode}" is not 3 to 8 letters and numbers`, odsCode);
  const name = cell("name") ?? "";
  if (!name) return reject("has no name", odsCode);
  if (name.length > 200) return reject("name is longer than 200 characters", odsCode);
  const typeText = (cell("type") ?? "").toLowerCase().replace(/\s+/g, " ");
  const type = TYPE_BY_TEXT.get(typeText) ?? TYPE_BY_TEXT.get(typeText.replace(/ /g, "_"));
  if (!type) return reject(`type "${cell("type")}" is not one of: ${ORGANISATION_TYPES.join(", ")}`, odsCode);
  if (type === "gp_practice" && !GP_PRACTICE_CODE.test(odsCode)) return reject(`a GP practice's ods_code is a letter and 5 digits, not "${odsCode}"`, odsCode);
  const locality = cell("locality");
  const listText = (cell("list_size") ?? "").replace(/,/g, "");
  if (listText && !/^\d{1,9}$/.test(listText)) return reject(`list_size "${cell("list_size")}" is not a whole number`, odsCode);
  return {
    kind: "record",
    values: { odsCode, name, type, ...(locality ? { locality } : {}), ...(listText ? { listSize: Number(listText) } : {}) },
  };
}

/**
 * Reads a whole file: which format it is, its organisations, and its skipped and rejected lines.
 * Throws CsvFileError (with a message for the user) when the file as a whole is not usable.
 */
export function parseOrganisationFile(text: string, options: ParseOptions): ParsedFile {
  const lines = parseCsvLines(text);
  if (lines.length === 0) throw new CsvFileError("The file is empty: choose a CSV file with data in it");
  const first = lines[0]!.cells.map((c) => c.trim().toLowerCase());
  const parsed: ParsedFile = { format: first.includes("ods_code") ? "simple" : "epraccur", records: [], skipped: [], rejected: [] };

  if (parsed.format === "simple") {
    const unknown = first.filter((c) => !(SIMPLE_COLUMNS as readonly string[]).includes(c));
    if (unknown.length) throw new CsvFileError(`The header has columns this import does not know (${unknown.join(", ")}): use ${SIMPLE_COLUMNS.join(", ")}`);
    for (const required of ["ods_code", "name", "type"]) if (!first.includes(required)) throw new CsvFileError(`The header has no ${required} column: use ${SIMPLE_COLUMNS.join(", ")}`);
    if (lines.length === 1) throw new CsvFileError("The file has a header but no organisations");
  } else if (!lines.some((l) => l.cells.length === EPRACCUR_COLUMNS)) {
    throw new CsvFileError(
      `This is not epraccur.csv or the simple organisations CSV: epraccur.csv has ${EPRACCUR_COLUMNS} columns and no header (line ${lines[0]!.line} has ${lines[0]!.cells.length}); the simple CSV starts with the header ${SIMPLE_COLUMNS.join(",")}`,
    );
  }

  const firstLineOf = new Map<string, number>();
  for (const l of parsed.format === "simple" ? lines.slice(1) : lines) {
    const result = parsed.format === "simple" ? parseSimpleLine(l, first) : parseEpraccurLine(l, options);
    if (result.kind === "record") {
      const seen = firstLineOf.get(result.values.odsCode);
      if (seen !== undefined) {
        parsed.rejected.push({ line: l.line, odsCode: result.values.odsCode, reason: `${result.values.odsCode} appears again (first on line ${seen})` });
        continue;
      }
      firstLineOf.set(result.values.odsCode, l.line);
      parsed.records.push({ ...result.values, line: l.line });
    } else if (result.kind === "skipped") parsed.skipped.push(result.outcome);
    else parsed.rejected.push(result.outcome);
  }
  return parsed;
}

const COMPARED_FIELDS = ["name", "type", "locality", "listSize", "status", "postcode", "openedOn", "closedOn", "commissionerCode"] as const;
type ComparedField = (typeof COMPARED_FIELDS)[number];
const FIELD_LABELS: Record<ComparedField, string> = {
  name: "Name",
  type: "Type",
  locality: "Locality",
  listSize: "List size",
  status: "Status",
  postcode: "Postcode",
  openedOn: "Opened",
  closedOn: "Closed",
  commissionerCode: "Commissioner",
};
const STATUS_WORDS: Record<OrganisationStatus, string> = { active: "active", dormant: "dormant", closed: "closed", proposed: "proposed" };

/** The fields a line would change on an existing organisation (empty: nothing to do). */
function changesTo(existing: Organisation, values: OrganisationValues) {
  const changes: Partial<OrganisationValues> = {};
  for (const field of COMPARED_FIELDS) {
    const next = values[field];
    if (next === undefined) continue;
    if ((existing[field] ?? null) !== (next ?? null)) (changes as Record<string, unknown>)[field] = next;
  }
  return changes;
}

/** A dated fact an import records: a status from a date, a new name from a date, joining or leaving the partnership. */
export type ImportFact =
  | { kind: "status"; status: OrganisationStatus; from: string }
  | { kind: "name"; name: string; from: string }
  | { kind: "join"; on: string }
  | { kind: "leave"; on: string };

/** What happens to one line of the file, in the words the preview shows. */
export type RowOutcome =
  | { line: number; outcome: "new"; odsCode: string; name: string; status: OrganisationStatus; facts: string[] }
  | { line: number; outcome: "updated"; odsCode: string; name: string; changes: { field: string; label: string; from: string; to: string }[]; facts: string[] }
  | { line: number; outcome: "skipped"; odsCode?: string; name?: string; reason: string }
  | { line: number; outcome: "rejected"; odsCode?: string; name?: string; reason: string };

export type ImportPlan = {
  format: ParsedFile["format"];
  /** The date the file's facts take effect. */
  effectiveOn: string;
  add: (OrganisationValues & { line: number; facts: ImportFact[] })[];
  update: { line: number; existing: Organisation; changes: Partial<OrganisationValues>; facts: ImportFact[] }[];
  unchanged: number;
  /** Skipped lines grouped by reason, with how many and the first few line numbers. */
  skipped: { reason: string; count: number; lines: number[] }[];
  skippedTotal: number;
  rejected: LineOutcome[];
  /** Every line's outcome, in file order. */
  rows: RowOutcome[];
};

/** Raised when the import's effective date is outside the as-at range; the message is for the date field. */
export class ImportDateError extends Error {}

function describeFact(fact: ImportFact) {
  if (fact.kind === "join") return `joins the partnership on ${formatDate(fact.on)}`;
  if (fact.kind === "leave") return `leaves the partnership on ${formatDate(fact.on)}`;
  if (fact.kind === "name") return `known as ${fact.name} from ${formatDate(fact.from)} (the old name stays on figures before then)`;
  return fact.status === "dormant" ? `dormant from ${formatDate(fact.from)}: not counted as active` : `${STATUS_WORDS[fact.status]} from ${formatDate(fact.from)}`;
}

/** The dated facts a new organisation brings: its status from the effective date (a closed one from its close date); active and dormant ones join. */
function factsForNew(values: OrganisationValues, effectiveOn: string): ImportFact[] {
  const status = values.status ?? "active";
  if (status === "closed") return [{ kind: "status", status, from: values.closedOn && values.closedOn < effectiveOn ? values.closedOn : effectiveOn }];
  const facts: ImportFact[] = [{ kind: "status", status, from: effectiveOn }];
  if (status === "active" || status === "dormant") facts.push({ kind: "join", on: effectiveOn });
  return facts;
}

/**
 * The dated facts a change to an existing organisation brings: closed from its close date (or the
 * effective date) and leaving then; any other status, and a new name, from the effective date. A
 * close date on or before the day it joined, or a name dated before a later recorded rename, is
 * refused: returned as the reason.
 */
function factsForChange(db: DbOrTx, existing: Organisation, changes: Partial<OrganisationValues>, effectiveOn: string): ImportFact[] | string {
  const renamed: ImportFact[] = changes.name ? [{ kind: "name", name: changes.name, from: effectiveOn }] : [];
  // A name dated before a rename already recorded later would not be the name it has now.
  const laterName = changes.name ? laterNameOrFlagChange(db, { organisationId: existing.id, from: effectiveOn, namesOnly: true }) : null;
  if (laterName) return `renamed from ${formatDate(laterName)}, after the date this file takes effect: import it with an effective date on or after ${formatDate(laterName)}, or change the name on the organisation's page`;
  const status = changes.status;
  if (!status) return renamed;
  if (status !== "closed") return [{ kind: "status", status, from: effectiveOn }, ...renamed];
  const closedOn = changes.closedOn ?? existing.closedOn ?? null;
  const on = closedOn && closedOn < effectiveOn ? closedOn : effectiveOn;
  const facts: ImportFact[] = [{ kind: "status", status, from: on }];
  const { memberships } = organisationHistory({ organisationId: existing.id, db });
  const open = memberships.filter((m) => m.validTo === null || m.validTo > on);
  if (open.some((m) => m.validFrom < on)) facts.push({ kind: "leave", on });
  else if (open.length) return `closed on ${formatDate(on)}, on or before the day it joined the partnership (${formatDate(open[0]!.validFrom)}): check the close date (column 12)`;
  return [...facts, ...renamed];
}

const text = (v: unknown) => (v === null || v === undefined || v === "" ? "(none)" : String(v));

/** What importing the file would do to the organisations held now, line by line. */
export function planOrganisationImport({ text: fileText, options, db = getDb() }: { text: string; options: ImportOptions; db?: DbOrTx }): ImportPlan {
  const reportingDate = getReportingDate(db);
  const effectiveOn = options.effectiveOn ?? reportingDate;
  const outOfRange = asAtRangeMessage(effectiveOn, reportingDate);
  if (outOfRange) throw new ImportDateError(outOfRange);
  const parsed = parseOrganisationFile(fileText, options);
  const existing = organisationsByCodes({ codes: parsed.records.map((r) => r.odsCode), db });
  const plan: ImportPlan = { format: parsed.format, effectiveOn, add: [], update: [], unchanged: 0, skipped: [], skippedTotal: parsed.skipped.length, rejected: [...parsed.rejected], rows: [] };
  const rows: RowOutcome[] = [
    ...parsed.skipped.map((o) => ({ line: o.line, outcome: "skipped" as const, odsCode: o.odsCode, reason: o.reason })),
    ...parsed.rejected.map((o) => ({ line: o.line, outcome: "rejected" as const, odsCode: o.odsCode, reason: o.reason })),
  ];
  for (const record of parsed.records) {
    const current = existing.get(record.odsCode);
    if (!current) {
      const facts = factsForNew(record, effectiveOn);
      plan.add.push({ ...record, facts });
      rows.push({ line: record.line, outcome: "new", odsCode: record.odsCode, name: record.name, status: record.status ?? "active", facts: facts.map(describeFact) });
      continue;
    }
    const reject = (reason: string) => {
      plan.rejected.push({ line: record.line, odsCode: record.odsCode, reason });
      rows.push({ line: record.line, outcome: "rejected", odsCode: record.odsCode, name: record.name, reason });
    };
    if (parsed.format === "epraccur" && current.type !== "gp_practice") {
      reject(`${record.odsCode} is held as ${ORGANISATION_TYPE_LABELS[current.type].toLowerCase()} ${current.name}, not a GP practice`);
      continue;
    }
    const changes = changesTo(current, record);
    if (!Object.keys(changes).length) {
      plan.unchanged++;
      rows.push({ line: record.line, outcome: "skipped", odsCode: record.odsCode, name: current.name, reason: "already up to date (no change)" });
      continue;
    }
    const facts = factsForChange(db, current, changes, effectiveOn);
    if (typeof facts === "string") {
      reject(facts);
      continue;
    }
    plan.update.push({ line: record.line, existing: current, changes, facts });
    rows.push({
      line: record.line,
      outcome: "updated",
      odsCode: record.odsCode,
      name: current.name,
      changes: (Object.keys(changes) as ComparedField[]).map((field) => ({ field, label: FIELD_LABELS[field], from: text(current[field]), to: text(changes[field]) })),
      facts: facts.map(describeFact),
    });
  }
  plan.rejected.sort((a, b) => a.line - b.line);
  plan.rows = rows.sort((a, b) => a.line - b.line);
  const groups = new Map<string, { reason: string; count: number; lines: number[] }>();
  for (const s of parsed.skipped) {
    const group = groups.get(s.reason) ?? { reason: s.reason, count: 0, lines: [] };
    group.count++;
    if (group.lines.length < 5) group.lines.push(s.line);
    groups.set(s.reason, group);
  }
  plan.skipped = [...groups.values()].sort((a, b) => b.count - a.count);
  return plan;
}

/** Lines listed one by one in the preview; a file with more says how many are not shown. */
export const PREVIEW_ROW_LIMIT = 10_000;

/** The counts, and every line's outcome (up to PREVIEW_ROW_LIMIT), that a person previews. */
export function summarisePlan(plan: ImportPlan) {
  return {
    format: plan.format,
    effectiveOn: plan.effectiveOn,
    added: plan.add.length,
    updated: plan.update.length,
    unchanged: plan.unchanged,
    skippedTotal: plan.skippedTotal + plan.unchanged,
    skipped: [...(plan.unchanged ? [{ reason: "already up to date (no change)", count: plan.unchanged, lines: [] as number[] }] : []), ...plan.skipped],
    rejected: plan.rejected.slice(0, 500),
    rejectedTotal: plan.rejected.length,
    rows: plan.rows.slice(0, PREVIEW_ROW_LIMIT),
    rowsTotal: plan.rows.length,
  };
}
export type ImportSummary = ReturnType<typeof summarisePlan>;

function applyFacts(tx: DbOrTx, organisationId: number, facts: ImportFact[], recorded: { recordedBy: number | null; note: string }) {
  for (const fact of facts) {
    if (fact.kind === "status") setStatusFrom(tx, { organisationId, status: fact.status, from: fact.from, source: "import", ...recorded });
    else if (fact.kind === "name") setNameFrom(tx, { organisationId, name: fact.name, from: fact.from, source: "import", ...recorded });
    else if (fact.kind === "join") joinOn(tx, { organisationId, on: fact.on, source: "import", ...recorded });
    else leaveOn(tx, { organisationId, on: fact.on });
  }
}

/**
 * Applies the file in one transaction: every addition and update, each audited, or nothing. The
 * plan is recomputed inside the transaction, so it is judged against the data as it is now;
 * importing the same file again finds nothing to change and writes nothing. Every dated fact
 * (status, name, joining, leaving) takes effect on the effective date or later, or on a close date the
 * file gives, so no figure as at an earlier date moves.
 */
export function applyOrganisationImport({ actor, text: fileText, options, fileName }: { actor: Actor; text: string; options: ImportOptions; fileName: string }) {
  return transaction((tx) => {
    const plan = planOrganisationImport({ text: fileText, options, db: tx });
    const summary = summarisePlan(plan);
    if (!plan.add.length && !plan.update.length) return summary;
    const now = new Date().toISOString();
    const recorded = { recordedBy: actor.userId ?? null, note: `imported from ${fileName}` };
    for (let i = 0; i < plan.add.length; i += 500) {
      const chunk = plan.add.slice(i, i + 500);
      const inserted = tx
        .insert(organisations)
        // A new private provider is marked as working under the NHS badge (a partner provides NHS-funded care); the form can change it.
        .values(chunk.map(({ line: _line, facts: _facts, ...values }) => ({ ...values, nhsBadgedPrivate: values.type === "private_provider", createdAt: now, updatedAt: now })))
        .returning()
        .all();
      // A new organisation has no history yet: its facts are inserted as they are, many at once; its
      // name and private-provider flag hold from EARLIEST_AS_AT, as for every organisation (see
      // initialOrganisationFactRows), and count in nothing before it joins.
      const rows: OrganisationFactRows = { statuses: [], memberships: [], names: [], privateProvider: [] };
      inserted.forEach((row, j) => {
        const facts = chunk[j]!.facts;
        const base = { organisationId: row.id, source: "import" as const, ...recorded };
        for (const fact of facts) {
          if (fact.kind === "status") rows.statuses.push({ ...base, status: fact.status, validFrom: fact.from });
          else if (fact.kind === "join") rows.memberships.push({ ...base, validFrom: fact.on });
        }
        rows.names.push({ ...base, name: row.name, validFrom: EARLIEST_AS_AT });
        rows.privateProvider.push({ ...base, nhsBadgedPrivate: row.nhsBadgedPrivate, validFrom: EARLIEST_AS_AT });
        audit(tx, actor, { action: "organisation.import_create", entityType: "organisation", entityId: row.id, after: { ...row, facts } });
      });
      insertOrganisationFacts(tx, rows);
      if (i === 0) failpoint("import-mid-transaction"); // crash tests only: die with rows written, before commit
    }
    const movedGroups: PracticeGroup[] = [];
    for (const u of plan.update) {
      const after = tx
        .update(organisations)
        .set({ ...u.changes, updatedAt: now })
        .where(eq(organisations.id, u.existing.id))
        .returning()
        .get();
      applyFacts(tx, u.existing.id, u.facts, recorded);
      audit(tx, actor, { action: "organisation.import_update", entityType: "organisation", entityId: u.existing.id, before: u.existing, after: { ...after, facts: u.facts } });
      if (after.type !== u.existing.type || after.locality !== u.existing.locality) movedGroups.push(u.existing, after);
      if (!plan.add.length && u === plan.update[0]) failpoint("import-mid-transaction"); // likewise, for a file of updates only
    }
    organisationGroupsChanged(tx, movedGroups);
    audit(tx, actor, {
      action: "organisation.import",
      entityType: "organisation_import",
      entityId: fileName,
      after: { fileName, format: plan.format, options, effectiveOn: plan.effectiveOn, added: summary.added, updated: summary.updated, skipped: summary.skippedTotal, rejected: summary.rejectedTotal },
    });
    return summary;
  });
}
