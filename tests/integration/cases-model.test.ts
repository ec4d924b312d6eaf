import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { workingDaysBetween, addDaysIso } from "~/lib/dates";
import {
  auditLog,
  businessCaseDeployments,
  businessCaseTransitions,
  businessCases,
  deploymentStatusEvents,
  deployments,
  organisations,
} from "../../db/schema";
import type { CaseState } from "../../db/schema/enums";
import {
  CaseRuleError,
  addComment,
  casesWaitingPastSla,
  countCasesByState,
  createCase,
  createPlannedDeployments,
  decisionsBetween,
  deleteComment,
  editComment,
  getCase,
  listCases,
  medianDaysToDecision,
  pipelineByState,
  transitionCase,
  updateCase,
} from "~/models/cases.server";
import { CASE_TRANSITIONS, type CaseAction, type CaseDraft } from "~/models/cases.schema";
import { createBusinessCase, createDeployment, createService, ensureCapabilities, type BusinessCaseValues } from "../../seeds/factories";
import { actorOf, caseContent, orgId, userOf } from "../helpers/fixtures";

const db = () => getDb();

const practitioner = () => userOf("practitioner@example.org"); // P92002
const practitioner2 = () => userOf("practitioner2@example.org");
const ig = () => userOf("ig@example.org");
const board = () => userOf("board@example.org"); // CCG 02H
const programme = () => userOf("programme@example.org");
const admin = () => userOf("admin@example.org");
const ccg = () => userOf("ccg@example.org");

const ALL_USERS = () => ({ practitioner: practitioner(), practitioner2: practitioner2(), ig: ig(), board: board(), programme: programme(), admin: admin(), ccg: ccg() });

const completeContent = () => caseContent();

function completeDraft(overrides: Partial<CaseDraft> = {}): CaseDraft {
  const { partnerOrganisationIds, ...content } = completeContent();
  return { ...(content as CaseDraft), partnerOrganisationIds: partnerOrganisationIds!, proposedDeployments: [], ...overrides };
}

/** A case in the given state, written by practitioner@example.org, with complete content. */
function caseIn(state: CaseState, values: Partial<BusinessCaseValues> = {}) {
  return createBusinessCase(db(), { ...completeContent(), authorId: practitioner().id, state, ...values });
}

function caseRow(reference: string) {
  return db().select().from(businessCases).where(eq(businessCases.reference, reference)).get()!;
}

function refusal(fn: () => unknown): CaseRuleError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CaseRuleError) return error;
    throw error;
  }
  throw new Error("expected a refusal, but the step was allowed");
}

const TEXT = { note: "A note.", igRecommendation: "Recommend approval.", rationale: "Clear benefit.", meetingDate: "2016-11-08", meetingReference: "IM&T board minute 2016/11/4" };

/** A live deployment linked to a case (so mark_implemented is allowed). */
function withLiveDeployment() {
  const caps = ensureCapabilities(db());
  const service = createService(db(), { organisationId: orgId("RY2") });
  const deployment = createDeployment(db(), { serviceId: service.id, capabilityId: caps.mig_view.id, events: [{ status: "planned", effectiveOn: "2016-06-01" }, { status: "live", effectiveOn: "2016-10-03" }] });
  return { deployments: [{ serviceId: service.id, capabilityId: caps.mig_view.id, deploymentId: deployment.id }] };
}

// Who may take each step (every other demo user is refused with 403).
const ALLOWED: Record<CaseAction, keyof ReturnType<typeof ALL_USERS>> = {
  submit: "practitioner",
  withdraw: "practitioner",
  start_review: "ig",
  request_changes: "ig",
  pass_to_board: "ig",
  approve: "board",
  reject: "board",
  defer: "board",
  return_to_board: "board",
  mark_implemented: "programme",
};

describe("the state machine", () => {
  for (const rule of CASE_TRANSITIONS) {
    for (const from of rule.from) {
      it(`lets ${ALLOWED[rule.action]} ${rule.action} a case that is ${from}, to ${rule.to}, keeping a snapshot`, () => {
        const kase = caseIn(from, rule.action === "mark_implemented" ? withLiveDeployment() : {});
        const user = ALL_USERS()[ALLOWED[rule.action]];
        const result = transitionCase({ actor: actorOf(user), user, reference: kase.reference, action: rule.action, expectedVersion: kase.version, ...TEXT });
        expect(result).toMatchObject({ state: rule.to, version: kase.version + 1 });
        const row = caseRow(kase.reference);
        expect(row.state).toBe(rule.to);
        expect(row.version).toBe(kase.version + 1);
        const t = db().select().from(businessCaseTransitions).where(eq(businessCaseTransitions.caseId, kase.id)).all().at(-1)!;
        expect(t).toMatchObject({ fromState: from, toState: rule.to, actorId: user.id, caseVersion: kase.version + 1 });
        expect(t.snapshot).toMatchObject({ reference: kase.reference, state: rule.to, title: "Test sharing proposal", partnerOrganisationIds: [orgId("P92002"), orgId("RY2")].sort((a, b) => a - b) });
        const audited = db().select().from(auditLog).where(and(eq(auditLog.action, `case.${rule.action}`), eq(auditLog.entityId, kase.reference))).all();
        expect(audited).toHaveLength(1);
      });
    }
  }

  for (const rule of CASE_TRANSITIONS) {
    it(`refuses ${rule.action} with 403 to every role but ${ALLOWED[rule.action]}, and audits each refusal`, () => {
      const kase = caseIn(rule.from[0]!, rule.action === "mark_implemented" ? withLiveDeployment() : {});
      for (const [who, user] of Object.entries(ALL_USERS())) {
        if (who === ALLOWED[rule.action]) continue;
        const error = refusal(() => transitionCase({ actor: actorOf(user), user, reference: kase.reference, action: rule.action, expectedVersion: kase.version, ...TEXT }));
        expect(error.status, `${who} ${rule.action}`).toBe(403);
      }
      expect(caseRow(kase.reference).state).toBe(rule.from[0]);
      const refusals = db().select().from(auditLog).where(and(eq(auditLog.action, "case.refused"), eq(auditLog.entityId, kase.reference))).all();
      expect(refusals.length).toBe(Object.keys(ALL_USERS()).length - 1);
    });
  }

  const WRONG_STATE: [CaseAction, CaseState][] = [
    ["approve", "submitted"],
    ["start_review", "draft"],
    ["submit", "approved"],
    ["withdraw", "approved"],
    ["request_changes", "board_review"],
    ["pass_to_board", "submitted"],
    ["return_to_board", "rejected"],
    ["mark_implemented", "board_review"],
    ["defer", "deferred"],
  ];
  for (const [action, state] of WRONG_STATE) {
    it(`refuses to ${action} a case that is ${state} with 409, saying why`, () => {
      const kase = caseIn(state);
      const user = ALL_USERS()[ALLOWED[action]];
      const error = refusal(() => transitionCase({ actor: actorOf(user), user, reference: kase.reference, action, expectedVersion: kase.version, ...TEXT }));
      expect(error.status).toBe(409);
      expect(error.message).toMatch(/^You cannot .* a case that is /);
      expect(caseRow(kase.reference)).toMatchObject({ state, version: kase.version });
    });
  }

  it("answers 404 for a case that does not exist", () => {
    const error = refusal(() => transitionCase({ actor: actorOf(ig()), user: ig(), reference: "BC-1999-999", action: "start_review", expectedVersion: 1 }));
    expect(error.status).toBe(404);
  });

  it("asks for the text each step needs: a note for changes, a recommendation, a rationale and a meeting", () => {
    const inReview = caseIn("ig_review");
    expect(refusal(() => transitionCase({ actor: actorOf(ig()), user: ig(), reference: inReview.reference, action: "request_changes", expectedVersion: 1, note: "  " })).fieldErrors).toEqual({ note: "Say what needs to change" });
    expect(refusal(() => transitionCase({ actor: actorOf(ig()), user: ig(), reference: inReview.reference, action: "pass_to_board", expectedVersion: 1 })).fieldErrors).toEqual({ igRecommendation: "Give the IG recommendation for the board" });
    const atBoard = caseIn("board_review");
    const error = refusal(() => transitionCase({ actor: actorOf(board()), user: board(), reference: atBoard.reference, action: "approve", expectedVersion: 1 }));
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toEqual({ rationale: "Give the board's rationale for the decision", meetingDate: "Give the board meeting date or the minute reference" });
    // A minute reference alone is enough.
    transitionCase({ actor: actorOf(board()), user: board(), reference: atBoard.reference, action: "approve", expectedVersion: 1, rationale: "Fine.", meetingReference: "Minute 2016/11/2" });
    const t = db().select().from(businessCaseTransitions).where(eq(businessCaseTransitions.caseId, atBoard.id)).get()!;
    expect(t).toMatchObject({ rationale: "Fine.", meetingReference: "Minute 2016/11/2", meetingDate: null });
  });

  it("refuses to submit an incomplete case, listing what is missing", () => {
    const kase = caseIn("draft", { summary: null, caldicott: { "1": "Justified." } });
    const error = refusal(() => transitionCase({ actor: actorOf(practitioner()), user: practitioner(), reference: kase.reference, action: "submit", expectedVersion: 1 }));
    expect(error.status).toBe(400);
    expect(error.fieldErrors.summary).toBe("Say what is proposed and why");
    expect(error.fieldErrors["caldicott-2"]).toBe("Confirm Caldicott principle 2 in a sentence");
    expect(error.fieldErrors["caldicott-1"]).toBeUndefined();
  });

  it("lets a co-author submit and withdraw, but not someone else at the same practice", () => {
    const kase = caseIn("draft", { coAuthorIds: [practitioner2().id] });
    transitionCase({ actor: actorOf(practitioner2()), user: practitioner2(), reference: kase.reference, action: "submit", expectedVersion: 1 });
    expect(caseRow(kase.reference).state).toBe("submitted");
    const other = caseIn("draft");
    expect(refusal(() => transitionCase({ actor: actorOf(practitioner2()), user: practitioner2(), reference: other.reference, action: "withdraw", expectedVersion: 1, note: "No." })).status).toBe(403);
  });

  it("refuses mark as implemented while a linked deployment is not live", () => {
    const caps = ensureCapabilities(db());
    const service = createService(db(), { organisationId: orgId("RY2") });
    const deployment = createDeployment(db(), { serviceId: service.id, capabilityId: caps.edt.id, events: [{ status: "in_progress", effectiveOn: "2016-09-01" }] });
    const kase = caseIn("approved", { deployments: [{ serviceId: service.id, capabilityId: caps.edt.id, deploymentId: deployment.id }] });
    const error = refusal(() => transitionCase({ actor: actorOf(programme()), user: programme(), reference: kase.reference, action: "mark_implemented", expectedVersion: 1 }));
    expect(error.status).toBe(409);
    expect(error.message).toBe("1 of this case's 1 deployments is not live yet as at the reporting date.");
    expect(getCase({ user: programme(), reference: kase.reference }).actions.map((a) => a.action)).toEqual([]);
  });
});

describe("nobody reviews or decides their own case", () => {
  it("refuses an IG lead who co-authored the case", () => {
    const kase = caseIn("submitted", { coAuthorIds: [ig().id] });
    const error = refusal(() => transitionCase({ actor: actorOf(ig()), user: ig(), reference: kase.reference, action: "start_review", expectedVersion: 1 }));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/You wrote this case, so you cannot review or decide it/);
  });

  it("refuses a board decision by the case's author, and offers them no decision", () => {
    const kase = createBusinessCase(db(), { ...completeContent(), authorId: board().id, state: "board_review" });
    for (const action of ["approve", "reject", "defer"] as const) {
      expect(refusal(() => transitionCase({ actor: actorOf(board()), user: board(), reference: kase.reference, action, expectedVersion: 1, ...TEXT })).status).toBe(403);
    }
    expect(getCase({ user: board(), reference: kase.reference }).actions.map((a) => a.action)).toEqual(["withdraw"]);
    expect(caseRow(kase.reference).state).toBe("board_review");
  });

  it("keeps a self-reviewing IG lead's case out of their queue", () => {
    const mine = caseIn("submitted", { coAuthorIds: [ig().id], title: "IG lead's own proposal" });
    const queue = listCases({ user: ig(), scope: "queue", pageSize: null });
    expect(queue.rows.map((r) => r.reference)).not.toContain(mine.reference);
  });
});

describe("declarations of interest", () => {
  it("requires a board member from the sponsoring organisation to declare an interest, and records it", () => {
    const kase = caseIn("board_review", { sponsorOrganisationId: orgId("02H") });
    const error = refusal(() => transitionCase({ actor: actorOf(board()), user: board(), reference: kase.reference, action: "approve", expectedVersion: 1, ...TEXT }));
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toEqual({ interestDeclared: "Your organisation sponsors this case: declare your interest before you decide" });
    expect(getCase({ user: board(), reference: kase.reference }).actions.find((a) => a.action === "approve")).toMatchObject({ interestRequired: true });

    transitionCase({ actor: actorOf(board()), user: board(), reference: kase.reference, action: "approve", expectedVersion: 1, ...TEXT, interestDeclared: "I work for the sponsoring CCG." });
    const t = db().select().from(businessCaseTransitions).where(eq(businessCaseTransitions.caseId, kase.id)).get()!;
    expect(t.interestDeclared).toBe("I work for the sponsoring CCG.");
    expect(getCase({ user: board(), reference: kase.reference }).transitions.at(-1)!.interestDeclared).toBe("I work for the sponsoring CCG.");
  });

  it("does not ask a board member from another organisation", () => {
    const kase = caseIn("board_review");
    transitionCase({ actor: actorOf(board()), user: board(), reference: kase.reference, action: "reject", expectedVersion: 1, ...TEXT });
    expect(caseRow(kase.reference).state).toBe("rejected");
  });
});

describe("optimistic concurrency", () => {
  it("lets exactly one of two decisions based on the same version win; the other is told nothing was saved", async () => {
    const kase = caseIn("board_review");
    const attempts = await Promise.allSettled(
      (["approve", "reject"] as const).map(async (action) => transitionCase({ actor: actorOf(board()), user: board(), reference: kase.reference, action, expectedVersion: 1, ...TEXT })),
    );
    const won = attempts.filter((a) => a.status === "fulfilled");
    const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(CaseRuleError);
    expect(lost[0]!.reason.status).toBe(409);
    expect(lost[0]!.reason.message).toMatch(/This case changed since you opened it.*Nothing was saved/);
    const decisions = db().select().from(businessCaseTransitions).where(eq(businessCaseTransitions.caseId, kase.id)).all();
    expect(decisions).toHaveLength(1);
    expect(caseRow(kase.reference).version).toBe(2);
  });

  it("refuses a step based on an old version even when the step is still allowed", () => {
    const kase = caseIn("draft");
    updateCase({ actor: actorOf(practitioner()), user: practitioner(), reference: kase.reference, expectedVersion: 1, draft: completeDraft({ title: "Renamed" }) });
    const error = refusal(() => transitionCase({ actor: actorOf(practitioner()), user: practitioner(), reference: kase.reference, action: "submit", expectedVersion: 1 }));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/^This case changed since you opened it \(it is now draft, version 2\)\. Nothing was saved/);
    expect(refusal(() => updateCase({ actor: actorOf(practitioner()), user: practitioner(), reference: kase.reference, expectedVersion: 1, draft: completeDraft({ title: "Stale" }) })).status).toBe(409);
    expect(caseRow(kase.reference).title).toBe("Renamed");
  });
});

describe("drafting, editing and snapshots", () => {
  it("saves an incomplete draft, numbers it, and records its creation", () => {
    const user = practitioner();
    const result = createCase({ actor: actorOf(user), user, draft: { ...completeDraft(), summary: null, risks: null, caldicott: null, title: "Half-written idea" } });
    expect(result.reference).toMatch(/^BC-2016-\d{3}$/);
    expect(result.reference > "BC-2016-010").toBe(true);
    const page = getCase({ user, reference: result.reference });
    expect(page.kase).toMatchObject({ state: "draft", version: 1, title: "Half-written idea" });
    expect(page.transitions).toHaveLength(1);
    expect(page.transitions[0]).toMatchObject({ fromState: null, toState: "draft", caseVersion: 1 });
    expect(page.transitions[0]!.at.slice(0, 10)).toBe("2016-10-31");
    expect(page.missing.map((m) => m.field)).toEqual(["summary", "risk-1-description", ...["1", "2", "3", "4", "5", "6", "7", "8"].map((k) => `caldicott-${k}`)]);
    expect(page.actions.map((a) => a.action)).toEqual(["withdraw"]);
    expect(page.canEdit).toBe(true);
  });

  it("refuses edits by anyone but the authors, and after submission", () => {
    const kase = caseIn("draft");
    expect(refusal(() => updateCase({ actor: actorOf(ig()), user: ig(), reference: kase.reference, expectedVersion: 1, draft: completeDraft() })).status).toBe(403);
    const submitted = caseIn("submitted");
    const error = refusal(() => updateCase({ actor: actorOf(practitioner()), user: practitioner(), reference: submitted.reference, expectedVersion: 1, draft: completeDraft() }));
    expect(error.status).toBe(409);
    expect(error.message).toBe("This case is submitted: it can be changed only while it is a draft or after changes are requested.");
  });

  it("keeps each step's snapshot as the case was, and shows what changed since changes were requested", () => {
    const author = practitioner();
    const created = createCase({ actor: actorOf(author), user: author, draft: completeDraft({ dataItems: "The full GP record." }), submit: true });
    expect(created).toMatchObject({ state: "submitted", version: 2 });
    const ref = created.reference;
    transitionCase({ actor: actorOf(ig()), user: ig(), reference: ref, action: "start_review", expectedVersion: 2 });
    transitionCase({ actor: actorOf(ig()), user: ig(), reference: ref, action: "request_changes", expectedVersion: 3, note: "Share less." });
    updateCase({ actor: actorOf(author), user: author, reference: ref, expectedVersion: 4, draft: completeDraft({ dataItems: "Medications and allergies only.", partnerOrganisationIds: [orgId("P92002")] }) });

    const during = getCase({ user: ig(), reference: ref });
    expect(during.changesSinceReview?.toState).toBe("changes_requested");
    expect(during.changesSinceReview?.differences).toEqual([
      { field: "dataItems", label: "Data items", before: "The full GP record.", after: "Medications and allergies only." },
      { field: "partnerOrganisationIds", label: "Partner organisations", before: expect.stringContaining("Bridgewater Community Healthcare NHS Foundation Trust"), after: expect.not.stringContaining("Bridgewater") },
    ]);

    const resubmitted = transitionCase({ actor: actorOf(author), user: author, reference: ref, action: "submit", expectedVersion: 5 });
    expect(resubmitted.version).toBe(6);
    const rows = db().select().from(businessCaseTransitions).where(eq(businessCaseTransitions.caseId, created.reference ? caseRow(ref).id : 0)).orderBy(businessCaseTransitions.id).all();
    expect(rows.map((r) => [r.fromState, r.toState, r.caseVersion])).toEqual([
      [null, "draft", 1],
      ["draft", "submitted", 2],
      ["submitted", "ig_review", 3],
      ["ig_review", "changes_requested", 4],
      ["changes_requested", "submitted", 6],
    ]);
    // The first submission's snapshot still says what was first submitted.
    expect(rows[1]!.snapshot).toMatchObject({ dataItems: "The full GP record.", state: "submitted" });
    expect(rows[4]!.snapshot).toMatchObject({ dataItems: "Medications and allergies only.", state: "submitted", partnerOrganisationIds: [orgId("P92002")] });
    expect(Object.keys(rows[4]!.snapshot!).sort()).toEqual(
      ["reference", "state", "partnerOrganisationIds", "proposedDeployments", "title", "summary", "sponsorOrganisationId", "purpose", "direction", "systems", "dataItems", "benefit", "clinicianInvolvement", "publicInvolvement", "article6Basis", "article9Condition", "commonLawBasis", "consentModel", "dpiaNeeded", "dpiaStatus", "risks", "caldicott", "targetGoLive"].sort(),
    );
    const page = getCase({ user: ig(), reference: ref });
    expect(page.transitions.at(-1)!.changes.map((c) => c.field)).toEqual(["dataItems", "partnerOrganisationIds"]);
  });

  it("lets the author add co-authors by email, and refuses an unknown one", () => {
    const author = practitioner();
    const result = createCase({ actor: actorOf(author), user: author, draft: completeDraft({ coAuthorEmails: ["practitioner2@example.org"] }) });
    expect(getCase({ user: author, reference: result.reference }).authors.map((a) => [a.email, a.role])).toEqual([
      ["practitioner@example.org", "author"],
      ["practitioner2@example.org", "co_author"],
    ]);
    const error = refusal(() => updateCase({ actor: actorOf(author), user: author, reference: result.reference, expectedVersion: 1, draft: completeDraft({ coAuthorEmails: ["nobody@example.org"] }) }));
    expect(error.fieldErrors.coAuthorEmails).toMatch(/No ShareBoard user has the email address nobody@example.org/);
  });
});

describe("comments", () => {
  const t0 = new Date("2030-01-01T10:00:00Z");
  const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);

  it("lets anyone signed in comment; the author alone may edit or delete within 10 minutes; all audited", () => {
    const kase = caseIn("submitted");
    const comment = addComment({ actor: actorOf(ccg()), user: ccg(), reference: kase.reference, body: "Is the indemnity in place?", now: t0 });
    expect(refusal(() => editComment({ actor: actorOf(ig()), user: ig(), reference: kase.reference, commentId: comment.id, body: "Hijacked", now: minutes(1) })).status).toBe(403);
    editComment({ actor: actorOf(ccg()), user: ccg(), reference: kase.reference, commentId: comment.id, body: "Is indemnity cover in place?", now: minutes(9) });
    const later = refusal(() => editComment({ actor: actorOf(ccg()), user: ccg(), reference: kase.reference, commentId: comment.id, body: "Too late", now: minutes(11) }));
    expect(later.status).toBe(403);
    expect(later.message).toMatch(/only in the 10 minutes after they are posted/);
    expect(refusal(() => deleteComment({ actor: actorOf(ccg()), user: ccg(), reference: kase.reference, commentId: comment.id, now: minutes(10.5) })).status).toBe(403);

    const page = getCase({ user: ccg(), reference: kase.reference, now: minutes(11) });
    expect(page.comments).toEqual([expect.objectContaining({ body: "Is indemnity cover in place?", canChange: false, editedAt: minutes(9).toISOString() })]);

    const second = addComment({ actor: actorOf(ccg()), user: ccg(), reference: kase.reference, body: "Posted in error", now: minutes(20) });
    expect(getCase({ user: ccg(), reference: kase.reference, now: minutes(25) }).comments[1]!.canChange).toBe(true);
    deleteComment({ actor: actorOf(ccg()), user: ccg(), reference: kase.reference, commentId: second.id, now: minutes(25) });
    expect(getCase({ user: ccg(), reference: kase.reference, now: minutes(25) }).comments[1]).toMatchObject({ body: "", deletedAt: minutes(25).toISOString() });
    const actions = db().select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.entityType, "business_case_comment")).all().map((r) => r.action);
    expect(actions).toEqual(["case.comment.add", "case.comment.edit", "case.comment.add", "case.comment.delete"]);
  });
});

describe("planned deployments from an approved case", () => {
  it("creates a planned deployment per proposed service and capability, linked both ways, once", () => {
    const caps = ensureCapabilities(db());
    const service = createService(db(), { organisationId: orgId("RY2"), name: "Test falls service" });
    const existingService = createService(db(), { organisationId: orgId("RY2"), name: "Test wound clinic" });
    const existing = createDeployment(db(), { serviceId: existingService.id, capabilityId: caps.mig_view.id, events: [{ status: "live", effectiveOn: "2016-02-01" }] });
    const kase = caseIn("approved", {
      targetGoLive: "2017-02-06",
      deployments: [
        { serviceId: service.id, capabilityId: caps.mig_view.id },
        { serviceId: service.id, capabilityId: caps.edt.id },
        { serviceId: existingService.id, capabilityId: caps.mig_view.id },
      ],
    });
    expect(refusal(() => createPlannedDeployments({ actor: actorOf(board()), user: board(), reference: kase.reference })).status).toBe(403);
    expect(getCase({ user: programme(), reference: kase.reference }).canCreateDeployments).toBe(true);

    expect(createPlannedDeployments({ actor: actorOf(programme()), user: programme(), reference: kase.reference })).toEqual({ created: 2, linked: 1 });
    const made = db().select().from(deployments).where(eq(deployments.serviceId, service.id)).all();
    expect(made.map((d) => [d.status, d.plannedGoLive, d.businessCaseId])).toEqual([
      ["planned", "2017-02-06", kase.id],
      ["planned", "2017-02-06", kase.id],
    ]);
    const events = db().select().from(deploymentStatusEvents).where(eq(deploymentStatusEvents.deploymentId, made[0]!.id)).all();
    expect(events.map((e) => [e.status, e.effectiveOn, e.recordedBy])).toEqual([["planned", "2016-10-31", programme().id]]);
    const links = db().select().from(businessCaseDeployments).where(eq(businessCaseDeployments.caseId, kase.id)).all();
    expect(links.map((l) => l.deploymentId)).toEqual([made[0]!.id, made[1]!.id, existing.id]);
    expect(db().select().from(deployments).where(eq(deployments.id, existing.id)).get()!.businessCaseId).toBe(kase.id);

    expect(createPlannedDeployments({ actor: actorOf(programme()), user: programme(), reference: kase.reference })).toEqual({ created: 0, linked: 0 });
    expect(db().select().from(deployments).where(eq(deployments.serviceId, service.id)).all()).toHaveLength(2);
    expect(getCase({ user: programme(), reference: kase.reference }).canCreateDeployments).toBe(false);
    expect(db().select().from(auditLog).where(eq(auditLog.action, "deployment.create")).all().length).toBeGreaterThanOrEqual(2);
  });

  it("refuses a case that is not approved", () => {
    const kase = caseIn("board_review");
    expect(refusal(() => createPlannedDeployments({ actor: actorOf(programme()), user: programme(), reference: kase.reference })).status).toBe(409);
  });
});

describe("lists and figures for the dashboard", () => {
  it("counts working days in SQL exactly as the date library does", () => {
    const kase = caseIn("submitted");
    const ig_ = ig();
    for (let offset = 0; offset < 30; offset++) {
      const since = addDaysIso("2016-09-01", offset);
      db().update(businessCases).set({ stateChangedAt: `${since}T10:00:00.000Z` }).where(eq(businessCases.id, kase.id)).run();
      const row = listCases({ user: ig_, scope: "queue", q: kase.reference, pageSize: null }).rows[0]!;
      expect(row.waitingWorkingDays, since).toBe(workingDaysBetween(since, "2016-10-31"));
    }
  });

  it("shows the IG queue oldest first with the seeded case over the service level", () => {
    const queue = listCases({ user: ig(), scope: "queue", state: "ig_review", pageSize: null });
    const bc7 = queue.rows.find((r) => r.reference === "BC-2016-007")!;
    expect(bc7).toMatchObject({ state: "ig_review", overSla: true, waitingWorkingDays: workingDaysBetween("2016-09-12", "2016-10-31") });
    expect(queue.sla).toBe(20);
  });

  it("lists my cases, filters by sponsor and search, and pages", () => {
    const mine = listCases({ user: userOf("practitioner2@example.org"), scope: "mine", pageSize: null });
    expect(mine.rows.map((r) => r.reference)).toEqual(expect.arrayContaining(["BC-2016-001", "BC-2016-005", "BC-2016-006", "BC-2016-008"]));
    expect(mine.rows.map((r) => r.reference)).not.toContain("BC-2016-002");
    const search = listCases({ user: board(), scope: "all", q: "care home", pageSize: null });
    expect(search.rows.map((r) => r.reference)).toEqual(["BC-2016-002"]);
    const bySponsor = listCases({ user: board(), scope: "all", sponsor: orgId("RY2"), pageSize: null });
    expect(bySponsor.rows.every((r) => r.sponsorName === "Bridgewater Community Healthcare NHS Foundation Trust")).toBe(true);
    const page2 = listCases({ user: board(), scope: "all", sort: { id: "reference", desc: false }, page: 2, pageSize: 3 });
    expect(page2.rows.map((r) => r.reference)).toEqual(["BC-2016-004", "BC-2016-005", "BC-2016-006"]);
    expect(page2.total).toBeGreaterThanOrEqual(10);
  });

  it("computes the pipeline as at a date from the history", () => {
    expect(pipelineByState({ asAt: "2016-10-30" })).toMatchObject({ board_review: 1, ig_review: 1 });
    const june = pipelineByState({ asAt: "2016-06-30" });
    // On 30 June 2016 BC-2016-003 was at board review and BC-2016-001 approved; BC-2016-002 did not exist.
    expect(june.approved).toBe(1);
    expect(june.board_review).toBe(1);
    // Every seeded case existed by 30 October; none of the cases made here (dated 31 October) did.
    expect(Object.values(pipelineByState({ asAt: "2016-10-30" })).reduce((a, b) => a + b, 0)).toBe(10);
    expect(countCasesByState().draft).toBeGreaterThanOrEqual(1);
  });

  it("finds cases waiting past the service level as at a date, and decisions between dates", () => {
    const waiting = casesWaitingPastSla({ asAt: "2016-10-31" });
    expect(waiting.map((w) => w.reference)).toEqual(expect.arrayContaining(["BC-2016-008", "BC-2016-007"]));
    expect(waiting.find((w) => w.reference === "BC-2016-007")).toMatchObject({ state: "ig_review", since: "2016-09-12", sla: 20 });
    expect(casesWaitingPastSla({ asAt: "2016-09-20" }).map((w) => w.reference)).not.toContain("BC-2016-007");

    const october = decisionsBetween({ from: "2016-10-01", to: "2016-10-31" });
    expect(october.map((d) => [d.reference, d.decision, d.meetingReference])).toContainEqual(["BC-2016-002", "approved", "IM&T board minute 2016/10/4"]);
    expect(decisionsBetween({ from: "2016-06-01", to: "2016-07-31" }).map((d) => d.reference)).toEqual(["BC-2016-001", "BC-2016-003"]);
  });

  it("gives the median days from first submission to a final decision", () => {
    // BC-2016-001: 18 Apr → 14 Jun (57 days); BC-2016-003: 3 May → 12 Jul (70); BC-2016-002: 1 Aug → 11 Oct (71).
    expect(medianDaysToDecision({ asAt: "2016-07-31" })).toEqual({ medianDays: 63.5, cases: 2 });
    expect(medianDaysToDecision({ asAt: "2016-10-31" }).medianDays).toBeGreaterThanOrEqual(70);
  });
});
