// Issue 10: an organisation's name and its private-provider flag are dated facts. An import or a
// form that renames or re-marks an organisation changes nothing shown as at an earlier date.
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { listExceptions } from "~/models/exceptions.server";
import { recordViewers } from "~/models/indemnity.server";
import { transparencyReport } from "~/models/transparency.server";
import { rolloutChangesBetween } from "~/models/board-pack.server";
import { getOrganisationByOdsCode, listOrganisations } from "~/models/organisations.server";
import { organisationHistory } from "~/models/organisation-history.server";
import type { ImportSummary } from "~/models/organisation-import.server";
import { action as importOrganisations } from "~/routes/organisations.import";
import { action as editOrganisation } from "~/routes/organisations.$odsCode_.edit";
import { loader as organisationPage } from "~/routes/organisations.$odsCode/route";
import { BASE, dataOf, getRequest, postRequest, settle, signInAs, statusOf } from "../helpers/requests";
import { epraccurLine } from "../helpers/epraccur";

const OLD_NAME = "Elliott Street Practice";
const NEW_NAME = "ELLIOTT STREET MEDICAL GROUP";

const csv = (rows: string[][]) => rows.map((r) => r.map((c) => `"${c}"`).join(",")).join("\r\n") + "\r\n";
const compact = (iso: string | null) => (iso ?? "").replace(/-/g, "");

async function importFile(cookie: string, rows: string[][], effectiveOn: string, { confirm = true } = {}) {
  const [year, month, day] = effectiveOn.split("-");
  const form = new FormData();
  form.set("intent", "preview");
  form.set("commissionerCode", "02H");
  form.set("effectiveOn-day", day!);
  form.set("effectiveOn-month", month!);
  form.set("effectiveOn-year", year!);
  form.set("file", new File([csv(rows)], "epraccur.csv", { type: "text/csv" }));
  const previewed = await settle(() => importOrganisations({ request: new Request(`${BASE}/organisations/import`, { method: "POST", body: form, headers: { Cookie: cookie } }), params: {}, context: {} }));
  expect(statusOf(previewed)).toBe(200);
  const body = dataOf<{ preview: ImportSummary; stageId: string }>(previewed);
  if (!confirm) return body.preview;
  const confirmed = await settle(() => importOrganisations({ request: postRequest("/organisations/import", { intent: "confirm", stageId: body.stageId }, cookie), params: {}, context: {} }));
  expect(statusOf(confirmed)).toBe(302);
  return body.preview;
}

/** Posts the organisation form as it stands, with `changes` and the date they take effect. */
async function editForm(cookie: string, odsCode: string, changes: Record<string, string>, effectiveOn?: string) {
  const org = getOrganisationByOdsCode({ odsCode })!;
  const fields: Record<string, string> = {
    odsCode: org.odsCode,
    name: org.name,
    type: org.type,
    locality: org.locality ?? "",
    nhsBadgedPrivate: org.nhsBadgedPrivate ? "yes" : "no",
    status: org.status,
    ...changes,
  };
  if (effectiveOn) {
    const [year, month, day] = effectiveOn.split("-");
    Object.assign(fields, { "effectiveOn-day": day, "effectiveOn-month": month, "effectiveOn-year": year });
  }
  const result = await settle(() => editOrganisation({ request: postRequest(`/organisations/${odsCode}/edit`, fields, cookie), params: { odsCode }, context: {} } as LoaderFunctionArgs));
  return { status: statusOf(result), errors: (dataOf<{ errors?: Record<string, string> }>(result) ?? {}).errors ?? {} };
}

const exceptionsOf = (asAt: string, odsCode: string) => listExceptions({ asAt }).filter((e) => e.organisation?.odsCode === odsCode);
const partiesOn = (asAt: string) => transparencyReport({ asAt }).activeAgreements.flatMap((a) => a.parties);

describe("the demo data", () => {
  it("gives every organisation one name and one flag on every date from 1 January 2000, matching what it holds now", () => {
    const db = getDb();
    const missing = (table: string, value: string, on: string) =>
      db.all(sql.raw(`SELECT o.ods_code FROM organisations o WHERE (SELECT count(*) FROM ${table} p WHERE p.organisation_id = o.id AND p.valid_from <= '${on}' AND (p.valid_to IS NULL OR p.valid_to > '${on}') AND p.${value} = o.${value}) <> 1`));
    for (const on of ["2000-01-01", "2015-07-10", "2016-10-31"]) {
      expect(missing("organisation_names", "name", on)).toEqual([]);
      expect(missing("organisation_private_provider_periods", "nhs_badged_private", on)).toEqual([]);
    }
  });
});

describe("an import that renames a practice", () => {
  it("keeps the old name on the transparency page and exceptions before the file's effective date, and the new one from then", async () => {
    const cookie = await signInAs("programme@example.org");
    const practice = getOrganisationByOdsCode({ odsCode: "P92040" })!;
    expect(practice.name).toBe(OLD_NAME);
    // Before: the practice is named on both dates (a party to agreements; an exception on each date).
    expect(exceptionsOf("2015-07-10", "P92040").map((e) => e.kind)).toContain("sharing_without_cover");
    expect(exceptionsOf("2016-07-31", "P92040").map((e) => e.kind)).toContain("opt_in_below_target");

    const line = epraccurLine({ 1: "P92040", 2: NEW_NAME, 10: practice.postcode ?? "", 11: compact(practice.openedOn) });
    const preview = await importFile(cookie, [line], "2016-04-01");
    expect(preview.rows[0]).toMatchObject({ outcome: "updated", odsCode: "P92040" });
    expect(preview.rows[0]!.outcome === "updated" && preview.rows[0]!.facts).toContain(`known as ${NEW_NAME} from 1 April 2016 (the old name stays on figures before then)`);
    expect(getOrganisationByOdsCode({ odsCode: "P92040" })!.name).toBe(NEW_NAME);

    // As at a date before the rename: the old name everywhere.
    const before = exceptionsOf("2015-07-10", "P92040");
    expect(before.find((e) => e.kind === "sharing_without_cover")!.title).toMatch(new RegExp(`^${OLD_NAME} has no indemnity cover`));
    expect(before.every((e) => e.organisation!.name === OLD_NAME && !e.title.includes(NEW_NAME))).toBe(true);
    expect(partiesOn("2015-07-10")).toContain(OLD_NAME);
    expect(partiesOn("2015-07-10")).not.toContain(NEW_NAME);
    expect(partiesOn("2016-03-31")).toContain(OLD_NAME);

    // From the effective date: the new name.
    const after = exceptionsOf("2016-07-31", "P92040");
    expect(after.find((e) => e.kind === "opt_in_below_target")!.title).toBe(`Opt-in at ${NEW_NAME} is below the 60% target`);
    expect(after.every((e) => e.organisation!.name === NEW_NAME)).toBe(true);
    expect(partiesOn("2016-04-01")).toContain(NEW_NAME);
    expect(partiesOn("2016-10-31")).not.toContain(OLD_NAME);

    // The organisations list names it as then, and finds it by any name it has had.
    expect(listOrganisations({ asAt: "2015-07-10", q: "P92040" }).rows.map((r) => r.name)).toEqual([OLD_NAME]);
    expect(listOrganisations({ asAt: "2016-10-31", q: "Elliott Street Practice" }).rows.map((r) => r.name)).toEqual([NEW_NAME]);

    // The organisation page lists the names with their dates.
    const page = (await organisationPage({ request: getRequest("/organisations/P92040", cookie), params: { odsCode: "P92040" }, context: {} })) as {
      sections: { details: { history: ReturnType<typeof organisationHistory> } };
    };
    expect(page.sections.details.history.names.map((n) => [n.name, n.validFrom, n.validTo, n.source])).toEqual([
      [OLD_NAME, "2000-01-01", "2016-04-01", "seed"],
      [NEW_NAME, "2016-04-01", null, "import"],
    ]);

    const pageThen = (await organisationPage({ request: getRequest("/organisations/P92040?asAt=2015-07-10", cookie), params: { odsCode: "P92040" }, context: {} })) as { nameThen: string | null };
    expect(pageThen.nameThen).toBe(OLD_NAME);
    expect(((await organisationPage({ request: getRequest("/organisations/P92040?asAt=2016-04-01", cookie), params: { odsCode: "P92040" }, context: {} })) as { nameThen: string | null }).nameThen).toBeNull();

    // Importing the same file again changes nothing.
    const again = await importFile(cookie, [line], "2016-04-01");
    expect(again).toMatchObject({ added: 0, updated: 0 });
    expect(organisationHistory({ organisationId: practice.id }).names).toHaveLength(2);

    // A file dated before that rename, with yet another name, is refused for that line, saying what to do.
    const older = await importFile(cookie, [epraccurLine({ 1: "P92040", 2: "ELLIOTT ST SURGERY", 10: practice.postcode ?? "", 11: compact(practice.openedOn) })], "2016-01-01", { confirm: false });
    expect(older.rows[0]).toMatchObject({
      outcome: "rejected",
      reason: "renamed from 1 April 2016, after the date this file takes effect: import it with an effective date on or after 1 April 2016, or change the name on the organisation's page",
    });
  });
});

describe("the private-provider flag changed on the form", () => {
  const sharingWithoutCover = (asAt: string) => listExceptions({ asAt, kind: "sharing_without_cover" }).find((e) => e.organisation?.odsCode === "P92040")!;

  it("does not change an earlier date's exception severity when it changes later, and does when it is dated earlier", async () => {
    const cookie = await signInAs("programme@example.org");
    const earlier = sharingWithoutCover("2015-07-10");
    expect(earlier).toMatchObject({ severity: "high" });
    expect(earlier.title).toContain("7 services (5 private)");

    // Both private providers stop working under the NHS badge from 1 August 2016.
    for (const odsCode of ["FWG21", "NWB01"]) expect(await editForm(cookie, odsCode, { nhsBadgedPrivate: "no" }, "2016-08-01")).toMatchObject({ status: 302 });
    expect(getOrganisationByOdsCode({ odsCode: "FWG21" })!.nhsBadgedPrivate).toBe(false);
    expect(sharingWithoutCover("2015-07-10")).toEqual(earlier);
    const privateOn = (asAt: string) => recordViewers({ asAt }).filter((v) => v.privateProvider).map((v) => v.odsCode).sort();
    expect(privateOn("2016-07-31")).toEqual(["FWG21", "NWB01"]);
    expect(privateOn("2016-08-01")).toEqual([]);

    // The community trust marked as working under the NHS badge from 1 July 2015: the exception on 10 July 2015 counts its services too.
    expect(await editForm(cookie, "RY2", { nhsBadgedPrivate: "yes" }, "2015-07-01")).toMatchObject({ status: 302 });
    expect(sharingWithoutCover("2015-07-10").title).toContain("7 services (7 private)");
    expect(privateOn("2015-06-30")).toEqual(["FWG21", "NWB01"]);
  });

  it("refuses a date after the reporting date, or before a change already recorded later, at the date field", async () => {
    const cookie = await signInAs("programme@example.org");
    const future = await editForm(cookie, "WLHSP", { name: "Wigan and Leigh Hospice Trust" }, "2016-11-01");
    expect(future.status).toBe(400);
    expect(future.errors.effectiveOn).toMatch(/^The date the change takes effect must be on or before the reporting date: enter a date from 1 January 2000 to 31 October 2016/);
    const notADate = await editForm(cookie, "WLHSP", { name: "Wigan and Leigh Hospice Trust", "effectiveOn-day": "31", "effectiveOn-month": "2", "effectiveOn-year": "2016" });
    expect(notADate.status).toBe(400);
    expect(notADate.errors.effectiveOn).toMatch(/must be a real date/);

    expect(await editForm(cookie, "WLHSP", { name: "Wigan and Leigh Hospice Trust" }, "2016-06-01")).toMatchObject({ status: 302 });
    const beforeIt = await editForm(cookie, "WLHSP", { name: "Wigan and Leigh Hospice" }, "2016-01-01");
    expect(beforeIt.status).toBe(400);
    expect(beforeIt.errors.effectiveOn).toBe("The name or private-provider answer already changes on 1 June 2016: enter a date on or after 1 June 2016, or record the earlier change as it was then");
    // No date given: the change takes effect on the reporting date.
    expect(await editForm(cookie, "WLHSP", { name: "Wigan, Leigh and Hindley Hospice" })).toMatchObject({ status: 302 });
    const hospice = getOrganisationByOdsCode({ odsCode: "WLHSP" })!;
    expect(organisationHistory({ organisationId: hospice.id }).names.map((n) => [n.name, n.validFrom, n.validTo])).toEqual([
      ["Wigan and Leigh Hospice", "2000-01-01", "2016-06-01"],
      ["Wigan and Leigh Hospice Trust", "2016-06-01", "2016-10-31"],
      ["Wigan, Leigh and Hindley Hospice", "2016-10-31", null],
    ]);
    // The hospice's services view records: the public page and the board pack name it as it was called on their date.
    const viewingNames = (asAt: string) => transparencyReport({ asAt }).viewingOrganisations.map((o) => o.name).filter((n) => n.includes("Hospice"));
    expect(viewingNames("2016-07-31")).toEqual(["Wigan and Leigh Hospice Trust"]);
    expect(viewingNames("2016-10-31")).toEqual(["Wigan, Leigh and Hindley Hospice"]);
    const changeNames = (to: string) => [...new Set(rolloutChangesBetween({ from: "2016-03-31", to }).rows.filter((r) => r.odsCode === "WLHSP").map((r) => r.organisationName))];
    expect(changeNames("2016-07-31")).toEqual(["Wigan and Leigh Hospice Trust"]);
    expect(changeNames("2016-10-31")).toEqual(["Wigan, Leigh and Hindley Hospice"]);

    // Changing something else needs no date and writes no name period.
    expect(await editForm(cookie, "WLHSP", { locality: "Leigh", "effectiveOn-day": "", "effectiveOn-month": "", "effectiveOn-year": "" })).toMatchObject({ status: 302 });
    expect(organisationHistory({ organisationId: hospice.id }).names).toHaveLength(3);
  });
});
