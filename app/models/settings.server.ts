import { eq } from "drizzle-orm";
import { z } from "zod";
import { settings } from "../../db/schema";
import { getDb, preparedPerConnection, transaction, type DbOrTx } from "~/lib/db.server";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { audit, type Actor } from "~/lib/audit.server";
import { dateProblem, formatDate, isIsoDate, todayIso } from "~/lib/dates";
import { readDate } from "~/lib/forms";
import { asAtOutOfRange, EARLIEST_AS_AT } from "./temporal";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "Enter a date as YYYY-MM-DD" });

/** Every setting, its type and its default. Stored as text key/value rows. */
export const SettingsSchema = z.object({
  partnership_name: z.string().min(1).default("SharetoCare partnership"),
  // Fixed reporting date (YYYY-MM-DD); empty means today.
  reporting_date: z.union([isoDate, z.literal("")]).default(""),
  opt_in_target_percent: z.coerce.number().min(0).max(100).default(60),
  // Overall maturity below this share of a framework's scale counts as "low maturity".
  maturity_low_threshold_percent: z.coerce.number().min(0).max(100).default(50),
  case_sla_working_days: z.coerce.number().int().min(1).max(250).default(20),
  indemnity_warning_days: z.coerce.number().int().min(1).max(365).default(90),
  agreement_review_notice_days: z.coerce.number().int().min(1).max(365).default(90),
});

export type Settings = z.infer<typeof SettingsSchema>;
export type SettingKey = keyof Settings;

const allSettings = preparedPerConnection((db) => db.select().from(settings).prepare());

/** Every setting, read and checked once until the settings change (several times a request otherwise). */
export function getSettings(db: DbOrTx = getDb()): Settings {
  return memoiseByDataVersion("settings", null, db, () => {
    const rows = allSettings(db).all();
    const raw = Object.fromEntries(rows.map((r) => [r.key, r.value]));
    return SettingsSchema.parse(raw);
  });
}

/** The date everything "due", "late" or "expiring" is judged against. */
export function getReportingDate(db: DbOrTx = getDb()): string {
  return getSettings(db).reporting_date || todayIso();
}

export function updateSettings(actor: Actor, changes: Partial<Record<SettingKey, string | number>>) {
  return transaction((tx) => {
    const before = getSettings(tx);
    const merged = SettingsSchema.parse({ ...before, ...changes });
    // Saving the settings unchanged changes nothing and writes no audit row.
    if (JSON.stringify(merged) === JSON.stringify(SettingsSchema.parse(before))) return merged;
    for (const key of Object.keys(changes)) {
      const text = String(merged[key as SettingKey]);
      const existing = tx.select().from(settings).where(eq(settings.key, key)).get();
      if (existing) tx.update(settings).set({ value: text, updatedAt: new Date().toISOString() }).where(eq(settings.key, key)).run();
      else tx.insert(settings).values({ key, value: text }).run();
    }
    audit(tx, actor, { action: "settings.update", entityType: "settings", entityId: "settings", before, after: merged });
    return merged;
  });
}

const AS_AT_PARTS = ["asAt-day", "asAt-month", "asAt-year"];

/** The query with the date input's boxes replaced by `asAt` (none when empty). */
function canonicalAsAtSearch(searchParams: URLSearchParams, asAt: string) {
  const next = new URLSearchParams(searchParams);
  for (const name of [...AS_AT_PARTS, "asAt"]) next.delete(name);
  if (asAt) next.set("asAt", asAt);
  return next.toString();
}

/** What a page answers (status 400) for an as-at date outside the range: the message for the date field. */
export type AsAtRangeProblem = { asAtError: string; asAt: string; earliest: string; reportingDate: string };

/** The message at the date field when `date` is outside [EARLIEST_AS_AT, reportingDate], or null when it is in range. */
export function asAtRangeMessage(date: string, reportingDate: string): string | null {
  const problem = asAtOutOfRange(date, reportingDate);
  return problem ? `${problem}: enter a date from ${formatDate(EARLIEST_AS_AT)} to ${formatDate(reportingDate)} (the reporting date)` : null;
}

/**
 * The as-at date a page asked for (`?asAt=YYYY-MM-DD`, or the as-at form's three boxes, which
 * are redirected to that form), or the reporting date when it asked
 * for none. A malformed date is reported, not guessed at. A date before 2000-01-01 or after the
 * reporting date is refused before any query runs: this throws a 400 response that the error
 * boundary shows as the NHS error summary at the date field (a CSV gets the message as JSON).
 */
export function resolveAsAt(searchParams: URLSearchParams, db: DbOrTx = getDb()): { asAt: string; reportingDate: string; error: string | null } {
  const reportingDate = getReportingDate(db);
  const typed = AS_AT_PARTS.some((name) => searchParams.has(name));
  const raw = typed ? readDate(searchParams, "asAt") : searchParams.get("asAt");
  // The as-at form sends the date input's three boxes: a real date (or none) goes to the
  // canonical ?asAt=YYYY-MM-DD, keeping the other parameters; a bad one is reported below.
  // A plain 302 (what Remix's redirect() builds): the import worker thread loads this module, and
  // Remix's runtime cost it 110 ms of start-up for this one line.
  if (typed && (raw === "" || isIsoDate(raw ?? ""))) throw new Response(null, { status: 302, headers: { Location: `?${canonicalAsAtSearch(searchParams, raw ?? "")}` } });
  if (!raw) return { asAt: reportingDate, reportingDate, error: null };
  if (!isIsoDate(raw)) return { asAt: reportingDate, reportingDate, error: dateProblem(raw, "the as-at date", { required: true }) };
  const outOfRange = asAtRangeMessage(raw, reportingDate);
  if (outOfRange) {
    const problem: AsAtRangeProblem = { asAtError: outOfRange, asAt: raw, earliest: EARLIEST_AS_AT, reportingDate };
    throw new Response(JSON.stringify(problem), { status: 400, headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" } });
  }
  return { asAt: raw, reportingDate, error: null };
}
