// The task inbox: what a signed-in user has to do now, gathered from the models that own each
// thing (business cases, agreements, the exception engine). Judged at the reporting date.
import type { CaseState, Role } from "../../db/schema/enums";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { getDb, type DbOrTx } from "~/lib/db.server";
import { formatDate } from "~/lib/dates";
import { agreementsAwaitingSignatureBy } from "./agreement-signing.server";
import { listCases } from "./cases.server";
import { CASE_STATE_LABELS, queueStatesFor } from "./cases.schema";
import { listExceptionsWithAcknowledgements } from "./exception-acknowledgements.server";
import { acknowledgeHref, groupLowSeverity, type ExceptionLine } from "./exception-acknowledgements.schema";
import type { ExceptionFilters } from "./exceptions.server";
import { getReportingDate } from "./settings.server";
import { EXCEPTION_KIND_LABELS, SEVERITY_COLOURS, SEVERITY_LABELS, type ExceptionKind, type ProgrammeException } from "./exceptions.schema";

export type TaskUser = { id: number; organisationId: number; roles: readonly Role[] };

export type TaskItem = {
  id: string;
  title: string;
  detail: string;
  href: string;
  tag: { text: string; color: "red" | "orange" | "yellow" | "blue" | "grey" } | null;
  /** For an exception: where the role that should act says why it can wait (it then leaves the list until its review date). */
  acknowledgeHref?: string;
};

export type TaskGroup = { id: string; heading: string; items: TaskItem[] };

/** Exceptions shown in a group of their own, so they are not listed (or counted) twice. */
const COVER_KINDS: readonly ExceptionKind[] = ["cover_expiring", "sharing_without_cover"];
const PRIORITY_KINDS: readonly ExceptionKind[] = ["priority_endorsement_due"];
const shown = new Set<ExceptionKind>([...COVER_KINDS, ...PRIORITY_KINDS, "case_waiting_past_sla"]);

const fromException = (e: ProgrammeException): TaskItem => ({
  id: e.id,
  title: e.title,
  detail: `${EXCEPTION_KIND_LABELS[e.kind]}${e.dueOn ? ` · due ${formatDate(e.dueOn)}` : ""}`,
  href: e.actionHref ?? e.href,
  tag: { text: SEVERITY_LABELS[e.severity], color: SEVERITY_COLOURS[e.severity] },
  acknowledgeHref: acknowledgeHref(e.id, "/tasks"),
});


const fromLine = (line: ExceptionLine<ProgrammeException>): TaskItem =>
  line.type === "exception"
    ? fromException(line.exception)
    : {
        id: line.id,
        title: line.title,
        detail: `${EXCEPTION_KIND_LABELS[line.kind]} · ${line.count} low-severity exceptions of one kind in one line: open the list to act on or acknowledge each`,
        href: line.href,
        tag: { text: SEVERITY_LABELS.low, color: SEVERITY_COLOURS.low },
      };

/**
 * The exceptions for a task group: acknowledged ones leave the list until their review date, and
 * many low-severity ones of one kind become one line ("20 practices below the opt-in target").
 */
function exceptionTasks(filters: ExceptionFilters & { db: DbOrTx }, keep: (e: ProgrammeException) => boolean = () => true): TaskItem[] {
  const open = listExceptionsWithAcknowledgements({ ...filters, acknowledged: false }).filter(keep);
  return groupLowSeverity(open).map(fromLine);
}

/** What a user's tasks depend on: who they are, their organisation and roles (not their name or session). */
function taskKey(user: TaskUser, asAt: string) {
  return { user: user.id, organisation: user.organisationId, roles: [...user.roles].sort(), asAt };
}

/**
 * Every group of tasks for this user, in the order the page shows them. Only the groups that
 * apply to the user's roles are returned (an author's own cases only when there are some, except
 * for practitioners, whose main job it is). Kept per user until a table it was gathered from changes.
 */
export function tasksFor({ user, asAt, db = getDb() }: { user: TaskUser; asAt: string; db?: DbOrTx }): readonly TaskGroup[] {
  return memoiseByDataVersion("tasks", taskKey(user, asAt), db, () => computeTasksFor({ user, asAt, db }));
}

function computeTasksFor({ user, asAt, db }: { user: TaskUser; asAt: string; db: DbOrTx }): TaskGroup[] {
  const has = (role: Role) => user.roles.includes(role);
  const groups: TaskGroup[] = [];
  const queueStates = queueStatesFor(user.roles);

  if (queueStates.length) {
    const queue = listCases({ user, scope: "queue", pageSize: null, asAt, db }).rows;
    groups.push({
      id: "cases-to-review",
      heading: has("board") && has("ig_lead") ? "Business cases to review or decide" : has("board") ? "Business cases to decide" : "Business cases to review",
      items: queue.map((c) => ({
        id: `case:${c.reference}`,
        title: `${c.reference}: ${c.title}`,
        detail: `${CASE_STATE_LABELS[c.state]}${c.waitingWorkingDays !== null ? ` for ${c.waitingWorkingDays} working day${c.waitingWorkingDays === 1 ? "" : "s"}` : ""}${c.sponsorName ? ` · ${c.sponsorName}` : ""}`,
        href: `/cases/${encodeURIComponent(c.reference)}`,
        tag: c.overSla ? { text: "Over the service level", color: "red" } : { text: CASE_STATE_LABELS[c.state], color: "blue" },
      })),
    });
  }

  if (has("ig_lead")) {
    groups.push({
      id: "agreements-to-sign",
      heading: "Agreements to sign for your organisation",
      items: agreementsAwaitingSignatureBy({ organisationId: user.organisationId, db }).map((a) => ({
        id: `sign:${a.reference}:${a.version}`,
        title: `${a.reference} v${a.version}: ${a.title}`,
        detail: `Signature requested on ${formatDate(a.requestedAt.slice(0, 10))}; in force from ${formatDate(a.effectiveOn)} once every party has signed`,
        href: `/agreements/${encodeURIComponent(a.reference)}/sign`,
        tag: { text: "Signature requested", color: "blue" },
      })),
    });
  }

  // Each call runs only the engine's rules for that role or kind (cheap enough for the header).
  if (has("ccg")) {
    const items = exceptionTasks({ asAt, role: "ccg", db }, (e) => COVER_KINDS.includes(e.kind));
    groups.push({ id: "cover", heading: "Indemnity cover to renew or put in place", items });
  }
  if (has("board")) {
    groups.push({ id: "priorities", heading: "Priorities to endorse", items: exceptionTasks({ asAt, kind: "priority_endorsement_due", db }) });
  }

  const ownStates: CaseState[] = ["changes_requested", "draft"];
  const own = ownStates.flatMap((state) => listCases({ user, scope: "mine", state, pageSize: null, asAt, db }).rows);
  if (has("practitioner") || own.length) {
    groups.push({
      id: "own-cases",
      heading: "Your business cases to finish",
      items: own.map((c) => ({
        id: `own:${c.reference}`,
        title: `${c.reference}: ${c.title}`,
        detail: c.state === "changes_requested" ? "Returned to you with changes requested: make the changes and submit it again" : "A draft: finish it and submit it for IG review",
        href: `/cases/${encodeURIComponent(c.reference)}/edit`,
        tag: { text: CASE_STATE_LABELS[c.state], color: c.state === "changes_requested" ? "orange" : "grey" },
      })),
    });
  }

  // The rest of the exceptions for the programme team (borough-wide) and an IG lead (about their
  // own organisation). The board's and the CCG's kinds all have groups of their own above; a case
  // waiting past the service level is already in the reviewer's queue.
  if (has("programme")) {
    const items = exceptionTasks({ asAt, role: "programme", db }, (e) => !shown.has(e.kind));
    groups.push({ id: "exceptions-programme", heading: "Exceptions for the programme team", items });
  }
  if (has("ig_lead")) {
    const items = exceptionTasks({ asAt, role: "ig_lead", organisationId: user.organisationId, db });
    groups.push({ id: "exceptions-ig-lead", heading: "Exceptions about your organisation for its IG lead", items });
  }
  return groups;
}

/** How many tasks the user has now: the number of items on their /tasks page. */
export function taskCountFor({ user, asAt, db = getDb() }: { user: TaskUser; asAt: string; db?: DbOrTx }): number {
  return tasksFor({ user, asAt, db }).reduce((sum, g) => sum + g.items.length, 0);
}

// The header shows the count on every page, so it is remembered per user until a table it was
// counted from changes (a case step, a signature, a renewal, the reporting date; not a comment).

/** The user's task count for the header: taskCountFor at the reporting date, recomputed only after a change. */
export function taskCountForHeader({ user, db = getDb() }: { user: TaskUser; db?: DbOrTx }): number {
  const asAt = getReportingDate(db);
  return memoiseByDataVersion("header-task-count", taskKey(user, asAt), db, () => taskCountFor({ user, asAt, db }));
}
