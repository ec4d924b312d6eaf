import { eq } from "drizzle-orm";
import { organisations } from "../../db/schema";
import { ORGANISATION_TYPES, type OrganisationType } from "../../db/schema/enums";
import { audit, type Actor } from "~/lib/audit.server";
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
  options: ImportOptions,
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
export function parseOrganisationFile(text: string, options: ImportOptions): ParsedFile {
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

export type ImportPlan = {
  format: ParsedFile["format"];
  add: (OrganisationValues & { line: number })[];
  update: { line: number; existing: Organisation; changes: Partial<OrganisationValues> }[];
  unchanged: number;
  /** Skipped lines grouped by reason, with how many and the first few line numbers. */
  skipped: { reason: string; count: number; lines: number[] }[];
  skippedTotal: number;
  rejected: LineOutcome[];
};

/** What importing the file would do to the organisations held now. */
export function planOrganisationImport({ text, options, db = getDb() }: { text: string; options: ImportOptions; db?: DbOrTx }): ImportPlan {
  const parsed = parseOrganisationFile(text, options);
  const existing = organisationsByCodes({ codes: parsed.records.map((r) => r.odsCode), db });
  const plan: ImportPlan = { format: parsed.format, add: [], update: [], unchanged: 0, skipped: [], skippedTotal: parsed.skipped.length, rejected: [...parsed.rejected] };
  for (const record of parsed.records) {
    const current = existing.get(record.odsCode);
    if (!current) {
      plan.add.push(record);
      continue;
    }
    if (parsed.format === "epraccur" && current.type !== "gp_practice") {
      plan.rejected.push({ line: record.line, odsCode: record.odsCode, reason: `${record.odsCode} is held as ${ORGANISATION_TYPE_LABELS[current.type].toLowerCase()} ${current.name}, not a GP practice` });
      continue;
    }
    const changes = changesTo(current, record);
    if (Object.keys(changes).length) plan.update.push({ line: record.line, existing: current, changes });
    else plan.unchanged++;
  }
  plan.rejected.sort((a, b) => a.line - b.line);
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

/** The counts and rejected lines a person previews (no organisation records: they can be many). */
export function summarisePlan(plan: ImportPlan) {
  return {
    format: plan.format,
    added: plan.add.length,
    updated: plan.update.length,
    unchanged: plan.unchanged,
    skippedTotal: plan.skippedTotal + plan.unchanged,
    skipped: [...(plan.unchanged ? [{ reason: "already up to date (no change)", count: plan.unchanged, lines: [] as number[] }] : []), ...plan.skipped],
    rejected: plan.rejected.slice(0, 500),
    rejectedTotal: plan.rejected.length,
    examples: {
      added: plan.add.slice(0, 5).map((r) => ({ line: r.line, odsCode: r.odsCode, name: r.name })),
      updated: plan.update.slice(0, 5).map((u) => ({ line: u.line, odsCode: u.existing.odsCode, name: u.existing.name, fields: Object.keys(u.changes) })),
    },
  };
}
export type ImportSummary = ReturnType<typeof summarisePlan>;

/**
 * Applies the file in one transaction: every addition and update, each audited, or nothing. The
 * plan is recomputed inside the transaction, so it is judged against the data as it is now;
 * importing the same file again finds nothing to change and writes nothing.
 */
export function applyOrganisationImport({ actor, text, options, fileName }: { actor: Actor; text: string; options: ImportOptions; fileName: string }) {
  return transaction((tx) => {
    const plan = planOrganisationImport({ text, options, db: tx });
    const summary = summarisePlan(plan);
    if (!plan.add.length && !plan.update.length) return summary;
    const now = new Date().toISOString();
    for (let i = 0; i < plan.add.length; i += 500) {
      const inserted = tx
        .insert(organisations)
        .values(plan.add.slice(i, i + 500).map(({ line: _line, ...values }) => ({ ...values, createdAt: now, updatedAt: now })))
        .returning()
        .all();
      for (const row of inserted) audit(tx, actor, { action: "organisation.import_create", entityType: "organisation", entityId: row.id, after: row });
    }
    const movedGroups: PracticeGroup[] = [];
    for (const u of plan.update) {
      const after = tx
        .update(organisations)
        .set({ ...u.changes, updatedAt: now })
        .where(eq(organisations.id, u.existing.id))
        .returning()
        .get();
      audit(tx, actor, { action: "organisation.import_update", entityType: "organisation", entityId: u.existing.id, before: u.existing, after });
      if (after.type !== u.existing.type || after.locality !== u.existing.locality) movedGroups.push(u.existing, after);
    }
    organisationGroupsChanged(tx, movedGroups);
    audit(tx, actor, {
      action: "organisation.import",
      entityType: "organisation_import",
      entityId: fileName,
      after: { fileName, format: plan.format, options, added: summary.added, updated: summary.updated, skipped: summary.skippedTotal, rejected: summary.rejectedTotal },
    });
    return summary;
  });
}
