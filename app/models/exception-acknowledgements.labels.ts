import { formatDate } from "~/lib/dates";
import { EXCEPTION_KIND_LABELS, type ExceptionKind, type ExceptionSeverity, type ProgrammeException } from "./exceptions.labels";

// Acknowledging an exception (who knows about it, why it can wait, until when) and grouping many
// low-severity exceptions of one kind into one line, without zod, so the browser can have them
// (the form's schema is in exception-acknowledgements.schema.ts, which re-exports these). The
// rules that read the database are in exception-acknowledgements.server.ts.

/** The latest review-by date allowed: this many months after the reporting date. */
export const ACKNOWLEDGEMENT_MAX_MONTHS = 6;
/** Low-severity exceptions of one kind are shown as one line when there are more than this many. */
export const LOW_SEVERITY_GROUP_ABOVE = 3;

export type ExceptionAcknowledgement = {
  acknowledgedBy: string | null;
  acknowledgedOn: string;
  reason: string;
  reviewBy: string;
  /** The exception's severity when it was acknowledged. */
  severity: ExceptionSeverity;
};

/** An exception with the acknowledgement in force on the date asked about, if any. */
export type AcknowledgedException = ProgrammeException & { acknowledgement: ExceptionAcknowledgement | null };

/** "Acknowledged by Pat Programme on 31 October 2016: reason — review by 31 January 2017". */
export function acknowledgementText(a: ExceptionAcknowledgement) {
  return `Acknowledged by ${a.acknowledgedBy ?? "a former user"} on ${formatDate(a.acknowledgedOn)}: ${a.reason} — review by ${formatDate(a.reviewBy)}`;
}

/** The page where an exception is acknowledged, coming back to `returnTo` afterwards. */
export function acknowledgeHref(exceptionId: string, returnTo: string) {
  return `/exceptions/${encodeURIComponent(exceptionId)}/acknowledge?${new URLSearchParams({ returnTo })}`;
}

/** What a group of low-severity exceptions is called: "20 practices below the opt-in target". */
const GROUP_NOUNS: Partial<Record<ExceptionKind, readonly [one: string, many: string]>> = {
  opt_in_below_target: ["practice below the opt-in target", "practices below the opt-in target"],
  cover_expiring: ["indemnity cover ending in more than 30 days", "indemnity covers ending in more than 30 days"],
  agreement_review_due: ["agreement due for review", "agreements due for review"],
  priority_endorsement_due: ["priority due for re-endorsement soon", "priorities due for re-endorsement soon"],
};

export function groupTitle(kind: ExceptionKind, count: number) {
  const nouns = GROUP_NOUNS[kind];
  return nouns ? `${count} ${count === 1 ? nouns[0] : nouns[1]}` : `${count} low-severity exceptions: ${EXCEPTION_KIND_LABELS[kind].toLowerCase()}`;
}

/** The /exceptions list a group line links to. */
export function groupHref(kind: ExceptionKind, asAt?: string) {
  return `/exceptions?${new URLSearchParams({ kind, severity: "low", ...(asAt ? { asAt } : {}) })}`;
}

export type ExceptionGroupLine = {
  type: "group";
  id: string;
  kind: ExceptionKind;
  severity: "low";
  actionRole: ProgrammeException["actionRole"];
  count: number;
  acknowledged: number;
  title: string;
  href: string;
};
export type ExceptionLine<E extends ProgrammeException> = { type: "exception"; id: string; exception: E } | ExceptionGroupLine;

/**
 * The exceptions as lines, in the same order: the low-severity exceptions of a kind that has more
 * than LOW_SEVERITY_GROUP_ABOVE of them become one line where the first of them was.
 */
export function groupLowSeverity<E extends ProgrammeException & { acknowledgement?: ExceptionAcknowledgement | null }>(
  exceptions: readonly E[],
  { asAt, above = LOW_SEVERITY_GROUP_ABOVE }: { asAt?: string; above?: number } = {},
): ExceptionLine<E>[] {
  const lowByKind = new Map<ExceptionKind, E[]>();
  for (const e of exceptions) {
    if (e.severity !== "low") continue;
    const low = lowByKind.get(e.kind);
    // Added to in place: copying the list for each of thousands of exceptions of one kind was quadratic.
    if (low) low.push(e);
    else lowByKind.set(e.kind, [e]);
  }
  const lines: ExceptionLine<E>[] = [];
  const placed = new Set<ExceptionKind>();
  for (const e of exceptions) {
    const low = e.severity === "low" ? lowByKind.get(e.kind)! : null;
    if (!low || low.length <= above) {
      lines.push({ type: "exception", id: e.id, exception: e });
      continue;
    }
    if (placed.has(e.kind)) continue;
    placed.add(e.kind);
    lines.push({
      type: "group",
      id: `group:${e.kind}:low`,
      kind: e.kind,
      severity: "low",
      actionRole: e.actionRole,
      count: low.length,
      acknowledged: low.filter((x) => x.acknowledgement).length,
      title: groupTitle(e.kind, low.length),
      href: groupHref(e.kind, asAt),
    });
  }
  return lines;
}

/** What a row of the table shows of an exception: a page sends only this to the browser. */
export type ExceptionsTableRow = Pick<ProgrammeException, "id" | "kind" | "severity" | "title" | "href" | "actionRole" | "dueOn"> & { acknowledgement?: ExceptionAcknowledgement | null };

/** An exception as the table shows it, without what it does not (its detail, organisation and record). */
export function exceptionsTableRow({ id, kind, severity, title, href, actionRole, dueOn, acknowledgement }: ExceptionsTableRow): ExceptionsTableRow {
  return { id, kind, severity, title, href, actionRole, dueOn, acknowledgement: acknowledgement ?? null };
}
