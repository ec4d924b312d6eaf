// Business cases: proposals for new sharing, their review by IG leads and decision by the board.
// The workflow's rules (who may take which step from which state, self-review, optimistic
// concurrency, completeness, interest declarations, the 10-minute comment window) are enforced
// here, whatever the page shows. Every change is one transaction with its audit rows.

import { and, asc, count, desc, eq, inArray, isNull, notInArray, or, sql, type SQL } from "drizzle-orm";
import {
  businessCaseAuthors,
  businessCaseComments,
  businessCaseDeployments,
  businessCasePartners,
  businessCaseTransitions,
  businessCases,
  capabilities,
  deploymentStatusEvents,
  deployments,
  organisations,
  services,
  users,
} from "../../db/schema";
import type { CaseState, Role } from "../../db/schema/enums";
import { organisationInFilterSql, type OrganisationFilter } from "./organisation-filter.server";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { getDb, transaction, type DbOrTx, type Tx } from "~/lib/db.server";
import { audit, type Actor } from "~/lib/audit.server";
import { hasAnyRole } from "~/lib/permissions";
import { workingDaysBetween } from "~/lib/dates";
import { pageOffset, type TableSort } from "~/lib/table-query";
import { getReportingDate, getSettings } from "~/models/settings.server";
import { statusAsAt } from "~/models/rollout.server";
import { refreshDeploymentStatusIntervals } from "~/models/rollout.read-model.server";
import { notifyCaseStep } from "~/models/notifications.server";
import {
  CASE_STATE_LABELS,
  COMMENT_EDIT_WINDOW_MS,
  CONTENT_KEYS,
  DECISION_STATES,
  EDITABLE_STATES,
  REVIEW_STATES,
  WAITING_STATES,
  CASE_TRANSITIONS,
  caseFormValues,
  diffSnapshots,
  missingForSubmission,
  missingTransitionFields,
  queueStatesFor,
  transitionRule,
  type CaseAction,
  type CaseContent,
  type CaseDraft,
  type CaseScope,
  type CaseSort,
  type CaseTransitionRule,
  type MissingItem,
  type SnapshotDifference,
  type SnapshotLookups,
  type TransitionField,
} from "./cases.schema";

/** Who is acting: enough of the signed-in user for the rules. */
export type CaseUser = { id: number; organisationId: number; roles: readonly Role[] };

/** A refusal the route turns into an HTTP status: 400 (input), 403 (not allowed), 404, 409 (state or version). */
export class CaseRuleError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    message: string,
    readonly fieldErrors: Record<string, string> = {},
  ) {
    super(message);
    this.name = "CaseRuleError";
  }
}

const notFound = (reference: string) => new CaseRuleError(404, `There is no business case ${reference}.`);

// What each step is called in a sentence ("You cannot … a case that is approved").
const VERBS: Record<CaseAction, string> = {
  submit: "submit",
  withdraw: "withdraw",
  start_review: "start an IG review of",
  request_changes: "request changes to",
  pass_to_board: "pass to the board",
  approve: "approve",
  reject: "reject",
  defer: "defer",
  return_to_board: "return to board review",
  mark_implemented: "mark as implemented",
};

const ROLE_NOUNS: Record<Role, string> = {
  admin: "an administrator",
  board: "a partnership board member",
  programme: "the programme team",
  ig_lead: "an IG lead",
  ccg: "the CCG",
  practitioner: "a practitioner",
};

const stateName = (s: CaseState) => CASE_STATE_LABELS[s].toLowerCase();
const orList = (items: string[]) => (items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`);

export function countCasesByState({ db = getDb() }: { db?: DbOrTx } = {}) {
  const rows = db.select({ state: businessCases.state, n: count() }).from(businessCases).groupBy(businessCases.state).all();
  return Object.fromEntries(rows.map((r) => [r.state, r.n])) as Partial<Record<CaseState, number>>;
}

// ---------------------------------------------------------------------------------------------
// Reading one case's parts

type CaseRow = typeof businessCases.$inferSelect;

function findCase(db: DbOrTx, reference: string): CaseRow | undefined {
  return db.select().from(businessCases).where(eq(businessCases.reference, reference)).get();
}

function authorsOf(db: DbOrTx, caseId: number) {
  return db
    .select({ userId: businessCaseAuthors.userId, role: businessCaseAuthors.role, name: users.name, email: users.email, organisationName: organisations.name })
    .from(businessCaseAuthors)
    .innerJoin(users, eq(users.id, businessCaseAuthors.userId))
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(businessCaseAuthors.caseId, caseId))
    .orderBy(asc(businessCaseAuthors.role), asc(users.name))
    .all();
}

function isAuthorOf(db: DbOrTx, caseId: number, userId: number) {
  return !!db
    .select({ userId: businessCaseAuthors.userId })
    .from(businessCaseAuthors)
    .where(and(eq(businessCaseAuthors.caseId, caseId), eq(businessCaseAuthors.userId, userId)))
    .get();
}

function partnerIdsOf(db: DbOrTx, caseId: number) {
  return db
    .select({ id: businessCasePartners.organisationId })
    .from(businessCasePartners)
    .where(eq(businessCasePartners.caseId, caseId))
    .orderBy(asc(businessCasePartners.organisationId))
    .all()
    .map((r) => r.id);
}

function proposedOf(db: DbOrTx, caseId: number) {
  return db
    .select({ id: businessCaseDeployments.id, serviceId: businessCaseDeployments.serviceId, capabilityId: businessCaseDeployments.capabilityId, deploymentId: businessCaseDeployments.deploymentId })
    .from(businessCaseDeployments)
    .where(eq(businessCaseDeployments.caseId, caseId))
    .orderBy(asc(businessCaseDeployments.id))
    .all();
}

function contentOf(kase: CaseRow): CaseContent {
  const out = {} as Record<string, unknown>;
  for (const key of CONTENT_KEYS) out[key] = kase[key] ?? null;
  return out as CaseContent;
}

/** The case as it stands: content, reference, state, partners and proposed deployments (what a transition keeps). */
function snapshotOf(db: DbOrTx, kase: CaseRow, state: CaseState): Record<string, unknown> {
  return {
    ...contentOf(kase),
    reference: kase.reference,
    state,
    partnerOrganisationIds: partnerIdsOf(db, kase.id),
    proposedDeployments: proposedOf(db, kase.id).map(({ serviceId, capabilityId }) => ({ serviceId, capabilityId })),
  };
}

function draftOf(db: DbOrTx, kase: CaseRow): CaseDraft {
  return {
    ...contentOf(kase),
    partnerOrganisationIds: partnerIdsOf(db, kase.id),
    proposedDeployments: proposedOf(db, kase.id).map(({ serviceId, capabilityId }) => ({ serviceId, capabilityId })),
  };
}

/**
 * When a step happens. The app's "today" is the reporting date (fixed in the demo), so a step is
 * dated on it, at the time of day it was taken; never before the case's previous step, so the
 * history keeps its order. The audit log keeps the true wall-clock time.
 */
function stepTime(db: DbOrTx, caseId: number | null, now = new Date()) {
  let at = `${getReportingDate(db)}T${now.toISOString().slice(11)}`;
  if (caseId !== null) {
    const last = db.select({ at: businessCaseTransitions.at }).from(businessCaseTransitions).where(eq(businessCaseTransitions.caseId, caseId)).orderBy(desc(businessCaseTransitions.at)).limit(1).get();
    if (last && last.at >= at) at = new Date(new Date(last.at).getTime() + 1).toISOString();
  }
  return at;
}

/** Writes a refusal to the audit log in its own transaction: the refused change itself wrote nothing. */
function auditRefusal(actor: Actor, reference: string, what: string, reason: string) {
  transaction((tx) => audit(tx, actor, { action: "case.refused", entityType: "business_case", entityId: reference, after: { attempted: what, reason } }));
}

function withRefusalsAudited<T>(actor: Actor, reference: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof CaseRuleError && error.status === 403) auditRefusal(actor, reference, what, error.message);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Permission first: who may act is decided before any input is read or validated, so someone who
// may not act is refused (403, audited once) rather than shown field errors.

/** Throws the 403 (audited) when this user may not take this kind of step on this case, whatever its state or input. */
export function assertMayActOnCase({ actor, user, reference, action }: { actor: Actor; user: CaseUser; reference: string; action: CaseAction }) {
  withRefusalsAudited(actor, reference, action, () => {
    const db = getDb();
    const kase = findCase(db, reference);
    if (!kase) throw notFound(reference);
    const rule = transitionRule(action);
    const isAuthor = isAuthorOf(db, kase.id, user.id);
    if (rule.who === "authors") {
      if (!isAuthor) throw new CaseRuleError(403, `Only the case's author or co-authors can ${VERBS[rule.action]} it.`);
    } else if (!hasAnyRole(user.roles, rule.who)) {
      throw new CaseRuleError(403, `Only ${orList(rule.who.map((r) => ROLE_NOUNS[r]))} can ${VERBS[rule.action]} a case.`);
    }
    if (rule.review && isAuthor) throw new CaseRuleError(403, `You wrote this case, so you cannot review or decide it: someone who did not write it must ${VERBS[rule.action]} it.`);
  });
}

/** Throws the 403 (audited) when this user is not an author or co-author of the case. */
export function assertMayEditCase({ actor, user, reference }: { actor: Actor; user: CaseUser; reference: string }) {
  withRefusalsAudited(actor, reference, "edit", () => {
    const db = getDb();
    const kase = findCase(db, reference);
    if (!kase) throw notFound(reference);
    if (!isAuthorOf(db, kase.id, user.id)) throw new CaseRuleError(403, "Only the case's author or co-authors can change it.");
  });
}

/** Throws the 403 (audited) when the comment exists on the case and someone else wrote it. */
export function assertMayChangeComment({ actor, user, reference, commentId, what }: { actor: Actor; user: CaseUser; reference: string; commentId: number; what: string }) {
  withRefusalsAudited(actor, reference, what, () => {
    const db = getDb();
    const kase = findCase(db, reference);
    if (!kase) throw notFound(reference);
    const comment = db.select({ authorId: businessCaseComments.authorId }).from(businessCaseComments).where(and(eq(businessCaseComments.id, commentId), eq(businessCaseComments.caseId, kase.id))).get();
    if (comment && comment.authorId !== user.id) throw new CaseRuleError(403, "Only the person who wrote a comment can change or delete it.");
  });
}

// ---------------------------------------------------------------------------------------------
// The state machine

export type TransitionArgs = {
  actor: Actor;
  user: CaseUser;
  reference: string;
  action: CaseAction;
  /** The case version the user's form was based on. */
  expectedVersion: number;
  note?: string | null;
  igRecommendation?: string | null;
  rationale?: string | null;
  meetingDate?: string | null;
  meetingReference?: string | null;
  interestDeclared?: string | null;
};

const filled = (v: string | null | undefined) => typeof v === "string" && v.trim() !== "";

/** Why this user may not take this step on this case now (null when they may), checked in the workflow's order. */
function refusalFor(db: DbOrTx, kase: CaseRow, rule: CaseTransitionRule, user: CaseUser, expectedVersion: number | null): CaseRuleError | null {
  const changed = expectedVersion !== null && expectedVersion !== kase.version;
  if (!rule.from.includes(kase.state)) {
    const allowed = orList(rule.from.map((s) => stateName(s)));
    return new CaseRuleError(
      409,
      changed
        ? `This case changed since you opened it: it is now ${stateName(kase.state)}, so you cannot ${VERBS[rule.action]} it. Nothing was saved.`
        : `You cannot ${VERBS[rule.action]} a case that is ${stateName(kase.state)}: only one that is ${allowed}.`,
    );
  }
  const isAuthor = isAuthorOf(db, kase.id, user.id);
  if (rule.who === "authors") {
    if (!isAuthor) return new CaseRuleError(403, `Only the case's author or co-authors can ${VERBS[rule.action]} it.`);
  } else if (!hasAnyRole(user.roles, rule.who)) {
    return new CaseRuleError(403, `Only ${orList(rule.who.map((r) => ROLE_NOUNS[r]))} can ${VERBS[rule.action]} a case.`);
  }
  if (rule.review && isAuthor) {
    return new CaseRuleError(403, `You wrote this case, so you cannot review or decide it: someone who did not write it must ${VERBS[rule.action]} it.`);
  }
  if (changed) {
    return new CaseRuleError(409, `This case changed since you opened it (it is now ${stateName(kase.state)}, version ${kase.version}). Nothing was saved: check the case as it is now, then try again.`);
  }
  return null;
}

/** The linked deployments that are not live as at the reporting date (every one, if none are linked). */
function deploymentsNotLive(db: DbOrTx, caseId: number) {
  const linked = db
    .select({ id: deployments.id })
    .from(deployments)
    .where(
      or(
        eq(deployments.businessCaseId, caseId),
        inArray(deployments.id, db.select({ id: sql<number>`${businessCaseDeployments.deploymentId}` }).from(businessCaseDeployments).where(eq(businessCaseDeployments.caseId, caseId))),
      ),
    )
    .all()
    .map((r) => r.id);
  const unlinkedProposals = db
    .select({ n: count() })
    .from(businessCaseDeployments)
    .where(and(eq(businessCaseDeployments.caseId, caseId), isNull(businessCaseDeployments.deploymentId)))
    .get()!.n;
  if (!linked.length) return { linked: 0, notLive: 0, unlinkedProposals };
  const current = statusAsAt(db, getReportingDate(db));
  const row = db
    .with(current)
    .select({ notLive: sql<number>`coalesce(sum(case when ${current.status} = 'live' then 0 else 1 end), 0)` })
    .from(deployments)
    .leftJoin(current, eq(current.deploymentId, deployments.id))
    .where(inArray(deployments.id, linked))
    .get();
  return { linked: linked.length, notLive: Number(row?.notLive ?? 0), unlinkedProposals };
}

function implementationRefusal(db: DbOrTx, caseId: number): string | null {
  const d = deploymentsNotLive(db, caseId);
  if (d.linked === 0) return "No deployments are linked to this case yet: create its planned deployments, and mark it implemented when they are live.";
  if (d.unlinkedProposals > 0) return `${d.unlinkedProposals} of the services this case proposed have no deployment yet: create them first.`;
  if (d.notLive > 0) return `${d.notLive} of this case's ${d.linked} deployments ${d.notLive === 1 ? "is" : "are"} not live yet as at the reporting date.`;
  return null;
}

function applyTransition(tx: Tx, args: Omit<TransitionArgs, "reference"> & { kase: CaseRow }) {
  const { actor, user, kase, action, expectedVersion } = args;
  const rule = transitionRule(action);
  const refusal = refusalFor(tx, kase, rule, user, expectedVersion);
  if (refusal) throw refusal;

  const fieldErrors = missingTransitionFields(action, args);
  if (rule.decision && kase.sponsorOrganisationId === user.organisationId && !filled(args.interestDeclared)) {
    fieldErrors.interestDeclared = "Your organisation sponsors this case: declare your interest before you decide";
  }
  if (Object.keys(fieldErrors).length) throw new CaseRuleError(400, Object.values(fieldErrors)[0]!, fieldErrors);

  if (action === "submit") {
    const missing = missingForSubmission(draftOf(tx, kase));
    if (missing.length) {
      throw new CaseRuleError(400, `This case cannot be submitted yet: ${missing.length} ${missing.length === 1 ? "thing is" : "things are"} missing.`, Object.fromEntries(missing.map((m) => [m.field, m.text])));
    }
  }
  if (action === "mark_implemented") {
    const why = implementationRefusal(tx, kase.id);
    if (why) throw new CaseRuleError(409, why);
  }

  const at = stepTime(tx, kase.id);
  const isDecision = DECISION_STATES.includes(rule.to);
  // The version check and the write are one statement: of two concurrent steps, exactly one wins.
  const updated = tx
    .update(businessCases)
    .set({
      state: rule.to,
      version: sql`${businessCases.version} + 1`,
      stateChangedAt: at,
      updatedAt: at,
      ...(rule.to === "submitted" && !kase.submittedAt ? { submittedAt: at } : {}),
      ...(isDecision ? { decidedAt: at } : {}),
    })
    .where(and(eq(businessCases.id, kase.id), eq(businessCases.version, expectedVersion)))
    .returning()
    .get();
  if (!updated) throw new CaseRuleError(409, "This case changed since you opened it. Nothing was saved: check the case as it is now, then try again.");

  const keep = (field: TransitionField, value: string | null | undefined) => (rule.requires.includes(field) || filled(value) ? value?.trim() || null : null);
  const transition = tx
    .insert(businessCaseTransitions)
    .values({
      caseId: kase.id,
      fromState: kase.state,
      toState: rule.to,
      actorId: user.id,
      at,
      note: keep("note", args.note),
      igRecommendation: action === "pass_to_board" ? keep("igRecommendation", args.igRecommendation) : null,
      rationale: rule.decision ? keep("rationale", args.rationale) : null,
      meetingDate: rule.decision ? args.meetingDate || null : null,
      meetingReference: rule.decision ? args.meetingReference?.trim() || null : null,
      interestDeclared: rule.decision ? args.interestDeclared?.trim() || null : null,
      caseVersion: updated.version,
      snapshot: snapshotOf(tx, updated, rule.to),
    })
    .returning()
    .get();
  audit(tx, actor, {
    action: `case.${action}`,
    entityType: "business_case",
    entityId: kase.reference,
    before: { state: kase.state, version: kase.version },
    after: { state: updated.state, version: updated.version, transitionId: transition.id, note: transition.note, igRecommendation: transition.igRecommendation, rationale: transition.rationale, meetingDate: transition.meetingDate, meetingReference: transition.meetingReference, interestDeclared: transition.interestDeclared },
  });
  notifyCaseStep(tx, { caseId: kase.id, action, transitionId: transition.id, fromState: kase.state, actorUserId: user.id });
  return { reference: kase.reference, state: updated.state, version: updated.version, transitionId: transition.id };
}

/**
 * Takes one step of the workflow. Checks, in order: the case exists (404); the step is allowed
 * from its state (409); the user's role or authorship (403); nobody reviews or decides a case
 * they wrote (403); the version the user saw is still current (409); the step's required text
 * and, for a board member of the sponsoring organisation, a declared interest (400); for
 * submission, that the case is complete (400). Then writes the state, the version, the
 * transition with its snapshot and the audit row in one transaction.
 */
export function transitionCase(args: TransitionArgs) {
  return withRefusalsAudited(args.actor, args.reference, args.action, () =>
    transaction((tx) => {
      const kase = findCase(tx, args.reference);
      if (!kase) throw notFound(args.reference);
      return applyTransition(tx, { ...args, kase });
    }),
  );
}

/** The steps this user may take on this case now: only these are offered on its page. */
function availableActions(db: DbOrTx, kase: CaseRow, user: CaseUser) {
  return CASE_TRANSITIONS.filter((rule) => !refusalFor(db, kase, rule, user, null))
    .filter((rule) => (rule.action === "submit" ? missingForSubmission(draftOf(db, kase)).length === 0 : true))
    .filter((rule) => (rule.action === "mark_implemented" ? implementationRefusal(db, kase.id) === null : true))
    .map((rule) => ({
      action: rule.action,
      label: rule.label,
      to: rule.to,
      requires: [...rule.requires],
      decision: !!rule.decision,
      interestRequired: !!rule.decision && kase.sponsorOrganisationId === user.organisationId,
    }));
}

// ---------------------------------------------------------------------------------------------
// Drafting and editing

function nextReference(db: DbOrTx) {
  const year = getReportingDate(db).slice(0, 4);
  const prefix = `BC-${year}-`;
  const row = db
    .select({ n: sql<number | null>`max(cast(substr(${businessCases.reference}, ${prefix.length + 1}) as integer))` })
    .from(businessCases)
    .where(sql`${businessCases.reference} like ${`${prefix}%`}`)
    .get();
  return `${prefix}${String((row?.n ?? 0) + 1).padStart(3, "0")}`;
}

function userIdsByEmail(db: DbOrTx, emails: string[]) {
  if (!emails.length) return { ids: [] as number[], unknown: [] as string[] };
  const found = db.select({ id: users.id, email: users.email }).from(users).where(and(inArray(users.email, emails), isNull(users.disabledAt))).all();
  const known = new Map(found.map((u) => [u.email, u.id]));
  return { ids: emails.map((e) => known.get(e)).filter((id): id is number => id !== undefined), unknown: emails.filter((e) => !known.has(e)) };
}

function checkReferences(db: DbOrTx, draft: CaseDraft) {
  const errors: Record<string, string> = {};
  const orgIds = [...new Set([...(draft.sponsorOrganisationId ? [draft.sponsorOrganisationId] : []), ...draft.partnerOrganisationIds])];
  const knownOrgs = new Set(orgIds.length ? db.select({ id: organisations.id }).from(organisations).where(inArray(organisations.id, orgIds)).all().map((o) => o.id) : []);
  if (draft.sponsorOrganisationId && !knownOrgs.has(draft.sponsorOrganisationId)) errors.sponsorOrganisationId = "Choose the sponsoring organisation from the list";
  if (draft.partnerOrganisationIds.some((id) => !knownOrgs.has(id))) errors.partnerOrganisationIds = "Choose partner organisations from the list";
  const serviceIds = [...new Set(draft.proposedDeployments.map((d) => d.serviceId))];
  const capabilityIds = [...new Set(draft.proposedDeployments.map((d) => d.capabilityId))];
  const knownServices = new Set(serviceIds.length ? db.select({ id: services.id }).from(services).where(inArray(services.id, serviceIds)).all().map((s) => s.id) : []);
  const knownCaps = new Set(capabilityIds.length ? db.select({ id: capabilities.id }).from(capabilities).where(inArray(capabilities.id, capabilityIds)).all().map((c) => c.id) : []);
  draft.proposedDeployments.forEach((d, i) => {
    if (!knownServices.has(d.serviceId)) errors[`deployment-${i + 1}-serviceId`] = "Choose a service from the list";
    if (!knownCaps.has(d.capabilityId)) errors[`deployment-${i + 1}-capabilityId`] = "Choose a capability from the list";
  });
  return errors;
}

function writeParts(tx: Tx, caseId: number, draft: CaseDraft) {
  tx.delete(businessCasePartners).where(eq(businessCasePartners.caseId, caseId)).run();
  if (draft.partnerOrganisationIds.length) tx.insert(businessCasePartners).values(draft.partnerOrganisationIds.map((organisationId) => ({ caseId, organisationId }))).run();
  // Keep the rows (and any deployment link) of pairs still proposed; drop the rest; add the new.
  const existing = proposedOf(tx, caseId);
  const key = (d: { serviceId: number; capabilityId: number }) => `${d.serviceId}:${d.capabilityId}`;
  const wanted = new Set(draft.proposedDeployments.map(key));
  const gone = existing.filter((d) => !wanted.has(key(d)) && d.deploymentId === null).map((d) => d.id);
  if (gone.length) tx.delete(businessCaseDeployments).where(inArray(businessCaseDeployments.id, gone)).run();
  const have = new Set(existing.map(key));
  const added = draft.proposedDeployments.filter((d) => !have.has(key(d)));
  if (added.length) tx.insert(businessCaseDeployments).values(added.map((d) => ({ caseId, ...d }))).run();
}

function setCoAuthors(tx: Tx, caseId: number, authorId: number, ids: number[]) {
  tx.delete(businessCaseAuthors).where(and(eq(businessCaseAuthors.caseId, caseId), eq(businessCaseAuthors.role, "co_author"))).run();
  const coAuthors = [...new Set(ids)].filter((id) => id !== authorId);
  if (coAuthors.length) tx.insert(businessCaseAuthors).values(coAuthors.map((userId) => ({ caseId, userId, role: "co_author" as const }))).run();
}

export type SaveCaseArgs = {
  actor: Actor;
  user: CaseUser;
  draft: CaseDraft;
  /** Also submit it for IG review (only a complete case can be). */
  submit?: boolean;
};

/** The content columns to write (a draft's risk rows may lack a score until it is complete). */
function contentValues(draft: CaseDraft) {
  const out = {} as Record<string, unknown>;
  for (const key of CONTENT_KEYS) out[key] = draft[key] ?? null;
  return out as Omit<CaseContent, "risks"> & { risks: CaseRow["risks"] };
}

/** Starts a case as a draft (complete or not), its creator as author; optionally submits it at once. */
export function createCase({ actor, user, draft, submit = false }: SaveCaseArgs) {
  return transaction((tx) => {
    const errors = checkReferences(tx, draft);
    const coAuthors = userIdsByEmail(tx, draft.coAuthorEmails ?? []);
    if (coAuthors.unknown.length) errors.coAuthorEmails = `No ShareBoard user has the email address ${coAuthors.unknown.join(", ")}: check it, or leave it out`;
    if (Object.keys(errors).length) throw new CaseRuleError(400, Object.values(errors)[0]!, errors);

    const at = stepTime(tx, null);
    const reference = nextReference(tx);
    const kase = tx
      .insert(businessCases)
      .values({ ...contentValues(draft), reference, authorId: user.id, state: "draft", version: 1, stateChangedAt: at, createdAt: at, updatedAt: at })
      .returning()
      .get();
    tx.insert(businessCaseAuthors).values({ caseId: kase.id, userId: user.id, role: "author" }).run();
    setCoAuthors(tx, kase.id, user.id, coAuthors.ids);
    writeParts(tx, kase.id, draft);
    // The first transition records the creation (no earlier state), as the demo data does.
    tx.insert(businessCaseTransitions)
      .values({ caseId: kase.id, fromState: null, toState: "draft", actorId: user.id, at, note: "Case started.", caseVersion: 1, snapshot: snapshotOf(tx, kase, "draft") })
      .run();
    audit(tx, actor, { action: "case.create", entityType: "business_case", entityId: reference, after: { ...draftOf(tx, kase), coAuthorIds: coAuthors.ids } });
    if (submit) return applyTransition(tx, { actor, user, kase, action: "submit", expectedVersion: 1 });
    return { reference, state: kase.state, version: kase.version };
  });
}

/** Whether, and why not, this user may change the case's content now. */
function editRefusal(db: DbOrTx, kase: CaseRow, user: CaseUser, expectedVersion: number | null): CaseRuleError | null {
  if (!EDITABLE_STATES.includes(kase.state)) {
    return new CaseRuleError(409, `This case is ${stateName(kase.state)}: it can be changed only while it is a draft or after changes are requested.`);
  }
  if (!isAuthorOf(db, kase.id, user.id)) return new CaseRuleError(403, "Only the case's author or co-authors can change it.");
  if (expectedVersion !== null && expectedVersion !== kase.version) {
    return new CaseRuleError(409, `This case changed since you opened it (it is now version ${kase.version}). Nothing was saved: reopen it to see the changes, then make yours again.`);
  }
  return null;
}

/**
 * Saves the authors' changes to a draft (or a case whose changes were requested), bumping its
 * version; optionally submits it in the same transaction. Only the author changes co-authors.
 */
export function updateCase({ actor, user, reference, expectedVersion, draft, submit = false }: SaveCaseArgs & { reference: string; expectedVersion: number }) {
  return withRefusalsAudited(actor, reference, "edit", () =>
    transaction((tx) => {
      const kase = findCase(tx, reference);
      if (!kase) throw notFound(reference);
      const refusal = editRefusal(tx, kase, user, expectedVersion);
      if (refusal) throw refusal;
      const errors = checkReferences(tx, draft);
      const changeCoAuthors = kase.authorId === user.id && draft.coAuthorEmails !== undefined;
      const coAuthors = userIdsByEmail(tx, changeCoAuthors ? draft.coAuthorEmails! : []);
      if (coAuthors.unknown.length) errors.coAuthorEmails = `No ShareBoard user has the email address ${coAuthors.unknown.join(", ")}: check it, or leave it out`;
      if (Object.keys(errors).length) throw new CaseRuleError(400, Object.values(errors)[0]!, errors);

      const before = draftOf(tx, kase);
      const at = stepTime(tx, kase.id);
      const updated = tx
        .update(businessCases)
        .set({ ...contentValues(draft), version: sql`${businessCases.version} + 1`, updatedAt: at })
        .where(and(eq(businessCases.id, kase.id), eq(businessCases.version, expectedVersion)))
        .returning()
        .get();
      if (!updated) throw new CaseRuleError(409, "This case changed since you opened it. Nothing was saved: reopen it to see the changes, then make yours again.");
      writeParts(tx, kase.id, draft);
      if (changeCoAuthors) setCoAuthors(tx, kase.id, kase.authorId, coAuthors.ids);
      audit(tx, actor, { action: "case.update", entityType: "business_case", entityId: reference, before: { ...before, version: kase.version }, after: { ...draftOf(tx, updated), version: updated.version, ...(changeCoAuthors ? { coAuthorIds: coAuthors.ids } : {}) } });
      if (submit) return applyTransition(tx, { actor, user, kase: updated, action: "submit", expectedVersion: updated.version });
      return { reference, state: updated.state, version: updated.version };
    }),
  );
}

/** The case's form values for its edit page, if this user may edit it now (else 404/403/409). */
export function getCaseForEdit({ user, reference, db = getDb() }: { user: CaseUser; reference: string; db?: DbOrTx }) {
  const kase = findCase(db, reference);
  if (!kase) throw notFound(reference);
  const refusal = editRefusal(db, kase, user, null);
  if (refusal) throw refusal;
  const draft = draftOf(db, kase);
  const coAuthorEmails = authorsOf(db, kase.id)
    .filter((a) => a.role === "co_author")
    .map((a) => a.email);
  return {
    reference: kase.reference,
    title: kase.title,
    state: kase.state,
    version: kase.version,
    isMainAuthor: kase.authorId === user.id,
    coAuthorEmails,
    draft,
    values: caseFormValues({ ...draft, coAuthorEmails }),
    missing: missingForSubmission(draft),
  };
}

/** What the case form offers: organisations (partners before practices), services and capabilities. */
export function caseFormOptions({ db = getDb() }: { db?: DbOrTx } = {}) {
  const orgs = db
    .select({ id: organisations.id, name: organisations.name, odsCode: organisations.odsCode, type: organisations.type })
    .from(organisations)
    .where(eq(organisations.status, "active"))
    .orderBy(sql`case when ${organisations.type} = 'gp_practice' then 1 else 0 end`, asc(organisations.name))
    .all();
  const serviceRows = db
    .select({ id: services.id, name: services.name, organisationName: organisations.name })
    .from(services)
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .orderBy(asc(organisations.name), asc(services.name))
    .all();
  const caps = db.select({ id: capabilities.id, name: capabilities.name }).from(capabilities).orderBy(asc(capabilities.id)).all();
  return { organisations: orgs, services: serviceRows, capabilities: caps };
}

// ---------------------------------------------------------------------------------------------
// One case, as its page shows it

function lookupsFor(db: DbOrTx, snapshots: Record<string, unknown>[]): SnapshotLookups {
  const orgIds = new Set<number>();
  const serviceIds = new Set<number>();
  const capIds = new Set<number>();
  for (const s of snapshots) {
    if (typeof s.sponsorOrganisationId === "number") orgIds.add(s.sponsorOrganisationId);
    for (const id of (s.partnerOrganisationIds as number[] | undefined) ?? []) orgIds.add(id);
    for (const d of (s.proposedDeployments as { serviceId: number; capabilityId: number }[] | undefined) ?? []) {
      serviceIds.add(d.serviceId);
      capIds.add(d.capabilityId);
    }
  }
  const orgs = orgIds.size ? db.select({ id: organisations.id, name: organisations.name }).from(organisations).where(inArray(organisations.id, [...orgIds])).all() : [];
  const svcs = serviceIds.size
    ? db.select({ id: services.id, name: services.name, org: organisations.name }).from(services).innerJoin(organisations, eq(organisations.id, services.organisationId)).where(inArray(services.id, [...serviceIds])).all()
    : [];
  const caps = capIds.size ? db.select({ id: capabilities.id, name: capabilities.name }).from(capabilities).where(inArray(capabilities.id, [...capIds])).all() : [];
  return {
    organisations: new Map(orgs.map((o) => [o.id, o.name])),
    services: new Map(svcs.map((s) => [s.id, `${s.name} (${s.org})`])),
    capabilities: new Map(caps.map((c) => [c.id, c.name])),
  };
}

/** Working days (Mon–Fri) from a date to a later one, in SQL: weekdays up to `to` minus weekdays up to `from`. */
function workingDaysSql(from: SQL, to: SQL): SQL<number> {
  const weekdaysUpTo = (date: SQL) => {
    // Julian day numbers count from a Monday, so (n % 7) is 0 on Mondays and 5, 6 at weekends.
    const n = sql`cast(julianday(${date}) + 0.5 as integer)`;
    return sql`(5 * (${n} / 7) + min(${n} % 7, 4) + 1)`;
  };
  return sql<number>`max(0, ${weekdaysUpTo(to)} - ${weekdaysUpTo(from)})`;
}

/** Everything the case page shows to this user, including only the steps they may take now. */
export function getCase({ user, reference, now = new Date(), db = getDb() }: { user: CaseUser; reference: string; now?: Date; db?: DbOrTx }) {
  const kase = findCase(db, reference);
  if (!kase) throw notFound(reference);
  const reportingDate = getReportingDate(db);
  const sla = getSettings(db).case_sla_working_days;
  const sponsor = kase.sponsorOrganisationId
    ? db.select({ id: organisations.id, name: organisations.name, odsCode: organisations.odsCode }).from(organisations).where(eq(organisations.id, kase.sponsorOrganisationId)).get() ?? null
    : null;
  const authors = authorsOf(db, kase.id);
  const isAuthor = authors.some((a) => a.userId === user.id);
  const partnerIds = partnerIdsOf(db, kase.id);
  const partners = partnerIds.length
    ? db.select({ id: organisations.id, name: organisations.name, odsCode: organisations.odsCode }).from(organisations).where(inArray(organisations.id, partnerIds)).orderBy(asc(organisations.name)).all()
    : [];

  const current = statusAsAt(db, reportingDate);
  const proposed = db
    .with(current)
    .select({
      id: businessCaseDeployments.id,
      serviceName: services.name,
      organisationName: organisations.name,
      capabilityName: capabilities.name,
      deploymentId: businessCaseDeployments.deploymentId,
      deploymentStatus: current.status,
      plannedGoLive: deployments.plannedGoLive,
    })
    .from(businessCaseDeployments)
    .innerJoin(services, eq(services.id, businessCaseDeployments.serviceId))
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .innerJoin(capabilities, eq(capabilities.id, businessCaseDeployments.capabilityId))
    .leftJoin(deployments, eq(deployments.id, businessCaseDeployments.deploymentId))
    .leftJoin(current, eq(current.deploymentId, businessCaseDeployments.deploymentId))
    .where(eq(businessCaseDeployments.caseId, kase.id))
    .orderBy(asc(businessCaseDeployments.id))
    .all();

  const transitionRows = db
    .select({
      id: businessCaseTransitions.id,
      fromState: businessCaseTransitions.fromState,
      toState: businessCaseTransitions.toState,
      at: businessCaseTransitions.at,
      actorName: users.name,
      note: businessCaseTransitions.note,
      igRecommendation: businessCaseTransitions.igRecommendation,
      rationale: businessCaseTransitions.rationale,
      meetingDate: businessCaseTransitions.meetingDate,
      meetingReference: businessCaseTransitions.meetingReference,
      interestDeclared: businessCaseTransitions.interestDeclared,
      caseVersion: businessCaseTransitions.caseVersion,
      snapshot: businessCaseTransitions.snapshot,
    })
    .from(businessCaseTransitions)
    .innerJoin(users, eq(users.id, businessCaseTransitions.actorId))
    .where(eq(businessCaseTransitions.caseId, kase.id))
    .orderBy(asc(businessCaseTransitions.at), asc(businessCaseTransitions.id))
    .all();

  const nowSnapshot = snapshotOf(db, kase, kase.state);
  const lookups = lookupsFor(db, [nowSnapshot, ...transitionRows.map((t) => t.snapshot ?? {})]);
  const transitions = transitionRows.map(({ snapshot, ...t }, i) => ({
    ...t,
    // What the authors changed before this step (e.g. a resubmission after changes were requested).
    changes: i > 0 && snapshot && transitionRows[i - 1]!.snapshot ? diffSnapshots(transitionRows[i - 1]!.snapshot!, snapshot, lookups) : ([] as SnapshotDifference[]),
  }));

  const lastReview = [...transitionRows].reverse().find((t) => REVIEW_STATES.includes(t.toState));
  const sinceReview = lastReview?.snapshot ? diffSnapshots(lastReview.snapshot, nowSnapshot, lookups) : [];

  const commentRows = db
    .select({ id: businessCaseComments.id, authorId: businessCaseComments.authorId, authorName: users.name, body: businessCaseComments.body, createdAt: businessCaseComments.createdAt, editedAt: businessCaseComments.editedAt, deletedAt: businessCaseComments.deletedAt })
    .from(businessCaseComments)
    .innerJoin(users, eq(users.id, businessCaseComments.authorId))
    .where(eq(businessCaseComments.caseId, kase.id))
    .orderBy(asc(businessCaseComments.createdAt), asc(businessCaseComments.id))
    .all();
  const comments = commentRows.map((c) => ({
    ...c,
    body: c.deletedAt ? "" : c.body,
    canChange: c.authorId === user.id && !c.deletedAt && withinCommentWindow(c.createdAt, now),
  }));

  const waiting = WAITING_STATES.includes(kase.state)
    ? (() => {
        const days = workingDaysBetween(kase.stateChangedAt.slice(0, 10), reportingDate);
        return { workingDays: days, sla, over: days > sla };
      })()
    : null;

  const draft = draftOf(db, kase);
  const editable = !editRefusal(db, kase, user, null);
  const deploymentsToCreate = proposed.filter((p) => p.deploymentId === null).length;
  return {
    reportingDate,
    kase: { ...contentOf(kase), id: kase.id, reference: kase.reference, state: kase.state, version: kase.version, stateChangedAt: kase.stateChangedAt, submittedAt: kase.submittedAt, decidedAt: kase.decidedAt, createdAt: kase.createdAt, updatedAt: kase.updatedAt },
    sponsor,
    authors,
    isAuthor,
    partners,
    proposed,
    transitions,
    changesSinceReview: lastReview && sinceReview.length ? { at: lastReview.at, toState: lastReview.toState, actorName: lastReview.actorName, differences: sinceReview } : null,
    comments,
    actions: availableActions(db, kase, user),
    canEdit: editable,
    missing: isAuthor && EDITABLE_STATES.includes(kase.state) ? missingForSubmission(draft) : ([] as MissingItem[]),
    waiting,
    deploymentsToCreate,
    canCreateDeployments: user.roles.includes("programme") && kase.state === "approved" && deploymentsToCreate > 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Comments: anyone signed in may comment; only the author may change or delete, within 10 minutes

function withinCommentWindow(createdAt: string, now: Date) {
  return now.getTime() - new Date(createdAt).getTime() <= COMMENT_EDIT_WINDOW_MS;
}

export function addComment({ actor, user, reference, body, now = new Date() }: { actor: Actor; user: CaseUser; reference: string; body: string; now?: Date }) {
  return transaction((tx) => {
    const kase = findCase(tx, reference);
    if (!kase) throw notFound(reference);
    const comment = tx.insert(businessCaseComments).values({ caseId: kase.id, authorId: user.id, body: body.trim(), createdAt: now.toISOString() }).returning().get();
    audit(tx, actor, { action: "case.comment.add", entityType: "business_case_comment", entityId: comment.id, after: { reference, body: comment.body } });
    return comment;
  });
}

function changeableComment(tx: Tx, user: CaseUser, reference: string, commentId: number, now: Date) {
  const kase = findCase(tx, reference);
  if (!kase) throw notFound(reference);
  const comment = tx.select().from(businessCaseComments).where(and(eq(businessCaseComments.id, commentId), eq(businessCaseComments.caseId, kase.id))).get();
  if (!comment || comment.deletedAt) throw new CaseRuleError(404, "There is no such comment on this case.");
  if (comment.authorId !== user.id) throw new CaseRuleError(403, "Only the person who wrote a comment can change or delete it.");
  if (!withinCommentWindow(comment.createdAt, now)) throw new CaseRuleError(403, "Comments can be changed or deleted only in the 10 minutes after they are posted: add a new comment instead.");
  return comment;
}

export function editComment({ actor, user, reference, commentId, body, now = new Date() }: { actor: Actor; user: CaseUser; reference: string; commentId: number; body: string; now?: Date }) {
  return withRefusalsAudited(actor, reference, "comment.edit", () =>
    transaction((tx) => {
      const comment = changeableComment(tx, user, reference, commentId, now);
      const updated = tx.update(businessCaseComments).set({ body: body.trim(), editedAt: now.toISOString() }).where(eq(businessCaseComments.id, comment.id)).returning().get();
      audit(tx, actor, { action: "case.comment.edit", entityType: "business_case_comment", entityId: comment.id, before: { body: comment.body }, after: { reference, body: updated.body } });
      return updated;
    }),
  );
}

export function deleteComment({ actor, user, reference, commentId, now = new Date() }: { actor: Actor; user: CaseUser; reference: string; commentId: number; now?: Date }) {
  return withRefusalsAudited(actor, reference, "comment.delete", () =>
    transaction((tx) => {
      const comment = changeableComment(tx, user, reference, commentId, now);
      // The text leaves the page; the audit log keeps what was deleted.
      tx.update(businessCaseComments).set({ body: "", deletedAt: now.toISOString() }).where(eq(businessCaseComments.id, comment.id)).run();
      audit(tx, actor, { action: "case.comment.delete", entityType: "business_case_comment", entityId: comment.id, before: { reference, body: comment.body } });
      return { id: comment.id };
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Approval → planned deployments

/**
 * For each service × capability an approved case proposed without a deployment, creates a
 * planned deployment (planned go-live = the case's target) with its first status event on the
 * reporting date, linking case and deployment both ways; a pair that already has a deployment is
 * linked to it instead. Programme role only; a second call creates nothing.
 */
export function createPlannedDeployments({ actor, user, reference }: { actor: Actor; user: CaseUser; reference: string }) {
  return withRefusalsAudited(actor, reference, "create_deployments", () =>
    transaction((tx) => {
      const kase = findCase(tx, reference);
      if (!kase) throw notFound(reference);
      if (!user.roles.includes("programme")) throw new CaseRuleError(403, "Only the programme team can create deployments from a case.");
      if (kase.state !== "approved") throw new CaseRuleError(409, `Deployments are created from an approved case; this one is ${stateName(kase.state)}.`);
      const reportingDate = getReportingDate(tx);
      const pending = proposedOf(tx, kase.id).filter((p) => p.deploymentId === null);
      let created = 0;
      let linked = 0;
      for (const p of pending) {
        const existing = tx.select().from(deployments).where(and(eq(deployments.serviceId, p.serviceId), eq(deployments.capabilityId, p.capabilityId))).get();
        let deploymentId: number;
        if (existing) {
          deploymentId = existing.id;
          if (existing.businessCaseId === null) tx.update(deployments).set({ businessCaseId: kase.id }).where(eq(deployments.id, existing.id)).run();
          linked++;
        } else {
          const deployment = tx
            .insert(deployments)
            .values({ serviceId: p.serviceId, capabilityId: p.capabilityId, status: "planned", plannedGoLive: kase.targetGoLive, businessCaseId: kase.id, notes: `Planned from business case ${kase.reference}.` })
            .returning()
            .get();
          const event = tx
            .insert(deploymentStatusEvents)
            .values({ deploymentId: deployment.id, status: "planned", effectiveOn: reportingDate, note: `Approved in business case ${kase.reference}.`, recordedBy: user.id })
            .returning()
            .get();
          refreshDeploymentStatusIntervals(tx, deployment.id);
          audit(tx, actor, { action: "deployment.create", entityType: "deployment", entityId: deployment.id, after: { ...deployment, firstEvent: event } });
          deploymentId = deployment.id;
          created++;
        }
        tx.update(businessCaseDeployments).set({ deploymentId }).where(eq(businessCaseDeployments.id, p.id)).run();
      }
      if (pending.length) audit(tx, actor, { action: "case.create_deployments", entityType: "business_case", entityId: reference, after: { created, linked } });
      return { created, linked };
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Lists

export type ListCasesArgs = {
  user: CaseUser;
  scope: CaseScope;
  state?: CaseState;
  sponsor?: number;
  q?: string;
  sort?: TableSort<CaseSort>;
  page?: number;
  /** null: every row (the CSV). */
  pageSize?: number | null;
  /** Waiting times are counted to this date; default the reporting date. */
  asAt?: string;
  db?: DbOrTx;
};

/**
 * Cases for a list: "mine" (authored or co-authored), "queue" (waiting for this user's review
 * role, less any they wrote) or "all". Every signed-in user may read every case. Each row says
 * how many working days it has waited in its state when a reviewer is due to act.
 */
export function listCases({ user, scope, state, sponsor, q, sort = { id: "since", desc: false }, page = 1, pageSize = 25, asAt, db = getDb() }: ListCasesArgs) {
  const date = asAt ?? getReportingDate(db);
  const sla = getSettings(db).case_sla_working_days;
  const authored = db.select({ id: businessCaseAuthors.caseId }).from(businessCaseAuthors).where(eq(businessCaseAuthors.userId, user.id));
  const conditions: SQL[] = [];
  if (scope === "mine") conditions.push(inArray(businessCases.id, authored));
  if (scope === "queue") {
    const states = queueStatesFor(user.roles);
    conditions.push(states.length ? inArray(businessCases.state, states) : sql`0`);
    conditions.push(notInArray(businessCases.id, authored));
  }
  if (state) conditions.push(eq(businessCases.state, state));
  if (sponsor) conditions.push(eq(businessCases.sponsorOrganisationId, sponsor));
  if (q) conditions.push(sql`(instr(lower(${businessCases.title}), lower(${q})) > 0 or instr(lower(${businessCases.reference}), lower(${q})) > 0)`);
  const where = conditions.length ? and(...conditions) : undefined;

  const waitingDays = workingDaysSql(sql`substr(${businessCases.stateChangedAt}, 1, 10)`, sql`${date}`);
  const isWaiting = inArray(businessCases.state, [...WAITING_STATES]);
  const orderColumn = {
    reference: businessCases.reference,
    title: sql`lower(${businessCases.title})`,
    sponsor: organisations.name,
    state: businessCases.state,
    since: businessCases.stateChangedAt,
  }[sort.id];

  const query = db
    .select({
      reference: businessCases.reference,
      title: businessCases.title,
      state: businessCases.state,
      sponsorName: organisations.name,
      authorName: users.name,
      stateChangedAt: businessCases.stateChangedAt,
      targetGoLive: businessCases.targetGoLive,
      waitingWorkingDays: sql<number | null>`case when ${isWaiting} then ${waitingDays} end`,
      overSla: sql<number>`case when ${isWaiting} and ${waitingDays} > ${sla} then 1 else 0 end`,
    })
    .from(businessCases)
    .leftJoin(organisations, eq(organisations.id, businessCases.sponsorOrganisationId))
    .innerJoin(users, eq(users.id, businessCases.authorId))
    .where(where)
    .orderBy(sort.desc ? desc(orderColumn) : asc(orderColumn), asc(businessCases.reference));
  const rows = (pageSize === null ? query.all() : query.limit(pageSize).offset(pageOffset(page, pageSize)).all()).map((r) => ({ ...r, overSla: r.overSla === 1 }));
  const total = db.select({ n: count() }).from(businessCases).where(where).get()?.n ?? 0;
  return { rows, total, sla, asAt: date };
}

/** Sponsoring organisations that have at least one case, for the list's filter. */
export function caseSponsors({ db = getDb() }: { db?: DbOrTx } = {}) {
  return db
    .selectDistinct({ id: organisations.id, name: organisations.name })
    .from(businessCases)
    .innerJoin(organisations, eq(organisations.id, businessCases.sponsorOrganisationId))
    .orderBy(asc(organisations.name))
    .all();
}

/**
 * What the case list shows one user: a page of the scope asked for, how many cases each of the
 * scopes offered holds, and the sponsor filter's options. "Mine" and "queue" depend on who asks
 * (their cases, their review roles), so it is kept per user until a table it read changes.
 */
export function casesRegister({
  user,
  scopes,
  db = getDb(),
  ...query
}: Omit<ListCasesArgs, "asAt" | "pageSize"> & { pageSize: number; scopes: readonly CaseScope[] }) {
  const key = { user: user.id, roles: [...user.roles].sort(), scopes, ...query };
  return memoiseByDataVersion("cases-register", key, db, () => {
    const result = listCases({ user, ...query, db });
    return {
      ...result,
      scopeTotals: scopes.map((scope) => ({ scope, total: scope === query.scope ? result.total : listCases({ user, scope, pageSize: 1, db }).total })),
      sponsors: caseSponsors({ db }),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// For the dashboard, exceptions, board pack and API

/** Each case's latest step on or before the end of `asAt`: its state then, and since when. */
function stateAsAt(db: DbOrTx, asAt: string) {
  const ranked = db
    .select({
      caseId: businessCaseTransitions.caseId,
      state: sql<CaseState>`${businessCaseTransitions.toState}`.as("case_state_as_at"),
      since: sql<string>`${businessCaseTransitions.at}`.as("case_state_since"),
      rank: sql<number>`row_number() over (partition by ${businessCaseTransitions.caseId} order by ${businessCaseTransitions.at} desc, ${businessCaseTransitions.id} desc)`.as("case_state_rank"),
    })
    .from(businessCaseTransitions)
    .where(sql`${businessCaseTransitions.at} <= ${`${asAt}T23:59:59.999Z`}`)
    .as("ranked_case_states");
  return db.$with("case_state_as_at").as(db.select({ caseId: ranked.caseId, state: ranked.state, since: ranked.since }).from(ranked).where(eq(ranked.rank, 1)));
}

/** How many cases were in each state at the end of `asAt` (default the reporting date). */
export function pipelineByState({ asAt, db = getDb(), ...filter }: { asAt?: string; db?: DbOrTx } & OrganisationFilter = {}) {
  const date = asAt ?? getReportingDate(db);
  const states = stateAsAt(db, date);
  const rows = db
    .with(states)
    .select({ state: states.state, n: count() })
    .from(states)
    .innerJoin(businessCases, eq(businessCases.id, states.caseId))
    .where(organisationInFilterSql(db, businessCases.sponsorOrganisationId, filter))
    .groupBy(sql`${states.state}`)
    .all();
  return Object.fromEntries(rows.map((r) => [r.state, r.n])) as Partial<Record<CaseState, number>>;
}

/** Cases that, at the end of `asAt`, had waited for a reviewer longer than the service level (working days). */
export function casesWaitingPastSla({ asAt, db = getDb() }: { asAt?: string; db?: DbOrTx } = {}) {
  const date = asAt ?? getReportingDate(db);
  const sla = getSettings(db).case_sla_working_days;
  const states = stateAsAt(db, date);
  const days = workingDaysSql(sql`substr(${states.since}, 1, 10)`, sql`${date}`);
  return db
    .with(states)
    .select({ reference: businessCases.reference, title: businessCases.title, state: states.state, since: sql<string>`substr(${states.since}, 1, 10)`, workingDays: days, sponsorName: organisations.name })
    .from(states)
    .innerJoin(businessCases, eq(businessCases.id, states.caseId))
    .leftJoin(organisations, eq(organisations.id, businessCases.sponsorOrganisationId))
    .where(and(inArray(states.state, [...WAITING_STATES]), sql`${days} > ${sla}`))
    .orderBy(asc(states.since))
    .all()
    .map((r) => ({ ...r, workingDays: Number(r.workingDays), sla }));
}

/**
 * The median number of calendar days from a case's first submission to the board's first final
 * decision (approved or rejected), over cases decided by the end of `asAt`.
 */
export function medianDaysToDecision({ asAt, db = getDb(), ...filter }: { asAt?: string; db?: DbOrTx } & OrganisationFilter = {}) {
  const date = asAt ?? getReportingDate(db);
  const end = `${date}T23:59:59.999Z`;
  const perCase = db
    .select({
      days: sql<number>`julianday(substr(min(case when ${businessCaseTransitions.toState} in ('approved', 'rejected') then ${businessCaseTransitions.at} end), 1, 10)) - julianday(substr(min(case when ${businessCaseTransitions.toState} = 'submitted' then ${businessCaseTransitions.at} end), 1, 10))`.as("days_to_decision"),
    })
    .from(businessCaseTransitions)
    .innerJoin(businessCases, eq(businessCases.id, businessCaseTransitions.caseId))
    .where(and(sql`${businessCaseTransitions.at} <= ${end}`, organisationInFilterSql(db, businessCases.sponsorOrganisationId, filter)))
    .groupBy(businessCaseTransitions.caseId)
    .as("per_case");
  const ordered = db
    .select({
      days: perCase.days,
      position: sql<number>`row_number() over (order by ${perCase.days})`.as("position"),
      total: sql<number>`count(*) over ()`.as("total"),
    })
    .from(perCase)
    .where(sql`${perCase.days} is not null`)
    .as("ordered");
  const row = db
    .select({ median: sql<number | null>`avg(${ordered.days})`, cases: sql<number>`max(${ordered.total})` })
    .from(ordered)
    .where(sql`${ordered.position} in ((${ordered.total} + 1) / 2, (${ordered.total} + 2) / 2)`)
    .get();
  return { medianDays: row?.median ?? null, cases: Number(row?.cases ?? 0) };
}

/** The board's decisions (approve, reject, defer) taken on dates from `from` to `to` inclusive, oldest first; kept until cases change. */
export function decisionsBetween({ from, to, db = getDb() }: { from: string; to: string; db?: DbOrTx }) {
  return memoiseByDataVersion("decisions-between", { from, to }, db, () => computeDecisionsBetween({ from, to, db }));
}

function computeDecisionsBetween({ from, to, db }: { from: string; to: string; db: DbOrTx }) {
  return db
    .select({
      reference: businessCases.reference,
      title: businessCases.title,
      decision: businessCaseTransitions.toState,
      at: businessCaseTransitions.at,
      rationale: businessCaseTransitions.rationale,
      meetingDate: businessCaseTransitions.meetingDate,
      meetingReference: businessCaseTransitions.meetingReference,
      interestDeclared: businessCaseTransitions.interestDeclared,
      decidedBy: users.name,
      sponsorName: organisations.name,
    })
    .from(businessCaseTransitions)
    .innerJoin(businessCases, eq(businessCases.id, businessCaseTransitions.caseId))
    .innerJoin(users, eq(users.id, businessCaseTransitions.actorId))
    .leftJoin(organisations, eq(organisations.id, businessCases.sponsorOrganisationId))
    .where(and(inArray(businessCaseTransitions.toState, [...DECISION_STATES]), sql`substr(${businessCaseTransitions.at}, 1, 10) between ${from} and ${to}`))
    .orderBy(asc(businessCaseTransitions.at), asc(businessCaseTransitions.id))
    .all();
}

export type CaseAsAtRow = {
  reference: string;
  title: string;
  state: CaseState;
  /** When the case entered that state (ISO timestamp). */
  stateSince: string;
  sponsorOdsCode: string | null;
  sponsorName: string | null;
  targetGoLive: string | null;
  /** Working days waited in the state by `asAt`, when a reviewer is due to act; else null. */
  waitingWorkingDays: number | null;
  overSla: boolean;
};

/**
 * Every case as it stood at the end of `asAt` (state and since when from its transitions; a case
 * with no step by then did not exist yet), for callers that are not a signed-in user (the read
 * API). No personal data: no author, reviewer or comment. Filtered and paged in SQL.
 */
export function listCasesAsAt({
  asAt,
  state,
  sponsorOdsCode,
  q,
  page = 1,
  pageSize = 100,
  db = getDb(),
}: {
  asAt: string;
  state?: CaseState | null;
  sponsorOdsCode?: string | null;
  q?: string | null;
  page?: number;
  pageSize?: number;
  db?: DbOrTx;
}): { rows: CaseAsAtRow[]; total: number; sla: number } {
  const sla = getSettings(db).case_sla_working_days;
  const states = stateAsAt(db, asAt);
  const conditions: SQL[] = [];
  if (state) conditions.push(eq(states.state, state));
  if (sponsorOdsCode) conditions.push(eq(organisations.odsCode, sponsorOdsCode));
  const text = q?.trim();
  if (text) conditions.push(sql`(instr(lower(${businessCases.title}), lower(${text})) > 0 or instr(lower(${businessCases.reference}), lower(${text})) > 0)`);
  const where = conditions.length ? and(...conditions) : undefined;
  const waitingDays = workingDaysSql(sql`substr(${states.since}, 1, 10)`, sql`${asAt}`);
  const isWaiting = inArray(states.state, [...WAITING_STATES]);
  const total =
    db
      .with(states)
      .select({ n: count() })
      .from(states)
      .innerJoin(businessCases, eq(businessCases.id, states.caseId))
      .leftJoin(organisations, eq(organisations.id, businessCases.sponsorOrganisationId))
      .where(where)
      .get()?.n ?? 0;
  const rows = db
    .with(states)
    .select({
      reference: businessCases.reference,
      title: businessCases.title,
      state: states.state,
      stateSince: states.since,
      sponsorOdsCode: organisations.odsCode,
      sponsorName: organisations.name,
      targetGoLive: businessCases.targetGoLive,
      waitingWorkingDays: sql<number | null>`case when ${isWaiting} then ${waitingDays} end`,
      overSla: sql<number>`case when ${isWaiting} and ${waitingDays} > ${sla} then 1 else 0 end`,
    })
    .from(states)
    .innerJoin(businessCases, eq(businessCases.id, states.caseId))
    .leftJoin(organisations, eq(organisations.id, businessCases.sponsorOrganisationId))
    .where(where)
    .orderBy(asc(businessCases.reference))
    .limit(pageSize)
    .offset(pageOffset(page, pageSize))
    .all()
    .map((r) => ({ ...r, waitingWorkingDays: r.waitingWorkingDays === null ? null : Number(r.waitingWorkingDays), overSla: Number(r.overSla) === 1 }));
  return { rows, total, sla };
}
