import { beforeAll, describe, expect, it } from "vitest";
import { count, eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { businessCaseComments, businessCases, deployments, organisations } from "../../db/schema";
import type { CaseState } from "../../db/schema/enums";
import { loader as listLoader } from "~/routes/cases._index";
import { loader as csvLoader } from "~/routes/cases[.]csv";
import { action as newAction, loader as newLoader } from "~/routes/cases.new";
import { action as caseAction, loader as caseLoader } from "~/routes/cases.$reference._index";
import { loader as taskListLoader } from "~/routes/cases.$reference.edit._index";
import { action as sectionAction, loader as sectionLoader } from "~/routes/cases.$reference.edit.$section";
import { action as checkAction, loader as checkLoader } from "~/routes/cases.$reference.edit.check-answers";
import { CASE_TRANSITIONS, caseFormValues, type CaseAction, type CaseDraft } from "~/models/cases.schema";
import { createBusinessCase, type BusinessCaseValues } from "../../seeds/factories";
import { dataOf, getRequest, postRequest, settle, statusOf } from "../helpers/requests";
import { caseContent, orgId, signInEach, userIdOf } from "../helpers/fixtures";

const db = () => getDb();

const EMAILS = {
  practitioner: "practitioner@example.org",
  practitioner2: "practitioner2@example.org",
  ig: "ig@example.org",
  board: "board@example.org",
  programme: "programme@example.org",
  admin: "admin@example.org",
  ccg: "ccg@example.org",
} as const;
type Who = keyof typeof EMAILS;
const cookies = {} as Record<Who, string>;

beforeAll(async () => {
  Object.assign(cookies, await signInEach(EMAILS));
});

const complete = () =>
  caseContent({
    title: "Route test proposal",
    summary: "Share the record.",
    dataItems: "Medications.",
    dpiaNeeded: false,
    dpiaStatus: "not_required",
    risks: [{ description: "Misuse", likelihood: 1, impact: 3, mitigation: "Audit" }],
    targetGoLive: "2017-03-01",
    partnerOrganisationIds: [orgId("P92002")],
  });
const caseIn = (state: CaseState, values: Partial<BusinessCaseValues> = {}) => createBusinessCase(db(), { ...complete(), authorId: userIdOf(EMAILS.practitioner), state, ...values });
const stateOf = (reference: string) => db().select({ state: businessCases.state, version: businessCases.version }).from(businessCases).where(eq(businessCases.reference, reference)).get()!;

function post(path: string, reference: string, fields: Record<string, string | string[]>, who: Who) {
  return settle(() => caseAction({ request: postRequest(path, fields, cookies[who]), params: { reference }, context: {} }));
}
const step = (reference: string, action: CaseAction, version: number, who: Who, extra: Record<string, string> = {}) =>
  post(`/cases/${reference}`, reference, { intent: "transition", action, version: String(version), note: "A note.", igRecommendation: "Recommend approval.", rationale: "Benefit.", meetingDate: "2016-11-08", ...extra }, who);

const ALLOWED: Record<CaseAction, Who> = {
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

describe("POST /cases/:reference: every step by every role", () => {
  for (const rule of CASE_TRANSITIONS.filter((r) => r.action !== "mark_implemented")) {
    it(`${rule.action}: refused (403) for everyone but ${ALLOWED[rule.action]}, who is redirected with a message`, async () => {
      const kase = caseIn(rule.from[0]!);
      for (const who of Object.keys(EMAILS) as Who[]) {
        if (who === ALLOWED[rule.action]) continue;
        const result = await step(kase.reference, rule.action, kase.version, who);
        expect(statusOf(result), `${who}`).toBe(403);
        expect(dataOf<{ refusal: string }>(result).refusal).toBeTruthy();
      }
      expect(stateOf(kase.reference).state).toBe(rule.from[0]);
      const ok = (await step(kase.reference, rule.action, kase.version, ALLOWED[rule.action])) as Response;
      expect(ok.status).toBe(302);
      expect(ok.headers.get("Location")).toBe(`/cases/${kase.reference}`);
      expect(stateOf(kase.reference).state).toBe(rule.to);
    });
  }

  it("mark as implemented: offered and allowed to the programme team only once the deployments are live", async () => {
    const seeded = (await settle(() => caseLoader({ request: getRequest("/cases/BC-2016-002", cookies.programme), params: { reference: "BC-2016-002" }, context: {} }))) as { actions: { action: string }[] };
    expect(seeded.actions.map((a) => a.action)).toEqual([]);
    const refused = await step("BC-2016-002", "mark_implemented", 8, "programme");
    expect(statusOf(refused)).toBe(409);
    expect(dataOf<{ refusal: string }>(refused).refusal).toMatch(/No deployments are linked to this case yet/);
    for (const who of ["board", "ig", "practitioner"] as Who[]) expect(statusOf(await step("BC-2016-002", "mark_implemented", 8, who))).toBe(403);

    // BC-2016-001's deployment went live on 10 October 2016: a copy of it, approved, can be marked implemented.
    const live = db().select({ serviceId: deployments.serviceId, capabilityId: deployments.capabilityId, id: deployments.id }).from(deployments).where(eq(deployments.status, "live")).limit(1).get()!;
    const kase = caseIn("approved", { deployments: [{ serviceId: live.serviceId, capabilityId: live.capabilityId, deploymentId: live.id }] });
    for (const who of ["board", "ig", "practitioner", "admin", "ccg"] as Who[]) expect(statusOf(await step(kase.reference, "mark_implemented", 1, who))).toBe(403);
    expect(statusOf(await step(kase.reference, "mark_implemented", 1, "programme"))).toBe(302);
    expect(stateOf(kase.reference).state).toBe("implemented");
  });

  it("refuses a step from the wrong state with 409 and the reason", async () => {
    const kase = caseIn("submitted");
    const result = await step(kase.reference, "approve", kase.version, "board");
    expect(statusOf(result)).toBe(409);
    expect(dataOf<{ refusal: string }>(result).refusal).toBe("You cannot approve a case that is submitted: only one that is board review.");
  });

  it("returns 400 with the field to fix when a step lacks its note, and keeps what was typed", async () => {
    const kase = caseIn("ig_review");
    const result = await post(`/cases/${kase.reference}`, kase.reference, { intent: "transition", action: "request_changes", version: "1", note: "" }, "ig");
    expect(statusOf(result)).toBe(400);
    expect(dataOf<{ errors: Record<string, string> }>(result).errors).toEqual({ "request_changes-note": "Say what needs to change" });
  });

  it("asks a board member from the sponsoring organisation to declare an interest", async () => {
    const kase = caseIn("board_review", { sponsorOrganisationId: orgId("02H") });
    const result = await step(kase.reference, "approve", 1, "board");
    expect(statusOf(result)).toBe(400);
    expect(dataOf<{ errors: Record<string, string> }>(result).errors["decision-interestDeclared"]).toMatch(/declare your interest/);
    expect(statusOf(await step(kase.reference, "approve", 1, "board", { interestDeclared: "I am employed by the CCG." }))).toBe(302);
  });

  it("of two decisions posted at once on the same version, exactly one wins; the other gets 409", async () => {
    const kase = caseIn("board_review");
    const results = await Promise.all([step(kase.reference, "approve", 1, "board"), step(kase.reference, "defer", 1, "board")]);
    expect(results.map(statusOf).sort()).toEqual([302, 409]);
    const lost = results.find((r) => statusOf(r) === 409);
    expect(dataOf<{ refusal: string }>(lost).refusal).toMatch(/This case changed since you opened it.*Nothing was saved/);
    expect(stateOf(kase.reference).version).toBe(2);
  });

  it("creates planned deployments for the programme team only", async () => {
    for (const who of ["board", "ig", "practitioner", "admin"] as Who[]) {
      expect(statusOf(await post("/cases/BC-2016-002", "BC-2016-002", { intent: "create-deployments" }, who))).toBe(403);
    }
    const ok = (await post("/cases/BC-2016-002", "BC-2016-002", { intent: "create-deployments" }, "programme")) as Response;
    expect(ok.status).toBe(302);
    const page = (await settle(() => caseLoader({ request: getRequest("/cases/BC-2016-002", cookies.programme), params: { reference: "BC-2016-002" }, context: {} }))) as { proposed: { deploymentStatus: string }[]; canCreateDeployments: boolean };
    expect(page.proposed.map((p) => p.deploymentStatus)).toEqual(["planned"]);
    expect(page.canCreateDeployments).toBe(false);
  });
});

describe("GET /cases/:reference", () => {
  it("shows any signed-in user the case, its timeline and only the steps they may take", async () => {
    const asIg = (await settle(() => caseLoader({ request: getRequest("/cases/BC-2016-009", cookies.ig), params: { reference: "BC-2016-009" }, context: {} }))) as { actions: { action: string }[]; transitions: unknown[] };
    expect(asIg.actions.map((a) => a.action)).toEqual(["start_review"]);
    const asAuthor = (await settle(() => caseLoader({ request: getRequest("/cases/BC-2016-009", cookies.practitioner), params: { reference: "BC-2016-009" }, context: {} }))) as { actions: { action: string }[] };
    expect(asAuthor.actions.map((a) => a.action)).toEqual(["withdraw"]);
    const asCcg = (await settle(() => caseLoader({ request: getRequest("/cases/BC-2016-009", cookies.ccg), params: { reference: "BC-2016-009" }, context: {} }))) as { actions: unknown[]; transitions: unknown[] };
    expect(asCcg.actions).toEqual([]);
    expect(asCcg.transitions).toHaveLength(2);
  });

  it("answers 404 for an unknown case and sends a signed-out visitor to sign in", async () => {
    const missing = await settle(() => caseLoader({ request: getRequest("/cases/BC-1999-001", cookies.ig), params: { reference: "BC-1999-001" }, context: {} }));
    expect(statusOf(missing)).toBe(404);
    expect(statusOf(await step("BC-1999-001", "approve", 1, "board"))).toBe(404);
    const anonymous = (await settle(() => caseLoader({ request: getRequest("/cases/BC-2016-001"), params: { reference: "BC-2016-001" }, context: {} }))) as Response;
    expect(anonymous.headers.get("Location")).toBe("/login?redirectTo=%2Fcases%2FBC-2016-001");
  });
});

describe("comments through the case page", () => {
  it("adds a comment; only its author may change it, and only for 10 minutes", async () => {
    const kase = caseIn("submitted");
    expect(statusOf(await post(`/cases/${kase.reference}`, kase.reference, { intent: "comment", body: "" }, "ccg"))).toBe(400);
    expect(statusOf(await post(`/cases/${kase.reference}`, kase.reference, { intent: "comment", body: "Is cover in place?" }, "ccg"))).toBe(302);
    const comment = db().select().from(businessCaseComments).where(eq(businessCaseComments.caseId, kase.id)).get()!;
    const edit = (who: Who, body: string) => post(`/cases/${kase.reference}`, kase.reference, { intent: "edit-comment", commentId: String(comment.id), body }, who);
    expect(statusOf(await edit("ig", "Changed by someone else"))).toBe(403);
    expect(statusOf(await edit("ccg", "Is indemnity cover in place?"))).toBe(302);
    // Eleven minutes later (the sign-in session would not survive faked clocks, so the comment is aged instead).
    db().update(businessCaseComments).set({ createdAt: new Date(Date.now() - 11 * 60_000).toISOString() }).where(eq(businessCaseComments.id, comment.id)).run();
    const late = await edit("ccg", "Too late");
    expect(statusOf(late)).toBe(403);
    expect(dataOf<{ refusal: string }>(late).refusal).toMatch(/10 minutes/);
    expect(statusOf(await post(`/cases/${kase.reference}`, kase.reference, { intent: "delete-comment", commentId: String(comment.id) }, "ccg"))).toBe(403);
    expect(db().select().from(businessCaseComments).where(eq(businessCaseComments.id, comment.id)).get()!.body).toBe("Is indemnity cover in place?");
  });
});

describe("/cases/new and the case's task list, sections and check your answers", () => {
  const caseCount = () => db().select({ n: count() }).from(businessCases).get()!.n;
  const postNew = (fields: Record<string, string | string[]>, who: Who = "practitioner") => settle(() => newAction({ request: postRequest("/cases/new", fields, cookies[who]), params: {}, context: {} }));
  const postSection = (reference: string, section: string, fields: Record<string, string | string[]>, who: Who = "practitioner") =>
    settle(() => sectionAction({ request: postRequest(`/cases/${reference}/edit/${section}`, fields, cookies[who]), params: { reference, section }, context: {} }));
  const getSection = (reference: string, section: string, who: Who = "practitioner") =>
    settle(() => sectionLoader({ request: getRequest(`/cases/${reference}/edit/${section}`, cookies[who]), params: { reference, section }, context: {} }));
  type TaskList = { kase: { sections: { slug: string; status: string }[]; completed: number; existing: { deploymentId: number }[] } };
  const taskList = async (reference: string, who: Who = "practitioner") =>
    (await settle(() => taskListLoader({ request: getRequest(`/cases/${reference}/edit`, cookies[who]), params: { reference }, context: {} }))) as TaskList;
  const statuses = (list: TaskList) => Object.fromEntries(list.kase.sections.map((s) => [s.slug, s.status]));
  const versionOf = (reference: string) => String(stateOf(reference).version);
  const stored = (reference: string) => db().select().from(businessCases).where(eq(businessCases.reference, reference)).get()!;

  it("offers the first section to any signed-in user", async () => {
    const form = (await settle(() => newLoader({ request: getRequest("/cases/new", cookies.ccg), params: {}, context: {} }))) as { options: { organisations: unknown[]; services: unknown[]; capabilities: unknown[] } };
    expect(form.options.organisations.length).toBeGreaterThan(63);
    expect(form.options.capabilities).toHaveLength(3);
  });

  it("starts a draft from its first section and shows the task list: that section completed, the rest not started", async () => {
    const result = (await postNew({ intent: "continue", title: "Pharmacy access idea", summary: "Let community pharmacists see allergies.", purpose: "direct_care" })) as Response;
    expect(result.status).toBe(302);
    const location = result.headers.get("Location")!;
    expect(location).toMatch(/^\/cases\/BC-2016-\d{3}\/edit$/);
    const list = await taskList(location.split("/")[2]!);
    expect(statuses(list)).toMatchObject({ about: "completed", organisations: "not_started", risks: "not_started", "go-live": "not_started" });
    expect(list.kase.completed).toBe(1);
  });

  it("asks only for the section's own unanswered questions, each once, and saves nothing; 'come back later' keeps a partial answer", async () => {
    const before = caseCount();
    const refused = await postNew({ intent: "continue", title: "Half an idea" });
    expect(statusOf(refused)).toBe(400);
    const body = dataOf<{ errors: Record<string, string>; values: Record<string, string> }>(refused);
    expect(body.errors).toEqual({ summary: "Say what is proposed and why", purpose: "Choose the purpose of the sharing" });
    expect(body.values.title).toBe("Half an idea");
    expect(caseCount()).toBe(before);

    const later = (await postNew({ intent: "later", title: "Half an idea" })) as Response;
    expect(later.status).toBe(302);
    const reference = later.headers.get("Location")!.split("/")[2]!;
    expect(statuses(await taskList(reference)).about).toBe("incomplete");

    // A later section: its own missing answers only, never the rest of the case's.
    const risks = await postSection(reference, "risks", { intent: "continue", version: versionOf(reference), "risk-1-description": "Wrong patient viewed" });
    expect(statusOf(risks)).toBe(400);
    expect(Object.keys(dataOf<{ errors: Record<string, string> }>(risks).errors)).toEqual(["risk-1-description"]);
  });

  it("says what to fix when a value is malformed", async () => {
    const result = await postNew({ intent: "later", title: "" });
    expect(dataOf<{ errors: Record<string, string> }>(result).errors).toEqual({ title: "Enter a short title for the proposal, so you can find the draft again" });
    const kase = caseIn("draft", { targetGoLive: null });
    const goLive = await postSection(kase.reference, "go-live", { intent: "later", version: "1", targetGoLive: "next spring" });
    expect(statusOf(goLive)).toBe(400);
    expect(dataOf<{ errors: Record<string, string> }>(goLive).errors).toEqual({ targetGoLive: "The target go-live date must be a real date" });
    const risk = await postSection(kase.reference, "risks", { intent: "later", version: "1", "risk-1-description": "Leak", "risk-1-likelihood": "9" });
    expect(dataOf<{ errors: Record<string, string> }>(risk).errors).toEqual({ "risk-1-likelihood": "Choose the likelihood from 1 to 5" });
    expect(stateOf(kase.reference).version).toBe(1);
  });

  it("saves one section without touching the others; an unticked box clears that section's answer", async () => {
    const kase = caseIn("draft", { dataItems: null, benefit: null });
    expect(statuses(await taskList(kase.reference)).data).toBe("not_started");
    const saved = (await postSection(kase.reference, "data", { intent: "continue", version: "1", dataItems: "Allergies only.", benefit: "Safer dispensing." })) as Response;
    expect(saved.status).toBe(302);
    expect(saved.headers.get("Location")).toBe(`/cases/${kase.reference}/edit`);
    const after = stored(kase.reference);
    expect(after).toMatchObject({ version: 2, dataItems: "Allergies only.", benefit: "Safer dispensing.", summary: "Share the record.", targetGoLive: "2017-03-01" });
    expect(after.risks).toEqual([{ description: "Misuse", likelihood: 1, impact: 3, mitigation: "Audit" }]);
    const list = await taskList(kase.reference);
    expect(list.kase.completed).toBe(10);

    // No box ticked: partners are cleared, and the section goes back to incomplete.
    expect(statusOf(await postSection(kase.reference, "organisations", { intent: "later", version: "2", sponsorOrganisationId: String(orgId("P92002")) }))).toBe(302);
    expect(statuses(await taskList(kase.reference)).organisations).toBe("incomplete");
    expect(statusOf(await settle(() => getSection(kase.reference, "nonsense")))).toBe(404);
  });

  it("lets only the authors edit, only in draft or changes requested, and refuses a stale form", async () => {
    const kase = caseIn("changes_requested");
    for (const who of ["ig", "board", "practitioner2"] as Who[]) {
      expect(statusOf(await taskList(kase.reference, who))).toBe(403);
      expect(statusOf(await getSection(kase.reference, "data", who))).toBe(403);
      expect(statusOf(await postSection(kase.reference, "about", { intent: "later", version: "1", title: "Hijack" }, who))).toBe(403);
    }
    expect(statusOf(await postSection(kase.reference, "data", { intent: "continue", version: "1", dataItems: "Fewer items.", benefit: "Safer care." }))).toBe(302);
    const stale = await postSection(kase.reference, "data", { intent: "continue", version: "1", dataItems: "Stale.", benefit: "Safer care." });
    expect(statusOf(stale)).toBe(409);
    expect(dataOf<{ errors: { _form: string }; values: Record<string, string> }>(stale)).toMatchObject({ errors: { _form: expect.stringMatching(/changed since you opened it/) }, values: { dataItems: "Stale." } });
    expect(stored(kase.reference).dataItems).toBe("Fewer items.");

    // A co-author edits sections like the author, but only the main author changes who the co-authors are.
    const shared = caseIn("draft", { coAuthorIds: [userIdOf(EMAILS.practitioner2)] });
    expect(statusOf(await postSection(shared.reference, "data", { intent: "continue", version: "1", dataItems: "By the co-author.", benefit: "Safer care." }, "practitioner2"))).toBe(302);
    expect(statusOf(await getSection(shared.reference, "co-authors", "practitioner2"))).toBe(403);
    expect(statusOf(await postSection(shared.reference, "co-authors", { intent: "continue", version: "2", coAuthorEmails: "" }, "practitioner2"))).toBe(403);
    expect(statusOf(await postSection(shared.reference, "co-authors", { intent: "continue", version: "2", coAuthorEmails: "" }, "practitioner"))).toBe(302);
    expect(statusOf(await taskList(shared.reference, "practitioner2"))).toBe(403);
  });

  it("submits from 'check your answers' only when every section is complete, listing each unfinished section once", async () => {
    const kase = caseIn("draft", { risks: null, caldicott: null });
    const check = (reference: string, version: string) => settle(() => checkAction({ request: postRequest(`/cases/${reference}/edit/check-answers`, { version }, cookies.practitioner), params: { reference }, context: {} }));
    const refused = await check(kase.reference, "1");
    expect(statusOf(refused)).toBe(400);
    expect(dataOf<{ errors: { href: string; text: string }[] }>(refused).errors).toEqual([
      { href: `/cases/${kase.reference}/edit/risks`, text: "Complete “Risks”" },
      { href: `/cases/${kase.reference}/edit/caldicott`, text: "Complete “Caldicott principles”" },
    ]);
    expect(stateOf(kase.reference).state).toBe("draft");

    const ready = caseIn("changes_requested");
    const page = (await settle(() => checkLoader({ request: getRequest(`/cases/${ready.reference}/edit/check-answers`, cookies.practitioner), params: { reference: ready.reference }, context: {} }))) as { answers: { slug: string; answers: { label: string; value: string }[] }[] };
    expect(page.answers.find((s) => s.slug === "data")?.answers).toContainEqual(expect.objectContaining({ label: "Data items", value: "Medications." }));
    // Codes, ids and ISO dates reach the page as words.
    const answer = (slug: string, label: string) => page.answers.find((s) => s.slug === slug)?.answers.find((a) => a.label === label)?.value;
    expect(answer("consent-dpia", "DPIA state")).toBe("Not required");
    expect(answer("go-live", "Target go-live")).toBe("1 March 2017");
    expect(answer("organisations", "Partner organisations")).not.toMatch(/^Organisation \d/);
    expect(statusOf(await check(ready.reference, "0"))).toBe(409);
    const submitted = (await check(ready.reference, "1")) as Response;
    expect(submitted.headers.get("Location")).toBe(`/cases/${ready.reference}`);
    expect(stateOf(ready.reference)).toEqual({ state: "submitted", version: 2 });
    expect(statusOf(await taskList(ready.reference))).toBe(409);
  });

  it("warns, without blocking, when a proposed service already has that capability live or planned", async () => {
    const live = db().select({ id: deployments.id, serviceId: deployments.serviceId, capabilityId: deployments.capabilityId }).from(deployments).where(eq(deployments.status, "live")).limit(1).get()!;
    const kase = caseIn("draft");
    expect((await taskList(kase.reference)).kase.existing).toEqual([]);
    const saved = await postSection(kase.reference, "systems", {
      intent: "continue",
      version: "1",
      direction: "one_way",
      systems: ["mig"],
      "deployment-1-serviceId": String(live.serviceId),
      "deployment-1-capabilityId": String(live.capabilityId),
    });
    expect(statusOf(saved)).toBe(302);
    const section = (await getSection(kase.reference, "systems")) as { existing: { deploymentId: number; status: string }[] };
    expect(section.existing).toEqual([expect.objectContaining({ deploymentId: live.id, status: "live" })]);
    expect((await taskList(kase.reference)).kase.existing.map((d) => d.deploymentId)).toEqual([live.id]);
  });
});

describe("GET /cases and /cases.csv", () => {
  type List = { scope: string; rows: { reference: string; overSla: boolean }[]; total: number; scopes: { id: string; total: number }[] };
  const list = (query: string, who: Who) => settle(() => listLoader({ request: getRequest(`/cases${query}`, cookies[who]), params: {}, context: {} })) as Promise<List>;

  it("opens on the review queue for IG leads and board members, and on my cases for practitioners", async () => {
    const ig = await list("", "ig");
    expect(ig.scope).toBe("queue");
    expect(ig.rows.map((r) => r.reference)).toEqual(expect.arrayContaining(["BC-2016-007", "BC-2016-009"]));
    expect(ig.rows.find((r) => r.reference === "BC-2016-007")!.overSla).toBe(true);
    const board = await list("", "board");
    expect(board.rows.every((r) => stateOf(r.reference).state === "board_review")).toBe(true);
    const practitioner = await list("", "practitioner2");
    expect(practitioner.scope).toBe("mine");
    expect(practitioner.scopes.map((s) => s.id)).toEqual(["mine", "all"]);
    expect((await list("?scope=queue", "practitioner2")).scope).toBe("mine");
  });

  it("filters, sorts and pages through the URL", async () => {
    const filtered = await list("?scope=all&state=approved&sort=reference", "programme");
    expect(filtered.rows.every((r) => stateOf(r.reference).state === "approved")).toBe(true);
    const paged = await list("?scope=all&sort=reference&pageSize=2&page=2", "programme");
    expect(paged.rows.map((r) => r.reference)).toEqual(["BC-2016-003", "BC-2016-004"]);
  });

  it("downloads the same list as CSV", async () => {
    const response = (await settle(() => csvLoader({ request: getRequest("/cases.csv?scope=all&q=hospice", cookies.board), params: {}, context: {} }))) as Response;
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const text = await response.text();
    const lines = text.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toContain('"Reference","Title","State"');
    expect(lines.slice(1).every((l) => /hospice/i.test(l))).toBe(true);
  });
});
