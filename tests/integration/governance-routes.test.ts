import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { auditLog, indemnityCovers, organisations } from "../../db/schema";
import * as register from "~/routes/agreements._index";
import * as registerCsv from "~/routes/agreements[.]csv";
import * as newAgreement from "~/routes/agreements.new";
import * as agreementPage from "~/routes/agreements.$reference._index";
import * as editAgreement from "~/routes/agreements.$reference.edit";
import * as signPage from "~/routes/agreements.$reference.sign";
import * as dpiaPage from "~/routes/agreements.$reference.dpia";
import * as endPage from "~/routes/agreements.$reference.end";
import * as indemnity from "~/routes/indemnity._index";
import * as indemnityCsv from "~/routes/indemnity[.]csv";
import * as newCover from "~/routes/indemnity.new";
import * as renewCoverPage from "~/routes/indemnity.$coverId.renew";
import * as editCover from "~/routes/indemnity.$coverId.edit";
import { dataOf, getRequest, signInAs, statusOf, pageDataOf } from "../helpers/requests";
import { agreementFormFields, routeCaller, signInEach } from "../helpers/fixtures";

const ROLE_USERS = {
  admin: "admin@example.org",
  board: "board@example.org",
  programme: "programme@example.org",
  ig_lead: "ig@example.org",
  ccg: "ccg@example.org",
  practitioner: "practitioner@example.org",
} as const;
type RoleName = keyof typeof ROLE_USERS;
const cookies = {} as Record<RoleName | "ig_other", string>;

beforeAll(async () => {
  Object.assign(cookies, await signInEach(ROLE_USERS));
  cookies.ig_other = await signInAs("ig.mentalhealth@example.org"); // RTV: not a party to ISA-002 or ISA-003
});

const { run, get, post } = routeCaller(cookies);

const orgId = (ods: string) => String(getDb().select({ id: organisations.id }).from(organisations).where(eq(organisations.odsCode, ods)).get()!.id);
const coverIdOf = (ods: string) => String(getDb().select({ id: indemnityCovers.id }).from(indemnityCovers).where(eq(indemnityCovers.organisationId, Number(orgId(ods)))).all().at(-1)!.id);

const agreementFields = (reference: string) => agreementFormFields({ reference, title: "Route test agreement", parties: ["RRF", "P92001"] });
const coverFields = { scope: "Direct care", startOn: "2016-11-05", endOn: "2018-11-04", status: "active", signedBy: "Jane Whitfield" };

function refusedCount() {
  return getDb().select().from(auditLog).where(eq(auditLog.action, "access.refused")).all().length;
}

describe("the agreements register", () => {
  for (const role of Object.keys(ROLE_USERS) as RoleName[]) {
    it(`is open to ${role}`, async () => {
      const result = await get(register.loader, "/agreements", role);
      expect(statusOf(result)).toBe(200);
      expect(pageDataOf<{ total: number }>(result).total).toBe(5);
    });
  }

  it("shows the register as at an earlier date, and says when that date is malformed", async () => {
    const then = pageDataOf<{ asAt: string; rows: { reference: string; version: number; status: string }[] }>(await get(register.loader, "/agreements?asAt=2016-01-01", "board"));
    expect(then.asAt).toBe("2016-01-01");
    // ISA-002 v2 was not yet in force then: v1 was the active version.
    const isa002 = then.rows.filter((r) => r.reference === "ISA-002");
    expect(isa002.find((r) => r.status === "active")?.version).toBe(1);
    const bad = dataOf<{ asAt: string; asAtError: string | null }>(await get(register.loader, "/agreements?asAt=2016-13-45", "board"));
    expect(bad.asAtError).toBe("The as-at date must be a real date");
  });

  it("sends a signed-out visitor to sign in", async () => {
    const result = (await run(register.loader, getRequest("/agreements"))) as Response;
    expect(result.status).toBe(302);
  });

  it("downloads the filtered register as CSV", async () => {
    const response = (await get(registerCsv.loader, "/agreements.csv?party=WLHSP", "board")) as Response;
    expect(response.headers.get("Content-Type")).toContain("text/csv");
    const lines = (await response.text()).replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toContain('"Reference","Version","Title"');
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(['"ISA-002"', '"ISA-003"']);
  });
});

describe("agreement writes are refused for roles that may not make them", () => {
  const nonManagers: RoleName[] = ["admin", "board", "ccg", "practitioner"];
  for (const role of nonManagers) {
    it(`refuses ${role} creating, changing, sending, keeping the DPIA of or ending an agreement`, async () => {
      const before = refusedCount();
      expect(statusOf(await get(newAgreement.loader, "/agreements/new", role))).toBe(403);
      expect(statusOf(await post(newAgreement.action, "/agreements/new", role, agreementFields(`ROUTE-${role.toUpperCase()}`)))).toBe(403);
      expect(statusOf(await get(editAgreement.loader, "/agreements/ISA-004/edit", role, { reference: "ISA-004" }))).toBe(403);
      expect(statusOf(await post(editAgreement.action, "/agreements/ISA-004/edit", role, agreementFields("ISA-004"), { reference: "ISA-004" }))).toBe(403);
      expect(statusOf(await post(agreementPage.action, "/agreements/ISA-004", role, { intent: "send" }, { reference: "ISA-004" }))).toBe(403);
      expect(statusOf(await post(dpiaPage.action, "/agreements/ISA-004/dpia", role, { reference: "D", status: "not_started" }, { reference: "ISA-004" }))).toBe(403);
      expect(statusOf(await post(endPage.action, "/agreements/ISA-001/end", role, { status: "terminated", endedOn: "2016-10-31", endReason: "x" }, { reference: "ISA-001" }))).toBe(403);
      expect(refusedCount()).toBe(before + 7);
    });
  }

  for (const role of ["admin", "board", "ccg", "practitioner", "programme"] as RoleName[]) {
    it(`refuses ${role} signing or declining for a party`, async () => {
      expect(statusOf(await get(signPage.loader, "/agreements/ISA-003/sign", role, { reference: "ISA-003" }))).toBe(403);
      expect(statusOf(await post(signPage.action, "/agreements/ISA-003/sign", role, { intent: "decline", declineReason: "No" }, { reference: "ISA-003" }))).toBe(403);
    });
  }

  it("refuses an IG lead signing, declining or changing for an organisation that is not a party", async () => {
    const sign = { intent: "sign", signatoryName: "Ruth Ashcroft", signatoryRole: "IG lead", signedOn: "2016-10-31", authorityDeclared: "yes" };
    expect(statusOf(await get(signPage.loader, "/agreements/ISA-003/sign", "ig_other", { reference: "ISA-003" }))).toBe(403);
    expect(statusOf(await post(signPage.action, "/agreements/ISA-003/sign", "ig_other", sign, { reference: "ISA-003" }))).toBe(403);
    expect(statusOf(await post(editAgreement.action, "/agreements/ISA-002/edit", "ig_other", agreementFields("ISA-002"), { reference: "ISA-002" }))).toBe(403);
    expect(statusOf(await post(endPage.action, "/agreements/ISA-002/end", "ig_other", { status: "terminated", endedOn: "2016-10-31", endReason: "x" }, { reference: "ISA-002" }))).toBe(403);
  });

  it("lets the acute trust's IG lead sign ISA-003 for the trust, and shows it on the agreement page", async () => {
    const sign = { intent: "sign", signatoryName: "Ian Governance", signatoryRole: "Head of IG", signedOn: "2016-10-31", authorityDeclared: "yes" };
    const result = (await post(signPage.action, "/agreements/ISA-003/sign", "ig_lead", sign, { reference: "ISA-003" })) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/agreements/ISA-003");
    const page = dataOf<{ parties: { odsCode: string; signatureStatus: string; signatoryName: string }[] }>(await get(agreementPage.loader, "/agreements/ISA-003", "board", { reference: "ISA-003" }));
    expect(page.parties.find((p) => p.odsCode === "RRF")).toMatchObject({ signatureStatus: "signed", signatoryName: "Ian Governance" });
  });

  it("answers 404 for an agreement that does not exist", async () => {
    expect(statusOf(await get(agreementPage.loader, "/agreements/NOPE", "board", { reference: "NOPE" }))).toBe(404);
  });
});

describe("creating an agreement through the form", () => {
  it("keeps what was typed and says what to fix", async () => {
    const result = await post(newAgreement.action, "/agreements/new", "programme", { ...agreementFields("ROUTE-BAD"), reviewIntervalMonths: "61", partyOrganisationId: [orgId("RRF"), ""] });
    expect(statusOf(result)).toBe(400);
    const body = dataOf<{ errors: Record<string, string>; values: Record<string, unknown> }>(result);
    expect(body.errors).toMatchObject({ reviewIntervalMonths: "Enter a review interval from 1 to 60 months", parties: expect.stringMatching(/at least two parties/) });
    expect(body.values.title).toBe("Route test agreement");
  });

  it("creates a draft and redirects to it", async () => {
    const result = (await post(newAgreement.action, "/agreements/new", "ig_lead", agreementFields("route-ok"))) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/agreements/ROUTE-OK");
  });
});

describe("the indemnity register", () => {
  for (const role of ["ccg", "board", "programme"] as RoleName[]) {
    it(`is open to ${role}`, async () => {
      const result = await get(indemnity.loader, "/indemnity", role);
      expect(statusOf(result)).toBe(200);
      const page = pageDataOf<{ viewableWithoutCover: unknown[]; practiceRows: { total: number }; practices: { covered: number; total: number } }>(result);
      expect(page.viewableWithoutCover).toEqual([]);
      expect(page.practiceRows.total).toBe(63);
      expect(page.practices).toEqual({ covered: 63, total: 63 });
      expect(statusOf(await get(indemnityCsv.loader, "/indemnity.csv", role))).toBe(200);
    });
  }

  for (const role of ["admin", "ig_lead", "practitioner"] as RoleName[]) {
    it(`is refused to ${role}`, async () => {
      expect(statusOf(await get(indemnity.loader, "/indemnity", role))).toBe(403);
      expect(statusOf(await get(indemnityCsv.loader, "/indemnity.csv", role))).toBe(403);
    });
  }

  for (const role of ["admin", "board", "programme", "ig_lead", "practitioner"] as RoleName[]) {
    it(`refuses ${role} adding, renewing or changing cover`, async () => {
      const coverId = coverIdOf("P92010");
      expect(statusOf(await get(newCover.loader, "/indemnity/new", role))).toBe(403);
      expect(statusOf(await post(newCover.action, "/indemnity/new", role, { ...coverFields, organisationId: orgId("P92010") }))).toBe(403);
      expect(statusOf(await get(renewCoverPage.loader, `/indemnity/${coverId}/renew`, role, { coverId }))).toBe(403);
      expect(statusOf(await post(renewCoverPage.action, `/indemnity/${coverId}/renew`, role, { ...coverFields, startOn: "2017-01-20", endOn: "2019-01-19" }, { coverId }))).toBe(403);
      expect(statusOf(await post(editCover.action, `/indemnity/${coverId}/edit`, role, { ...coverFields, status: "revoked" }, { coverId }))).toBe(403);
      expect(coverIdOf("P92010")).toBe(coverId);
    });
  }

  it("sends the register's cells and filters in words, and the same row model while the figures are unchanged", async () => {
    type Cell = { original: { odsCode: string; typeLabel: string; endText: string; statusTag: { label: string; colour: string } } };
    type Page = { coverModel: { rows: Cell[] }; filterOptions: { status: { value: string; label: string }[]; type: { value: string; label: string }[] } };
    const first = await get(indemnity.loader, "/indemnity?view=covers&expiringWithin=30&sort=endOn", "board");
    const covers = pageDataOf<Page>(first);
    expect(covers.coverModel.rows.map((r) => r.original.odsCode)).toEqual(["P92031", "P92020"]);
    for (const { original: r } of covers.coverModel.rows) {
      expect(r.typeLabel).toBe("GP practice");
      expect(r.endText).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4}$/);
      expect(r.statusTag).toEqual({ label: "Active", colour: "green" });
    }
    expect(covers.filterOptions.status).toContainEqual({ value: "renewed", label: "Ended, renewed" });
    expect(covers.filterOptions.type).toContainEqual({ value: "gp_practice", label: "GP practice" });
    // Sent as the JSON text kept with the figures (app/lib/json-text.ts), the same while they are unchanged.
    const again = await get(indemnity.loader, "/indemnity?view=covers&expiringWithin=30&sort=endOn", "board");
    expect(dataOf<{ register: string }>(again).register).toBe(dataOf<{ register: string }>(first).register);
  });

  it("filters the CSV like the page: every cover record", async () => {
    const response = (await get(indemnityCsv.loader, "/indemnity.csv?view=covers&expiringWithin=30", "board")) as Response;
    const lines = (await response.text()).replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).map((l) => l.split(",")[1])).toEqual(['"P92020"', '"P92031"']);
  });

  it("downloads every practice's cover as CSV by default, filtered like the page", async () => {
    const response = (await get(indemnityCsv.loader, "/indemnity.csv?cover=expiring&sort=endOn", "board")) as Response;
    const lines = (await response.text()).replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toMatch(/^"?Practice"?,"?ODS code"?,"?Locality"?,"?Cover"?/);
    expect(lines.slice(1).map((l) => l.split(",")[1])).toEqual(['"P92031"', '"P92020"', '"P92010"']);
  });

  it("offers only GP practices on the new-cover form, and refuses anything else at the field saying why", async () => {
    const form = dataOf<{ organisations: { odsCode: string }[]; defaults: Record<string, string> }>(await get(newCover.loader, `/indemnity/new?organisationId=${orgId("P92005")}`, "ccg"));
    expect(form.organisations).toHaveLength(63);
    expect(form.organisations.every((o) => /^P\d{5}$/.test(o.odsCode))).toBe(true);
    expect(form.defaults.organisationId).toBe(orgId("P92005"));
    const refused = await post(newCover.action, "/indemnity/new", "ccg", { ...coverFields, organisationId: orgId("FWG21") });
    expect(statusOf(refused)).toBe(400);
    expect(dataOf<{ errors: Record<string, string> }>(refused).errors.organisationId).toMatch(/^Choose a GP practice .*not the organisations \(such as private providers\) that view their records$/);
    expect(getDb().select().from(indemnityCovers).where(eq(indemnityCovers.organisationId, Number(orgId("FWG21")))).all()).toEqual([]);
  });

  it("lets the CCG renew a practice's cover, after which it is no longer expiring", async () => {
    const coverId = coverIdOf("P92031");
    const bad = await post(renewCoverPage.action, `/indemnity/${coverId}/renew`, "ccg", { ...coverFields, endOn: "2016-11-01" }, { coverId });
    expect(statusOf(bad)).toBe(400);
    expect(dataOf<{ errors: Record<string, string> }>(bad).errors.endOn).toBe("Enter an end date after the start date");
    const result = (await post(renewCoverPage.action, `/indemnity/${coverId}/renew`, "ccg", coverFields, { coverId })) as Response;
    expect(result.status).toBe(302);
    const page = pageDataOf<{ expiring: { total: number; soonest: { odsCode: string }[] } }>(await get(indemnity.loader, "/indemnity", "ccg"));
    expect(page.expiring.soonest.map((c) => c.odsCode)).toEqual(["P92020", "P92010"]);
    expect(page.expiring.total).toBe(2);
  });

  it("reports a malformed as-at date instead of guessing", async () => {
    const page = dataOf<{ asAtError: string | null; asAt: string }>(await get(indemnity.loader, "/indemnity?asAt=31/10/2016", "board"));
    expect(page.asAtError).toBe("The as-at date must be a real date");
    expect(page.asAt).toBe("2016-10-31");
  });
});
