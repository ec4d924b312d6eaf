import { beforeAll, describe, expect, it } from "vitest";
import { count, eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { businessCaseComments, businessCases, deployments, organisations, users } from "../../db/schema";
import type { CaseState } from "../../db/schema/enums";
import { loader as listLoader } from "~/routes/cases._index";
import { loader as csvLoader } from "~/routes/cases[.]csv";
import { action as newAction, loader as newLoader } from "~/routes/cases.new";
import { action as caseAction, loader as caseLoader } from "~/routes/cases.$reference._index";
import { action as editAction, loader as editLoader } from "~/routes/cases.$reference.edit";
import { CASE_TRANSITIONS, caseFormValues, type CaseAction, type CaseDraft } from "~/models/cases.schema";
import { createBusinessCase, type BusinessCaseValues } from "../../seeds/factories";
import { dataOf, getRequest, postRequest, settle, signInAs, statusOf } from "../helpers/requests";

const db = () => getDb();
const idOf = (email: string) => db().select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id;
const orgId = (ods: string) => db().select({ id: organisations.id }).from(organisations).where(eq(organisations.odsCode, ods)).get()!.id;

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
  for (const [who, email] of Object.entries(EMAILS)) cookies[who as Who] = await signInAs(email, undefined, `10.9.0.${Object.keys(cookies).length + 1}`);
});

const CALDICOTT = Object.fromEntries(["1", "2", "3", "4", "5", "6", "7", "8"].map((k) => [k, `Principle ${k} is met.`]));
function complete(): Omit<BusinessCaseValues, "authorId"> {
  return {
    title: "Route test proposal",
    summary: "Share the record.",
    sponsorOrganisationId: orgId("P92002"),
    purpose: "direct_care",
    direction: "one_way",
    systems: ["mig"],
    dataItems: "Medications.",
    benefit: "Safer care.",
    clinicianInvolvement: "GPs.",
    publicInvolvement: "Forum.",
    article6Basis: "6_1_e",
    article9Condition: "9_2_h",
    commonLawBasis: "implied_consent",
    consentModel: "opt_in_point_of_care",
    dpiaNeeded: false,
    dpiaStatus: "not_required",
    risks: [{ description: "Misuse", likelihood: 1, impact: 3, mitigation: "Audit" }],
    caldicott: CALDICOTT,
    targetGoLive: "2017-03-01",
    partnerOrganisationIds: [orgId("P92002")],
  };
}
const caseIn = (state: CaseState, values: Partial<BusinessCaseValues> = {}) => createBusinessCase(db(), { ...complete(), authorId: idOf(EMAILS.practitioner), state, ...values });
const stateOf = (reference: string) => db().select({ state: businessCases.state, version: businessCases.version }).from(businessCases).where(eq(businessCases.reference, reference)).get()!;

function post(path: string, reference: string, fields: Record<string, string | string[]>, who: Who) {
  const fn = path.endsWith("/edit") ? editAction : caseAction;
  return settle(() => fn({ request: postRequest(path, fields, cookies[who]), params: { reference }, context: {} }));
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

describe("/cases/new and /cases/:reference/edit", () => {
  const caseCount = () => db().select({ n: count() }).from(businessCases).get()!.n;
  const postNew = (fields: Record<string, string | string[]>, who: Who = "practitioner") => settle(() => newAction({ request: postRequest("/cases/new", fields, cookies[who]), params: {}, context: {} }));

  it("offers the form to any signed-in user", async () => {
    const form = (await settle(() => newLoader({ request: getRequest("/cases/new", cookies.ccg), params: {}, context: {} }))) as { options: { organisations: unknown[]; services: unknown[]; capabilities: unknown[] } };
    expect(form.options.organisations.length).toBeGreaterThan(63);
    expect(form.options.capabilities).toHaveLength(3);
  });

  it("saves an incomplete draft and goes to its edit page", async () => {
    const result = (await postNew({ intent: "save", title: "Pharmacy access idea", "risk-2-description": "Partly thought through" })) as Response;
    expect(result.status).toBe(302);
    const location = result.headers.get("Location")!;
    expect(location).toMatch(/^\/cases\/BC-2016-\d{3}\/edit$/);
    const reference = location.split("/")[2]!;
    const edit = (await settle(() => editLoader({ request: getRequest(location, cookies.practitioner), params: { reference }, context: {} }))) as { kase: { values: Record<string, string>; missing: { field: string }[] } };
    expect(edit.kase.values.title).toBe("Pharmacy access idea");
    expect(edit.kase.values["risk-1-description"]).toBe("Partly thought through");
    expect(edit.kase.missing.map((m) => m.field)).toContain("risk-1-description");
  });

  it("refuses to submit an incomplete case, saving nothing and returning what was typed", async () => {
    const before = caseCount();
    const result = await postNew({ intent: "submit", title: "Incomplete", summary: "Something" });
    expect(statusOf(result)).toBe(400);
    const body = dataOf<{ errors: Record<string, string>; values: Record<string, string>; incomplete: boolean }>(result);
    expect(body.incomplete).toBe(true);
    expect(body.values.summary).toBe("Something");
    expect(body.errors.summary).toBeUndefined();
    expect(body.errors.dataItems).toBe("List the data items to be shared");
    expect(caseCount()).toBe(before);
  });

  it("says what to fix when a value is malformed", async () => {
    const result = await postNew({ intent: "save", title: "", targetGoLive: "next spring", "risk-1-likelihood": "9" });
    expect(statusOf(result)).toBe(400);
    expect(dataOf<{ errors: Record<string, string> }>(result).errors).toMatchObject({
      title: "Enter a short title for the proposal, so you can find the draft again",
      targetGoLive: "Enter the target go-live as a date, for example 2017-03-01",
      "risk-1-likelihood": "Choose the likelihood from 1 to 5",
    });
  });

  it("submits a complete case straight from the form", async () => {
    const values = caseFormValues({ ...(complete() as unknown as Partial<CaseDraft>), proposedDeployments: [], partnerOrganisationIds: [orgId("P92002")] });
    const result = (await postNew({ ...(values as Record<string, string | string[]>), intent: "submit", title: "Complete from the form" })) as Response;
    expect(result.status).toBe(302);
    const reference = result.headers.get("Location")!.split("/")[2]!;
    expect(stateOf(reference)).toEqual({ state: "submitted", version: 2 });
  });

  it("lets only the authors edit, only in draft or changes requested, and refuses a stale form", async () => {
    const kase = caseIn("changes_requested");
    const path = `/cases/${kase.reference}/edit`;
    for (const who of ["ig", "board", "practitioner2"] as Who[]) {
      expect(statusOf(await settle(() => editLoader({ request: getRequest(path, cookies[who]), params: { reference: kase.reference }, context: {} })))).toBe(403);
      expect(statusOf(await post(path, kase.reference, { intent: "save", version: "1", title: "Hijack" }, who))).toBe(403);
    }
    const values = caseFormValues({ ...(complete() as unknown as Partial<CaseDraft>), proposedDeployments: [], partnerOrganisationIds: [orgId("P92002")] });
    const saved = (await post(path, kase.reference, { ...(values as Record<string, string>), intent: "save", version: "1", dataItems: "Fewer items." }, "practitioner")) as Response;
    expect(saved.status).toBe(302);
    expect(saved.headers.get("Location")).toBe(path);
    const stale = await post(path, kase.reference, { ...(values as Record<string, string>), intent: "save", version: "1", dataItems: "Stale." }, "practitioner");
    expect(statusOf(stale)).toBe(409);
    expect(dataOf<{ errors: { _form: string }; values: Record<string, string> }>(stale)).toMatchObject({ errors: { _form: expect.stringMatching(/changed since you opened it/) }, values: { dataItems: "Stale." } });
    const submitted = (await post(path, kase.reference, { ...(values as Record<string, string>), intent: "submit", version: "2" }, "practitioner")) as Response;
    expect(submitted.headers.get("Location")).toBe(`/cases/${kase.reference}`);
    expect(stateOf(kase.reference).state).toBe("submitted");
    const notEditable = await settle(() => editLoader({ request: getRequest(path, cookies.practitioner), params: { reference: kase.reference }, context: {} }));
    expect(statusOf(notEditable)).toBe(409);
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
