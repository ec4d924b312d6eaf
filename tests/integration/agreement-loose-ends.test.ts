import { beforeAll, describe, expect, it } from "vitest";
import { and, eq, like } from "drizzle-orm";
import type { ActionFunction, LoaderFunction } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { notifications, organisations } from "../../db/schema";
import type { SignedInUser } from "~/models/users.server";
import { getAgreement, listAgreements } from "~/models/agreements.server";
import { createAgreement, endAgreement, updateAgreement } from "~/models/agreement-changes.server";
import { agreementsAwaitingSignatureBy, declineAgreement, sendForSignature, signAgreement } from "~/models/agreement-signing.server";
import { GovernanceFieldError } from "~/models/governance-errors.server";
import type { SignInput } from "~/models/agreements.schema";
import { updateSettings } from "~/models/settings.server";
import * as signPage from "~/routes/agreements.$reference.sign";
import * as editPage from "~/routes/agreements.$reference.edit";
import * as endPage from "~/routes/agreements.$reference.end";
import { recordCompletedDpia } from "../helpers/agreements";
import { actorOf, agreementInput, orgId, serviceId, userOf } from "../helpers/fixtures";
import { dataOf, getRequest, postRequest, settle, signInAs, statusOf } from "../helpers/requests";

const REPORTING_DATE = "2016-10-31";

const user = userOf;
const orgName = (ods: string) => getDb().select({ name: organisations.name }).from(organisations).where(eq(organisations.odsCode, ods)).get()!.name;

let programme: SignedInUser, igAcute: SignedInUser, igGp: SignedInUser;
const cookies: Record<"acute" | "gp" | "programme", string> = { acute: "", gp: "", programme: "" };
beforeAll(async () => {
  programme = user("programme@example.org");
  igAcute = user("ig@example.org");
  igGp = user("ig.gp@example.org");
  cookies.acute = await signInAs("ig@example.org");
  cookies.gp = await signInAs("ig.gp@example.org");
  cookies.programme = await signInAs("programme@example.org");
});

const input = agreementInput;
const signature = (u: SignedInUser, signedOn = REPORTING_DATE): SignInput => ({ signatoryName: u.name, signatoryRole: "IG lead", signedOn, authorityDeclared: true });
const setReportingDate = (date: string) => updateSettings({ userId: programme.id, label: programme.email }, { reporting_date: date });

/** A new agreement sent for signature (and, with `signedBy`, signed by those IG leads). */
function sent(reference: string, signedBy: SignedInUser[] = []) {
  createAgreement({ actor: actorOf(programme), user: programme, input: { reference, ...input() } });
  recordCompletedDpia({ user: programme, reference });
  sendForSignature({ actor: actorOf(programme), user: programme, reference });
  for (const u of signedBy) signAgreement({ actor: actorOf(u), user: u, reference, input: signature(u) });
}

function expectFieldError(fn: () => unknown, field: string) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GovernanceFieldError);
    expect((error as GovernanceFieldError).field).toBe(field);
    return (error as GovernanceFieldError).message;
  }
  throw new Error(`expected an error on ${field}`);
}

const run = (fn: LoaderFunction | ActionFunction, request: Request, reference: string) => settle(() => fn({ request, params: { reference }, context: {} }));
const openSign = (reference: string, who: keyof typeof cookies) => run(signPage.loader, getRequest(`/agreements/${reference}/sign`, cookies[who]), reference);

describe("the sign page when there is nothing for you to sign", () => {
  it("says your organisation signed, when, and who it is waiting for (not a 409)", async () => {
    sent("LOOSE-SIGNED", [igAcute]);
    const result = await openSign("LOOSE-SIGNED", "acute");
    expect(statusOf(result)).toBe(200);
    expect(dataOf(result)).toMatchObject({ state: "signed", request: { signedOn: REPORTING_DATE, waitingFor: [orgName("P92001")], declinedBy: [] } });
    // The other party still sees the form.
    expect(dataOf(await openSign("LOOSE-SIGNED", "gp"))).toMatchObject({ state: "waiting" });
  });

  it("says your organisation declined, with its reason", async () => {
    sent("LOOSE-DECLINED");
    declineAgreement({ actor: actorOf(igGp), user: igGp, reference: "LOOSE-DECLINED", reason: "Care plans are missing" });
    const result = await openSign("LOOSE-DECLINED", "gp");
    expect(statusOf(result)).toBe(200);
    expect(dataOf(result)).toMatchObject({ state: "declined", request: { declineReason: "Care plans are missing", declinedOn: REPORTING_DATE, waitingFor: [orgName("RRF")] } });
  });

  it("says a draft has not been sent yet", async () => {
    createAgreement({ actor: actorOf(programme), user: programme, input: { reference: "LOOSE-DRAFT", ...input() } });
    const result = await openSign("LOOSE-DRAFT", "acute");
    expect(statusOf(result)).toBe(200);
    expect(dataOf(result)).toMatchObject({ state: "draft", request: { version: 1 } });
  });

  it("says an ended agreement ended, and when", async () => {
    sent("LOOSE-ENDED", [igAcute, igGp]);
    endAgreement({ actor: actorOf(programme), user: programme, reference: "LOOSE-ENDED", input: { status: "terminated", endedOn: REPORTING_DATE, endReason: "Service closed" } });
    const result = await openSign("LOOSE-ENDED", "acute");
    expect(statusOf(result)).toBe(200);
    expect(dataOf(result)).toMatchObject({ state: "all_signed", request: { ended: { status: "terminated", endedOn: REPORTING_DATE } } });
  });

  it("still answers 409 to a signature posted when it is no longer waiting", async () => {
    const sign = { intent: "sign", signatoryName: "Ian Governance", signatoryRole: "Head of IG", signedOn: REPORTING_DATE, authorityDeclared: "yes" };
    expect(statusOf(await run(signPage.action, postRequest("/agreements/LOOSE-SIGNED/sign", sign, cookies.acute), "LOOSE-SIGNED"))).toBe(409);
  });
});

describe("the end date of an agreement", () => {
  beforeAll(() => {
    setReportingDate("2016-10-20");
    sent("LOOSE-END");
    for (const u of [igAcute, igGp]) signAgreement({ actor: actorOf(u), user: u, reference: "LOOSE-END", input: signature(u, "2016-10-20") });
    setReportingDate(REPORTING_DATE);
  });
  const end = (endedOn: string) => () => endAgreement({ actor: actorOf(programme), user: programme, reference: "LOOSE-END", input: { status: "terminated", endedOn, endReason: "Replaced" } });

  it("refuses a date before the version came into force", () => {
    expect(expectFieldError(end("2016-10-19"), "endedOn")).toBe("Enter an end date on or after 20 October 2016, when version 1 came into force");
  });

  it("refuses a date before the reporting date, saying what to enter instead", async () => {
    expect(expectFieldError(end("2016-10-25"), "endedOn")).toMatch(/^Enter an end date on or after the reporting date, 31 October 2016\. .*say in the reason when it actually ended$/);
    const result = await run(
      endPage.action,
      postRequest("/agreements/LOOSE-END/end", { status: "terminated", endedOn: "2016-10-25", endReason: "Replaced" }, cookies.programme),
      "LOOSE-END",
    );
    expect(statusOf(result)).toBe(400);
    expect(dataOf<{ errors: Record<string, string> }>(result).errors.endedOn).toMatch(/on or after the reporting date/);
    expect(getAgreement({ reference: "LOOSE-END", asAt: "2016-10-26" })!.agreement.status).toBe("active");
  });

  it("records a later date as the day it will end: in force until then", () => {
    end("2016-12-31")();
    expect(getAgreement({ reference: "LOOSE-END", asAt: REPORTING_DATE })!.agreement.status).toBe("active");
    expect(getAgreement({ reference: "LOOSE-END", asAt: "2016-12-31" })!.agreement.status).toBe("terminated");
    // What was signed no longer changes, and the refusal says when it ends rather than that it has ended.
    try {
      updateAgreement({ actor: actorOf(programme), user: programme, reference: "LOOSE-END", input: input({ title: "Renamed" }) });
      throw new Error("expected a refusal");
    } catch (error) {
      expect((error as Error).message).toMatch(/^Version 1 of LOOSE-END is recorded as ending on 31 December 2016 \(terminated\): it can no longer change/);
    }
  });
});

describe("a material change while some parties have signed", () => {
  const change = (resignConfirmed?: boolean) =>
    updateAgreement({ actor: actorOf(programme), user: programme, reference: "LOOSE-RESIGN", input: input({ dataItems: "Detailed care record and care plans" }), resignConfirmed });
  const signatureNotices = (agreementId: number) =>
    getDb().select().from(notifications).where(and(eq(notifications.kind, "signature_requested"), like(notifications.recordKey, `agreement:${agreementId}`))).all();

  beforeAll(() => {
    setReportingDate("2016-10-25");
    sent("LOOSE-RESIGN");
    signAgreement({ actor: actorOf(igAcute), user: igAcute, reference: "LOOSE-RESIGN", input: signature(igAcute, "2016-10-25") });
    setReportingDate(REPORTING_DATE);
  });

  it("warns before saving who has signed and must sign again, and changes nothing until confirmed", async () => {
    expect(expectFieldError(() => change(), "confirmResign")).toMatch(new RegExp(`^This change means every party must sign again: ${orgName("RRF")} has signed the current version\\.`));
    const page = dataOf<{ answers: { signed: string[] } }>(await run(editPage.loader, getRequest("/agreements/LOOSE-RESIGN/edit", cookies.programme), "LOOSE-RESIGN"));
    expect(page.answers.signed).toEqual([orgName("RRF")]);
    const detail = getAgreement({ reference: "LOOSE-RESIGN", asAt: REPORTING_DATE })!;
    expect(detail.agreement.version).toBe(1);
    expect(detail.parties.find((p) => p.odsCode === "RRF")!.signatureStatus).toBe("signed");
  });

  it("makes version 2 for everyone to sign, keeps version 1's signature in its history, and tells the signers", () => {
    expect(change(true)).toEqual({ reference: "LOOSE-RESIGN", version: 2, outcome: "new_version_sent" });
    const v2 = getAgreement({ reference: "LOOSE-RESIGN", asAt: REPORTING_DATE })!;
    expect(v2.agreement).toMatchObject({ version: 2, status: "awaiting_signatures", dataItems: "Detailed care record and care plans", sentForSignatureOn: REPORTING_DATE });
    expect(v2.parties.map((p) => p.signatureStatus)).toEqual(["requested", "requested"]);
    const v1 = getAgreement({ reference: "LOOSE-RESIGN", version: 1, asAt: REPORTING_DATE })!;
    expect(v1.agreement).toMatchObject({ status: "superseded", activatedOn: null, endedOn: REPORTING_DATE });
    expect(v1.parties.find((p) => p.odsCode === "RRF")).toMatchObject({ signatureStatus: "signed", signedOn: "2016-10-25", signatoryName: igAcute.name });
    // As at the day before the change, version 1 was still waiting for signatures; version 2 did not exist.
    expect(getAgreement({ reference: "LOOSE-RESIGN", version: 1, asAt: "2016-10-30" })!.agreement.status).toBe("awaiting_signatures");
    expect(listAgreements({ asAt: "2016-10-30" }).rows.filter((r) => r.reference === "LOOSE-RESIGN").map((r) => r.version)).toEqual([1]);
    expect(listAgreements({ asAt: REPORTING_DATE }).rows.filter((r) => r.reference === "LOOSE-RESIGN").map((r) => r.version)).toEqual([2]);
    // Both parties' IG leads are asked to sign version 2; version 1 no longer waits for anyone.
    const notified = signatureNotices(v2.agreement.id).map((n) => n.userId);
    expect(notified).toEqual(expect.arrayContaining([igAcute.id, igGp.id]));
    expect(agreementsAwaitingSignatureBy({ organisationId: orgId("P92001") }).filter((a) => a.reference === "LOOSE-RESIGN").map((a) => a.version)).toEqual([2]);
  });

  it("tells the organisation that signed version 1 why it is asked again, and activates version 2 once everyone signs", async () => {
    const page = await openSign("LOOSE-RESIGN", "acute");
    expect(dataOf(page)).toMatchObject({ state: "waiting", request: { version: 2, earlierSignature: { version: 1, signedOn: "2016-10-25" } } });
    signAgreement({ actor: actorOf(igAcute), user: igAcute, reference: "LOOSE-RESIGN", input: signature(igAcute) });
    expect(signAgreement({ actor: actorOf(igGp), user: igGp, reference: "LOOSE-RESIGN", input: signature(igGp) })).toMatchObject({ activated: true, version: 2 });
    expect(getAgreement({ reference: "LOOSE-RESIGN", version: 1, asAt: REPORTING_DATE })!.agreement.status).toBe("superseded");
  });

  it("asks the person changing it through the form to confirm, then saves it", async () => {
    sent("LOOSE-FORM", [igGp]);
    const fields = {
      title: "Frailty unit information sharing agreement",
      purpose: "planning",
      article6Basis: "6_1_e",
      article9Condition: "9_2_h",
      commonLawBasis: "implied_consent",
      consentModel: "opt_in_point_of_care",
      dataItems: "Detailed care record viewed through MIG",
      reviewIntervalMonths: "24",
      effectiveOn: "2016-10-01",
      partyOrganisationId: [String(orgId("RRF")), String(orgId("P92001"))],
      partyRole: ["joint_controller", "joint_controller"],
      coverage: [`s:${serviceId("Frailty assessment unit")}`],
      intent: "save",
    };
    const edit = (extra: Record<string, string> = {}) => run(editPage.action, postRequest("/agreements/LOOSE-FORM/edit", { ...fields, ...extra }, cookies.programme), "LOOSE-FORM");
    const warned = await edit();
    expect(statusOf(warned)).toBe(400);
    expect(dataOf<{ errors: Record<string, string> }>(warned).errors.confirmResign).toMatch(`${orgName("P92001")} has signed the current version`);
    const saved = (await edit({ confirmResign: "yes" })) as Response;
    expect(saved.status).toBe(302);
    expect(getAgreement({ reference: "LOOSE-FORM", asAt: REPORTING_DATE })!.agreement).toMatchObject({ version: 2, purpose: "planning", status: "awaiting_signatures" });
  });
});
