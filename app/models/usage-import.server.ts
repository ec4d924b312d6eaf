import { audit, type Actor } from "~/lib/audit.server";
import { CsvFileError, parseCsvLines } from "~/lib/csv-upload.server";
import { getDb, transaction, type DbOrTx } from "~/lib/db.server";
import { monthOf } from "~/lib/dates";
import { deploymentKey, existingUsage, findDeploymentsByKeys, recordUsage } from "./rollout.server";
import { getReportingDate } from "./settings.server";

// Monthly record views imported as CSV: ods_code, service, capability, month, views.

export const USAGE_COLUMNS = ["ods_code", "service", "capability", "month", "views"] as const;

type UsageLine = { line: number; deploymentId: number; month: string; views: number; label: string };

export type UsagePlan = {
  add: UsageLine[];
  update: (UsageLine & { before: number })[];
  unchanged: number;
  rejected: { line: number; reason: string }[];
};

export function planUsageImport({ text, db = getDb() }: { text: string; db?: DbOrTx }): UsagePlan {
  const lines = parseCsvLines(text);
  if (lines.length === 0) throw new CsvFileError("The file is empty: choose a CSV file with data in it");
  const header = lines[0]!.cells.map((c) => c.trim().toLowerCase());
  const missing = USAGE_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new CsvFileError(`The first line must be the header ${USAGE_COLUMNS.join(",")} (missing: ${missing.join(", ")})`);
  if (lines.length === 1) throw new CsvFileError("The file has a header but no figures");
  const at = (cells: string[], name: (typeof USAGE_COLUMNS)[number]) => cells[header.indexOf(name)] ?? "";
  const reportingMonth = monthOf(getReportingDate(db));

  const body = lines.slice(1);
  const found = findDeploymentsByKeys({
    keys: body.map((l) => ({ odsCode: at(l.cells, "ods_code").toUpperCase(), serviceName: at(l.cells, "service"), capabilityCode: at(l.cells, "capability") })),
    db,
  });
  const plan: UsagePlan = { add: [], update: [], unchanged: 0, rejected: [] };
  const valid: UsageLine[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of body) {
    const reject = (reason: string) => plan.rejected.push({ line, reason });
    if (cells.length !== header.length) {
      reject(`has ${cells.length} columns; the header has ${header.length}`);
      continue;
    }
    const odsCode = at(cells, "ods_code").toUpperCase();
    const service = at(cells, "service");
    const capability = at(cells, "capability");
    const month = at(cells, "month");
    const viewsText = at(cells, "views").replace(/,/g, "");
    const deploymentId = found.get(deploymentKey({ odsCode, serviceName: service, capabilityCode: capability }));
    if (!deploymentId) {
      reject(`no ${capability || "(blank capability)"} deployment at "${service}" of ${odsCode || "(blank ods_code)"}`);
      continue;
    }
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
      reject(`month "${month}" is not a month as YYYY-MM`);
      continue;
    }
    if (month > reportingMonth) {
      reject(`month ${month} is after the reporting month, ${reportingMonth}`);
      continue;
    }
    if (!/^\d{1,9}$/.test(viewsText)) {
      reject(`views "${at(cells, "views")}" is not a whole number, 0 or more`);
      continue;
    }
    const key = `${deploymentId}:${month}`;
    const first = seen.get(key);
    if (first !== undefined) {
      reject(`the same deployment and month appear again (first on line ${first})`);
      continue;
    }
    seen.set(key, line);
    valid.push({ line, deploymentId, month, views: Number(viewsText), label: `${odsCode} ${service} (${capability}) ${month}` });
  }
  const existing = existingUsage({ deploymentIds: valid.map((v) => v.deploymentId), db });
  for (const v of valid) {
    const before = existing.get(`${v.deploymentId}:${v.month}`);
    if (before === undefined) plan.add.push(v);
    else if (before !== v.views) plan.update.push({ ...v, before });
    else plan.unchanged++;
  }
  return plan;
}

export function summariseUsagePlan(plan: UsagePlan) {
  return { added: plan.add.length, updated: plan.update.length, unchanged: plan.unchanged, rejected: plan.rejected.slice(0, 500), rejectedTotal: plan.rejected.length };
}
export type UsageImportSummary = ReturnType<typeof summariseUsagePlan>;

/** All the file's new and changed figures in one transaction, each audited; nothing when nothing changed. */
export function applyUsageImport({ actor, text, fileName }: { actor: Actor; text: string; fileName: string }) {
  return transaction((tx) => {
    const plan = planUsageImport({ text, db: tx });
    const summary = summariseUsagePlan(plan);
    if (!plan.add.length && !plan.update.length) return summary;
    for (const row of [...plan.add, ...plan.update]) recordUsage({ actor, deploymentId: row.deploymentId, input: { month: row.month, views: row.views }, db: tx });
    audit(tx, actor, { action: "usage.import", entityType: "usage_import", entityId: fileName, after: { fileName, added: summary.added, updated: summary.updated, rejected: summary.rejectedTotal } });
    return summary;
  });
}
