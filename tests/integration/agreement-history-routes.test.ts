// Issue 10, findings 4, 5 and 6, through the routes: what was signed is what is in force; a
// signature's date lies between sending and the reporting date; the register as at any date.
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { organisations, services, users } from "../../db/schema";
import * as register from "~/routes/agreements._index";
import * as registerCsv from "~/routes/agreements[.]csv";
import * as newAgreement from "~/routes/agreements.new";
import * as agreementPage from "~/routes/agreements.$reference._index";
import * as editAgreement from "~/routes/agreements.$reference.edit";
import * as signPage from "~/routes/agreements.$reference.sign";
import * as dpiaPage from "~/routes/agreements.$reference.dpia";
import * as exceptionsPage from "~/routes/exceptions._index";
import * as transparencyPage from "~/routes/transparency";
import { loader as agreementsApi } from "~/routes/api.v1.agreements";
import { createApiToken } from "~/models/api-tokens.server";
import { BASE, dataOf, statusOf, tableRows, pageDataOf } from "../helpers/requests";
import { agreementFormFields, routeCaller, signInEach } from "../helpers/fixtures";

const REPORTING_DATE = "2016-10-31";
const USERS = {
  programme: "programme@example.org",
  acute: "ig@example.org", // RRF
  gp: "ig.gp@example.org", // P92001
  hospice: "ig.hospice@example.org", // WLHSP
} as const;
type Who = keyof typeof USERS;
const cookies = {} as Record<Who, string>;
let apiToken: string;

beforeAll(async () => {
  Object.assign(cookies, await signInEach(USERS));
  const admin = getDb().select().from(users).where(eq(users.email, "admin@example.org")).get()!;
  apiToken = createApiToken({ actor: { userId: admin.id, label: admin.email }, name: "History test", expiresOn: null }).token;
});

const { get, post } = routeCaller(cookies);

const orgId = (ods: string) => String(getDb().select({ id: organisations.id }).from(organisations).where(eq(organisations.odsCode, ods)).get()!.id);
const serviceValue = (name: string) => `s:${getDb().select({ id: services.id }).from(services).where(eq(services.name, name)).get()!.id}`;

const agreementFields = (reference: string, parties: string[], coverage: string[]) =>
  agreementFormFields({ reference, title: "Hospice and practice sharing agreement", parties, coverage });
const sign = (reference: string, who: Who, signedOn = REPORTING_DATE) =>
  post(signPage.action, `/agreements/${reference}/sign`, who, { intent: "sign", signatoryName: "IG lead", signatoryRole: "IG lead", signedOn, authorityDeclared: "yes" }, { reference });
const send = (reference: string) => post(agreementPage.action, `/agreements/${reference}`, "programme", { intent: "send" }, { reference });
// An agreement is sent for signature only once its DPIA allows it.
const recordDpia = (reference: string) =>
  post(dpiaPage.action, `/agreements/${reference}/dpia`, "programme", { reference: `DPIA-${reference}`, status: "completed", completedOn: "2016-09-30", residualRisk: "low" }, { reference });

type ExceptionsData = { rows: { kind: string; title: string }[] };
const frailtyException = async () => {
  const page = dataOf<ExceptionsData>(await get(exceptionsPage.loader, "/exceptions?kind=sharing_without_agreement", "programme"));
  return tableRows<ExceptionsData["rows"][number]>(page).some((e) => e.kind === "sharing_without_agreement" && e.title.startsWith("Frailty assessment unit"));
};
type TransparencyData = { viewingOrganisations: { name: string; services: { name: string; agreements: string[] }[] }[]; activeAgreements: { reference: string; parties: string[] }[] };
const publicAgreementsOfFrailty = async () => {
  const page = pageDataOf<TransparencyData>(await get(transparencyPage.loader, "/transparency", null), "page");
  const frailty = page.viewingOrganisations.flatMap((o) => o.services).find((s) => s.name === "Frailty assessment unit")!;
  return { frailty: frailty.agreements, parties: page.activeAgreements.find((a) => a.reference === "TEST-F4")?.parties ?? [] };
};

describe("finding 4: an agreement's reach widens only when every party signs", () => {
  beforeAll(async () => {
    // An active agreement between the hospice and a practice, covering the hospice's inpatient unit.
    expect(statusOf(await post(newAgreement.action, "/agreements/new", "hospice", agreementFields("TEST-F4", ["WLHSP", "P92001"], [serviceValue("Hospice inpatient unit")])))).toBe(302);
    expect(statusOf(await recordDpia("TEST-F4"))).toBe(302);
    expect(statusOf(await send("TEST-F4"))).toBe(302);
    expect(statusOf(await sign("TEST-F4", "hospice"))).toBe(302);
    expect(statusOf(await sign("TEST-F4", "gp"))).toBe(302);
  });

  it("refuses coverage of a service whose organisation is not a party, saying what to do", async () => {
    const result = await post(
      editAgreement.action,
      "/agreements/TEST-F4/edit",
      "hospice",
      agreementFields("TEST-F4", ["WLHSP", "P92001"], [serviceValue("Hospice inpatient unit"), serviceValue("Frailty assessment unit")]),
      { reference: "TEST-F4" },
    );
    expect(statusOf(result)).toBe(400);
    expect(dataOf<{ errors: Record<string, string> }>(result).errors.coverage).toBe(
      "Frailty assessment unit is run by Wrightington, Wigan and Leigh NHS Foundation Trust, which is not a party to this agreement: add Wrightington, Wigan and Leigh NHS Foundation Trust as a party, or take the service out of the coverage",
    );
    expect(await frailtyException()).toBe(true);
  });

  it("makes a wider coverage a new version: the exception stays and the public page does not name it until every party has signed", async () => {
    const result = await post(
      editAgreement.action,
      "/agreements/TEST-F4/edit",
      "hospice",
      agreementFields("TEST-F4", ["WLHSP", "P92001", "RRF"], [serviceValue("Hospice inpatient unit"), serviceValue("Frailty assessment unit")]),
      { reference: "TEST-F4" },
    );
    expect(statusOf(result)).toBe(302);
    const page = dataOf<{ agreement: { version: number; status: string }; versions: { version: number; status: string }[] }>(
      await get(agreementPage.loader, "/agreements/TEST-F4", "programme", { reference: "TEST-F4" }),
    );
    expect(page.agreement).toMatchObject({ version: 2, status: "draft" });
    expect(page.versions.map((v) => [v.version, v.status])).toEqual([
      [2, "draft"],
      [1, "active"],
    ]);
    expect(statusOf(await send("TEST-F4"))).toBe(302);
    expect(await frailtyException()).toBe(true);
    expect(statusOf(await sign("TEST-F4", "hospice"))).toBe(302);
    expect(statusOf(await sign("TEST-F4", "gp"))).toBe(302);
    // Two of three parties have signed version 2: version 1 is still what is in force.
    expect(await frailtyException()).toBe(true);
    const before = await publicAgreementsOfFrailty();
    expect(before.frailty).not.toContain("TEST-F4");
    expect(before.parties).toEqual(expect.arrayContaining(["Wigan and Leigh Hospice"]));
    expect(before.parties).not.toContain("Wrightington, Wigan and Leigh NHS Foundation Trust");

    expect(statusOf(await sign("TEST-F4", "acute"))).toBe(302);
    expect(await frailtyException()).toBe(false);
    const after = await publicAgreementsOfFrailty();
    expect(after.frailty).toContain("TEST-F4");
    expect(after.parties).toContain("Wrightington, Wigan and Leigh NHS Foundation Trust");
  });
});

describe("finding 5: a signature is dated between sending and the reporting date", () => {
  it("refuses a signature backdated to 1900 or to before the agreement was sent, at the field, saying which dates to use", async () => {
    // ISA-003 was sent for signature on 20 September 2016; the acute trust has not signed yet.
    for (const signedOn of ["1900-01-01", "2016-09-19", "2016-11-01"]) {
      const result = await sign("ISA-003", "acute", signedOn);
      expect(statusOf(result)).toBe(400);
      expect(dataOf<{ errors: Record<string, string> }>(result).errors.signedOn).toBe(
        "Enter the date you sign: between 20 September 2016, when version 1 was sent for signature, and the reporting date, 31 October 2016",
      );
    }
    expect(statusOf(await sign("ISA-003", "acute", REPORTING_DATE))).toBe(302);
  });
});

describe("finding 6: the agreements register as at any date", () => {
  type Row = { reference: string; version: number; status: string; signed: number; parties: number };
  const registerAt = async (asAt: string) => pageDataOf<{ rows: Row[] }>(await get(register.loader, `/agreements?asAt=${asAt}`, "programme")).rows;
  const row = (rows: Row[], reference: string) => rows.find((r) => r.reference === reference);

  it("shows drafts, awaiting signatures and signature counts as they stood on the date", async () => {
    // ISA-003: drafted 30 August, sent 20 September; signed by RY2 on 22 Sep, 02H on 27 Sep, the third practice on 29 Sep.
    const august = await registerAt("2016-08-31");
    expect(row(august, "ISA-003")).toMatchObject({ status: "draft", signed: 0 });
    // ISA-004 was drafted on 17 October 2016: it did not exist yet.
    expect(row(august, "ISA-004")).toBeUndefined();
    const september = await registerAt("2016-09-30");
    expect(row(september, "ISA-003")).toMatchObject({ status: "awaiting_signatures", signed: 3, parties: 8 });
    expect(row(september, "ISA-004")).toBeUndefined();
    // ISA-002 version 2 was sent on 18 April 2016 and in force from 1 June: on 30 April version 1 was in force and version 2 awaited signatures.
    const april = await registerAt("2016-04-30");
    expect(april.filter((r) => r.reference === "ISA-002").map((r) => [r.version, r.status, r.signed])).toEqual([
      [1, "active", 6],
      [2, "awaiting_signatures", 0],
    ]);
  });

  it("gives the same figures in the CSV and the API", async () => {
    const csv = (await get(registerCsv.loader, "/agreements.csv?asAt=2016-09-30", "programme")) as Response;
    const line = (await csv.text()).split("\n").find((l) => l.startsWith('"ISA-003",'));
    expect(line).toContain('"Awaiting signatures",8,3,0,');
    const api = await agreementsApi({ request: new Request(`${BASE}/api/v1/agreements?asAt=2016-09-30`, { headers: { Authorization: `Bearer ${apiToken}` } }), params: {}, context: {} });
    const body = (await api.json()) as { data: { reference: string; status: string; signatures: number; activatedOn: string | null }[] };
    expect(body.data.find((r) => r.reference === "ISA-003")).toMatchObject({ status: "awaiting_signatures", signatures: 3, activatedOn: null });
    expect(body.data.find((r) => r.reference === "ISA-004")).toBeUndefined();
  });
});
