// Issue 13, items 3, 4 and 9: recording an agreement's review, what the sign page shows, the DPIA
// gate on sending for signature, the high-risk DPIA exception, and the sign page once everyone signed.
import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { ActionFunction, LoaderFunction } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { agreementReviews, auditLog, users } from "../../db/schema";
import { getUserWithRoles, type SignedInUser } from "~/models/users.server";
import { getAgreement } from "~/models/agreements.server";
import { saveDpia } from "~/models/agreement-changes.server";
import { recordAgreementReview } from "~/models/agreement-reviews.server";
import { sendForSignature } from "~/models/agreement-signing.server";
import { listExceptions } from "~/models/exceptions.server";
import { getBoardPack } from "~/models/board-pack.server";
import { tasksFor } from "~/models/tasks.server";
import { transparencyReport } from "~/models/transparency.server";
import { GovernanceError, GovernanceFieldError } from "~/models/governance-errors.server";
import { ReviewSchema, type DpiaInput } from "~/models/agreements.schema";
import * as agreementPage from "~/routes/agreements.$reference._index";
import * as reviewPage from "~/routes/agreements.$reference.review";
import * as signPage from "~/routes/agreements.$reference.sign";
import { dataOf, getRequest, postRequest, settle, signInAs, statusOf } from "../helpers/requests";

const REPORTING_DATE = "2016-10-31";
const USERS = {
  programme: "programme@example.org",
  acute: "ig@example.org", // RRF: party to ISA-001, ISA-002 and ISA-003
  hospice: "ig.hospice@example.org", // WLHSP: party to ISA-002, not ISA-001
  council: "ig.council@example.org", // party to the draft ISA-004
} as const;
type Who = keyof typeof USERS;
const cookies = {} as Record<Who, string>;
const people = {} as Record<Who, SignedInUser>;

beforeAll(async () => {
  for (const [who, email] of Object.entries(USERS)) {
    cookies[who as Who] = await signInAs(email);
    const row = getDb().select({ id: users.id }).from(users).where(eq(users.email, email)).get()!;
    people[who as Who] = getUserWithRoles({ userId: row.id })!;
  }
});

const actorOf = (u: SignedInUser) => ({ userId: u.id, label: u.email });
const run = (fn: LoaderFunction | ActionFunction, request: Request, params: Record<string, string> = {}) => settle(() => fn({ request, params, context: {} }));
const get = (fn: LoaderFunction, path: string, who: Who, params: Record<string, string>) => run(fn, getRequest(path, cookies[who]), params);
const post = (fn: ActionFunction, path: string, who: Who, fields: Record<string, string>, params: Record<string, string>) => run(fn, postRequest(path, fields, cookies[who]), params);

function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof GovernanceError || error instanceof GovernanceFieldError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

const reviewExceptions = (asAt: string) =>
  listExceptions({ asAt })
    .filter((e) => e.record === "ISA-001 v1" && e.kind.startsWith("agreement_review"))
    .map((e) => e.kind);

describe("recording an agreement review", () => {
  it("is refused to the programme team, to an IG lead whose organisation is not a party, and for an agreement not in force", () => {
    const input = { reviewedOn: REPORTING_DATE, outcome: "no_change" as const, note: null };
    expect((refusal(() => recordAgreementReview({ actor: actorOf(people.programme), user: people.programme, reference: "ISA-001", input })) as GovernanceError).status).toBe(403);
    expect((refusal(() => recordAgreementReview({ actor: actorOf(people.hospice), user: people.hospice, reference: "ISA-001", input })) as GovernanceError).status).toBe(403);
    const draft = refusal(() => recordAgreementReview({ actor: actorOf(people.council), user: people.council, reference: "ISA-004", input })) as GovernanceError;
    expect(draft.status).toBe(409);
    expect(draft.message).toContain("only an agreement in force is reviewed");
    expect(getDb().select().from(agreementReviews).all()).toEqual([]);
  });

  it("needs a note saying what must change when a new version is needed, and a date no later than the reporting date", () => {
    const parsed = ReviewSchema.safeParse({ reviewedOn: REPORTING_DATE, outcome: "new_version_needed", note: "" });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([["note", "Enter what needs to change in the new version"]]);
    const late = refusal(() =>
      recordAgreementReview({ actor: actorOf(people.acute), user: people.acute, reference: "ISA-001", input: { reviewedOn: "2016-11-01", outcome: "no_change", note: null } }),
    ) as GovernanceFieldError;
    expect(late.field).toBe("reviewedOn");
    expect(late.message).toBe("Enter a review date between the day version 1 came into force, 1 January 2015, and the reporting date, 31 October 2016");
  });

  it("through the page: sets the next review date from the review, clears the due exception from that date on, and is audited", async () => {
    expect(reviewExceptions(REPORTING_DATE)).toEqual(["agreement_review_due"]);
    // The programme team is refused before any input is read.
    expect(statusOf(await post(reviewPage.action, "/agreements/ISA-001/review", "programme", {}, { reference: "ISA-001" }))).toBe(403);
    const form = dataOf<{ form: { reviewOn: string; earliest: string } }>(await get(reviewPage.loader, "/agreements/ISA-001/review", "acute", { reference: "ISA-001" }));
    expect(form.form).toMatchObject({ reviewOn: "2017-01-01", earliest: "2015-01-01" });

    const result = await post(reviewPage.action, "/agreements/ISA-001/review", "acute", { reviewedOn: "2016-10-24", outcome: "no_change", note: "Parties, flows and legal basis checked." }, { reference: "ISA-001" });
    expect(statusOf(result)).toBe(302);
    expect((result as Response).headers.get("Location")).toBe("/agreements/ISA-001");

    const detail = getAgreement({ reference: "ISA-001", asAt: REPORTING_DATE })!;
    expect(detail.agreement).toMatchObject({ reviewOn: "2018-10-24", reviewState: "not_due" });
    expect(detail.reviews).toEqual([expect.objectContaining({ reviewedOn: "2016-10-24", reviewerName: "Ian Governance", outcome: "no_change", nextReviewOn: "2018-10-24" })]);
    expect(reviewExceptions(REPORTING_DATE)).toEqual([]);
    // Before the review it was due, and still shows so as at those dates.
    expect(reviewExceptions("2016-10-23")).toEqual(["agreement_review_due"]);
    expect(getAgreement({ reference: "ISA-001", asAt: "2016-10-23" })!.agreement.reviewOn).toBe("2017-01-01");
    // The public page's next review moves on too.
    const publicReview = (asAt: string) => transparencyReport({ asAt }).activeAgreements.find((a) => a.reference === "ISA-001")!.reviewOn;
    expect([publicReview("2016-10-23"), publicReview(REPORTING_DATE)]).toEqual(["2017-01-01", "2018-10-24"]);

    const audited = getDb().select().from(auditLog).where(and(eq(auditLog.entityId, "ISA-001"), eq(auditLog.action, "agreement.review"))).all();
    expect(audited).toHaveLength(1);
    expect(JSON.parse(audited[0]!.before!)).toEqual({ version: 1, reviewOn: "2017-01-01" });
    expect(JSON.parse(audited[0]!.after!).note).toBe("No change needed; next review on 24 October 2018. Parties, flows and legal basis checked.");
    expect(detail.trail[0]).toMatchObject({ action: "Review recorded", version: 1 });
  });

  it("refuses a review dated before the latest one, and sends the reviewer to make a new version when one is needed", async () => {
    const early = await post(reviewPage.action, "/agreements/ISA-001/review", "acute", { reviewedOn: "2016-10-20", outcome: "no_change" }, { reference: "ISA-001" });
    expect(statusOf(early)).toBe(400);
    expect(dataOf<{ errors: Record<string, string> }>(early).errors.reviewedOn).toBe(
      "Enter a review date between the last review, on 24 October 2016, and the reporting date, 31 October 2016",
    );
    const result = await post(
      reviewPage.action,
      "/agreements/ISA-001/review",
      "acute",
      { reviewedOn: REPORTING_DATE, outcome: "new_version_needed", note: "The frailty unit must be added to the coverage." },
      { reference: "ISA-001" },
    );
    expect(statusOf(result)).toBe(302);
    expect((result as Response).headers.get("Location")).toBe("/agreements/ISA-001/edit");
    expect(getAgreement({ reference: "ISA-001", asAt: REPORTING_DATE })!.reviews.map((r) => r.outcome)).toEqual(["new_version_needed", "no_change"]);
  });

  it("offers the button only to an IG lead of a party, on the version in force", async () => {
    type Page = { canReview: boolean };
    expect(dataOf<Page>(await get(agreementPage.loader, "/agreements/ISA-001", "acute", { reference: "ISA-001" })).canReview).toBe(true);
    expect(dataOf<Page>(await get(agreementPage.loader, "/agreements/ISA-001", "hospice", { reference: "ISA-001" })).canReview).toBe(false);
    expect(dataOf<Page>(await get(agreementPage.loader, "/agreements/ISA-001", "programme", { reference: "ISA-001" })).canReview).toBe(false);
    expect(dataOf<Page>(await get(agreementPage.loader, "/agreements/ISA-002?version=1", "hospice", { reference: "ISA-002" })).canReview).toBe(false);
  });
});

describe("the sign page", () => {
  it("shows what is being signed and the DPIA's status and residual risk, with a warning while the DPIA is not complete", async () => {
    type SignData = {
      state: string;
      terms: { purpose: string; article6Basis: string; dataItems: string };
      parties: { odsCode: string }[];
      coverage: { serviceName: string }[];
      dpia: { status: string; residualRisk: string | null };
    };
    const page = dataOf<SignData>(await get(signPage.loader, "/agreements/ISA-003/sign", "acute", { reference: "ISA-003" }));
    expect(page.state).toBe("waiting");
    expect(page.terms).toMatchObject({ purpose: "direct_care", article6Basis: "6_1_e" });
    expect(page.terms.dataItems).toContain("end of life care plans");
    expect(page.parties).toHaveLength(8);
    expect(page.coverage.map((c) => c.serviceName)).toContain("Specialist palliative care team");
    expect(page.dpia).toMatchObject({ status: "in_progress", residualRisk: null });
  });

  it("says everyone has signed (200, with who signed when) rather than refusing, once every party has", async () => {
    type AllSigned = { state: string; request: { reference: string; activatedOn: string; signatures: { odsCode: string; signatoryName: string; signedOn: string }[] } };
    const result = await get(signPage.loader, "/agreements/ISA-002/sign", "hospice", { reference: "ISA-002" });
    expect(statusOf(result)).toBe(200);
    const page = dataOf<AllSigned>(result);
    expect(page.state).toBe("all_signed");
    expect(page.request).toMatchObject({ reference: "ISA-002", activatedOn: "2016-06-01" });
    expect(page.request.signatures).toHaveLength(6);
    expect(page.request.signatures.every((s) => s.signatoryName && s.signedOn)).toBe(true);
    // An IG lead of an organisation that is not a party is still refused.
    expect(statusOf(await get(signPage.loader, "/agreements/ISA-002/sign", "council", { reference: "ISA-002" }))).toBe(403);
  });
});

describe("sending for signature", () => {
  const dpia = (overrides: Partial<DpiaInput>): DpiaInput => ({
    reference: "DPIA-2016-009",
    status: "completed",
    notRequiredReason: null,
    completedOn: "2016-10-28",
    residualRisk: "low",
    icoConsultedOn: null,
    notes: null,
    ...overrides,
  });
  const send = () => sendForSignature({ actor: actorOf(people.council), user: people.council, reference: "ISA-004" });

  it("is refused on the page while the DPIA is not started, saying what to do, and nothing is sent", async () => {
    expect(getAgreement({ reference: "ISA-004", asAt: REPORTING_DATE })!.dpia!.status).toBe("not_started");
    const result = await post(agreementPage.action, "/agreements/ISA-004", "council", { intent: "send" }, { reference: "ISA-004" });
    expect(statusOf(result)).toBe(409);
    expect(dataOf<{ errors: Record<string, string> }>(result).errors.send).toBe(
      "The DPIA (DPIA-2016-009) is not started. Complete it and record its residual risk, or record why a DPIA is not required, then send the agreement for signature.",
    );
    expect(getAgreement({ reference: "ISA-004", asAt: REPORTING_DATE })!.agreement.storedStatus).toBe("draft");
    const page = dataOf<{ sendProblem: string | null }>(await get(agreementPage.loader, "/agreements/ISA-004", "council", { reference: "ISA-004" }));
    expect(page.sendProblem).toContain("is not started");
  });

  it("is refused while the DPIA is in progress, or found high risk with no ICO consultation, and allowed once the ICO was consulted", () => {
    saveDpia({ actor: actorOf(people.council), user: people.council, reference: "ISA-004", input: dpia({ status: "in_progress", completedOn: null, residualRisk: null }) });
    expect(refusal(send).message).toContain("is in progress");
    saveDpia({ actor: actorOf(people.council), user: people.council, reference: "ISA-004", input: dpia({ residualRisk: "high" }) });
    const highRisk = refusal(send) as GovernanceFieldError;
    expect(highRisk.field).toBe("send");
    expect(highRisk.message).toBe(
      "The DPIA (DPIA-2016-009) found high residual risk and no ICO consultation is recorded. Consult the ICO and record the date on the DPIA, then send the agreement for signature.",
    );
    saveDpia({ actor: actorOf(people.council), user: people.council, reference: "ISA-004", input: dpia({ residualRisk: "high", icoConsultedOn: "2016-10-30" }) });
    expect(send().requested).toBe(3);
    expect(getAgreement({ reference: "ISA-004", asAt: REPORTING_DATE })!.agreement.storedStatus).toBe("awaiting_signatures");
  });
});

describe("the high-risk DPIA exception", () => {
  it("lists an agreement in force whose DPIA found high risk without ICO consultation, for its parties' IG leads and in the board pack, until the ICO is consulted", () => {
    const highRisk = (asAt: string) => listExceptions({ asAt, kind: "dpia_high_risk_without_ico" });
    const [isa002] = highRisk(REPORTING_DATE);
    expect(highRisk(REPORTING_DATE)).toHaveLength(1);
    expect(isa002).toMatchObject({ severity: "high", record: "ISA-002 v2", actionRole: "ig_lead", href: "/agreements/ISA-002", actionHref: "/agreements/ISA-002/dpia", dueOn: "2016-05-20" });
    expect(isa002!.title).toBe('ISA-002 "Hospice and primary care record sharing agreement (two-way flow)": the DPIA found high residual risk and the ICO has not been consulted');
    // Before the DPIA was completed nobody knew of the risk.
    expect(highRisk("2016-05-19")).toEqual([]);

    expect(getBoardPack({ asAt: REPORTING_DATE }).exceptions.byKind.find((k) => k.kind === "dpia_high_risk_without_ico")).toMatchObject({ high: 1, total: 1 });
    const hospiceTasks = tasksFor({ user: people.hospice, asAt: REPORTING_DATE }).flatMap((g) => g.items);
    expect(hospiceTasks.find((t) => t.id === isa002!.id)).toMatchObject({ href: "/agreements/ISA-002/dpia" });
    const councilTasks = tasksFor({ user: people.council, asAt: REPORTING_DATE }).flatMap((g) => g.items);
    expect(councilTasks.find((t) => t.id === isa002!.id)).toBeUndefined();

    const current = getAgreement({ reference: "ISA-002", asAt: REPORTING_DATE })!.dpia!;
    saveDpia({
      actor: actorOf(people.hospice),
      user: people.hospice,
      reference: "ISA-002",
      input: { reference: current.reference, status: "completed", notRequiredReason: null, completedOn: current.completedOn, residualRisk: "high", icoConsultedOn: "2016-10-20", notes: current.notes },
    });
    expect(highRisk(REPORTING_DATE)).toEqual([]);
    expect(highRisk("2016-10-19")).toHaveLength(1);
  });
});
