import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { and, count, eq } from "drizzle-orm";
import { closeDb, connection, getDb } from "~/lib/db.server";
import { monthRange } from "~/lib/dates";
import { SYSTEM_ACTOR } from "~/lib/audit.server";
import { auditLog, optInReturns, organisations, users } from "../../db/schema";
import { createOptInReturn, createOrganisation, insertMany } from "../../seeds/factories";
import { boroughOptIn, getOrganisationConsent, listOptInByPractice, optInTrend, practicesBelowTargetOrFalling } from "~/models/consent.server";
import { confirmOptInUpload, previewOptInUpload } from "~/models/opt-in-upload.server";
import { closeImportPool, importThreadRunning } from "~/models/opt-in-import.server";
import { loader as consentLoader } from "~/routes/consent._index";
import { readJsonText } from "~/lib/json-text";
import { loader as consentCsvLoader } from "~/routes/consent[.]csv";
import { action as uploadAction, loader as uploadLoader } from "~/routes/consent.upload";
import { getRequest, postRequest, settle, signInAs, statusOf, dataOf } from "../helpers/requests";

const HEADER = "ods_code,month,registered,opted_in,declined,not_asked";
const db = () => getDb();

function programmeUserId() {
  return db().select({ id: users.id }).from(users).where(eq(users.email, "programme@example.org")).get()!.id;
}
const actor = () => ({ ...SYSTEM_ACTOR, userId: programmeUserId(), label: "programme@example.org" });

// Four practices in a locality of their own, so the demo data does not move the figures.
const LOCALITY = "Testville";
let practice: Record<"falling" | "gaps" | "empty" | "stale", { id: number; odsCode: string }>;

afterAll(() => closeImportPool());

beforeAll(() => {
  const make = (name: string) => createOrganisation(db(), { name, type: "gp_practice", locality: LOCALITY, listSize: 1000 });
  practice = { falling: make("A Falling Practice"), gaps: make("B Gappy Practice"), empty: make("C Empty List Practice"), stale: make("D Stale Practice") };
  const ret = (organisationId: number, month: string, registered: number, optedIn: number, declined = 0) =>
    createOptInReturn(db(), { organisationId, month, registered, optedIn, declined });
  // 30% a year ago, then 50 → 48 → 46 → 44: falling in each of the last three steps.
  ret(practice.falling.id, "2015-10", 1000, 300);
  ret(practice.falling.id, "2016-07", 1000, 500);
  ret(practice.falling.id, "2016-08", 1000, 480);
  ret(practice.falling.id, "2016-09", 1000, 460);
  ret(practice.falling.id, "2016-10", 1000, 440, 10);
  // Missing months: June and October only.
  ret(practice.gaps.id, "2016-06", 2000, 1400);
  ret(practice.gaps.id, "2016-10", 2000, 1500);
  // A zero list size.
  ret(practice.empty.id, "2016-10", 0, 0);
  // Latest return in August.
  ret(practice.stale.id, "2016-08", 1000, 700);
});


/** The consent page's data as the page reads it: the register's figures come as one JSON text (app/lib/json-text.ts). */
async function consentPage(path: string, cookie: string) {
  const data = (await consentLoader({ request: getRequest(path, cookie), params: {}, context: {} })) as Exclude<Awaited<ReturnType<typeof consentLoader>>, Response>;
  return { ...data, ...readJsonText(data.register) };
}

describe("opt-in rates and changes", () => {
  it("works out each practice's rate, 3- and 12-month change and flags from its latest return", () => {
    const { rows, total } = listOptInByPractice({ asAt: "2016-10-31", locality: LOCALITY, sort: { id: "name", desc: false } });
    expect(total).toBe(4);
    const [a, b, c, d] = rows;
    expect(a).toMatchObject({ month: "2016-10", registered: 1000, optedIn: 440, declined: 10, notAsked: 550, belowTarget: true, falling: true, returnMissing: false });
    expect(a!.rate).toBeCloseTo(44);
    expect(a!.change3).toBeCloseTo(-6);
    expect(a!.change12).toBeCloseTo(14);
    // No return 3 or 12 months before October: no change to show, and not "falling".
    expect(b).toMatchObject({ month: "2016-10", change3: null, change12: null, falling: false, belowTarget: false });
    expect(b!.rate).toBeCloseTo(75);
    // A zero list has no rate (not a division error) and is not called below target.
    expect(c).toMatchObject({ month: "2016-10", rate: null, change3: null, belowTarget: false, falling: false });
    // The stale practice keeps its latest figures, flagged as missing October's return.
    expect(d).toMatchObject({ month: "2016-08", returnMissing: true, belowTarget: false });
    expect(d!.rate).toBeCloseTo(70);
  });

  it("sums only the returns for the borough's month, says how many practices returned, and compares with a month and a year before", () => {
    const figures = boroughOptIn({ asAt: "2016-10-31", locality: LOCALITY });
    expect(figures).toMatchObject({ month: "2016-10", registered: 3000, optedIn: 1940, declined: 10, notAsked: 1050, practicesReturned: 3, practicesTotal: 4, target: 60, nationalOptOuts: null });
    expect(figures.rate).toBeCloseTo((1940 / 3000) * 100);
    expect(figures.changeOnMonth).toBeCloseTo((1940 / 3000) * 100 - 46);
    expect(figures.changeOnYear).toBeCloseTo((1940 / 3000) * 100 - 30);
  });

  it("gives no rate and no changes when the month's list is empty", () => {
    const only = createOrganisation(db(), { type: "gp_practice", locality: "Zeroville" });
    createOptInReturn(db(), { organisationId: only.id, month: "2016-10", registered: 0, optedIn: 0, declined: 0 });
    expect(boroughOptIn({ asAt: "2016-10-31", locality: "Zeroville" })).toMatchObject({ month: "2016-10", rate: null, changeOnMonth: null, changeOnYear: null, practicesReturned: 1 });
  });

  it("as at a date, uses the latest return on or before that date's month", () => {
    const mid = listOptInByPractice({ asAt: "2016-09-15", locality: LOCALITY, sort: { id: "name", desc: false } }).rows;
    expect(mid.map((r) => [r.name, r.month])).toEqual([
      ["A Falling Practice", "2016-09"],
      ["B Gappy Practice", "2016-06"],
      ["C Empty List Practice", null],
      ["D Stale Practice", "2016-08"],
    ]);
    expect(boroughOptIn({ asAt: "2016-09-15", locality: LOCALITY })).toMatchObject({ month: "2016-09", registered: 1000, optedIn: 460, practicesReturned: 1 });
    const early = boroughOptIn({ asAt: "2016-05-31", locality: LOCALITY });
    expect(early).toMatchObject({ month: "2015-10", optedIn: 300 });
    expect(boroughOptIn({ asAt: "2015-09-30", locality: LOCALITY })).toMatchObject({ month: null, rate: null, practicesReturned: 0 });
  });

  it("reports the National Data Opt-out apart and never adds it to the local figures", () => {
    const p = createOrganisation(db(), { type: "gp_practice", locality: "Natville" });
    createOptInReturn(db(), { organisationId: p.id, month: "2016-10", registered: 100, optedIn: 60, declined: 10, nationalOptOuts: 7 });
    const figures = boroughOptIn({ asAt: "2016-10-31", locality: "Natville" });
    expect(figures).toMatchObject({ registered: 100, optedIn: 60, declined: 10, notAsked: 30, nationalOptOuts: { total: 7, practices: 1 } });
    expect(figures.rate).toBeCloseTo(60);
  });

  it("lists the demo's practices below target or falling, with the three falling ones", () => {
    const flagged = practicesBelowTargetOrFalling({ asAt: "2016-10-31" }).filter((r) => r.locality !== LOCALITY);
    expect(flagged.filter((r) => r.falling).map((r) => r.odsCode).sort()).toEqual(["P92017", "P92034", "P92048"]);
    expect(flagged.every((r) => r.belowTarget || r.falling)).toBe(true);
    expect(flagged[0]!.rate!).toBeLessThan(flagged.at(-1)!.rate!);
  });

  it("sorts, filters and pages the practice table in SQL, with practices lacking the figure last", () => {
    const page1 = listOptInByPractice({ asAt: "2016-10-31", sort: { id: "rate", desc: true }, page: 1, pageSize: 10 });
    const page2 = listOptInByPractice({ asAt: "2016-10-31", sort: { id: "rate", desc: true }, page: 2, pageSize: 10 });
    expect(page1.rows).toHaveLength(10);
    expect(page1.rows[9]!.rate!).toBeGreaterThanOrEqual(page2.rows[0]!.rate!);
    const all = listOptInByPractice({ asAt: "2016-10-31", sort: { id: "change3", desc: false } }).rows;
    expect(all.at(-1)!.change3).toBeNull();
    expect(listOptInByPractice({ asAt: "2016-10-31", flag: "falling", locality: LOCALITY }).rows.map((r) => r.name)).toEqual(["A Falling Practice"]);
  });

  it("gives a practice's own trend for its organisation page, and nothing for a non-practice", () => {
    const own = getOrganisationConsent({ organisationId: practice.falling.id, asAt: "2016-10-31" })!;
    expect(own.trend.map((t) => t.month)).toEqual(["2015-10", "2016-07", "2016-08", "2016-09", "2016-10"]);
    expect(own.practice.falling).toBe(true);
    const trust = db().select().from(organisations).where(eq(organisations.odsCode, "RRF")).get()!;
    expect(getOrganisationConsent({ organisationId: trust.id, asAt: "2016-10-31" })).toBeNull();
  });

  it("gives the borough trend month by month", () => {
    const trend = optInTrend({ from: "2016-08", to: "2016-10", locality: LOCALITY });
    expect(trend.map((t) => [t.month, t.practices])).toEqual([
      ["2016-08", 2],
      ["2016-09", 1],
      ["2016-10", 3],
    ]);
  });
});

function returnsFor(organisationId: number, month: string) {
  return db().select().from(optInReturns).where(and(eq(optInReturns.organisationId, organisationId), eq(optInReturns.month, month))).get();
}

function orgId(odsCode: string) {
  return db().select().from(organisations).where(eq(organisations.odsCode, odsCode)).get()!.id;
}

describe("uploading monthly returns", () => {
  it("previews additions, replacements with old and new figures, and rejections, changing nothing", () => {
    const before = returnsFor(orgId("P92001"), "2016-10")!;
    const text = [HEADER, `${practice.stale.odsCode},2016-10,1000,710,20,270`, "P92001,2016-10,6000,3000,100,2900", "P92002,2016-12,10,5,5,0"].join("\n");
    const preview = previewOptInUpload({ userId: programmeUserId(), fileName: "oct.csv", text });
    expect(preview).toMatchObject({ ok: true, rows: 3, toAdd: 1, toReplace: 1, unchanged: 0, rejectedCount: 1, uploadId: null });
    if (!preview.ok) return;
    expect(preview.replacements[0]).toMatchObject({ line: 3, odsCode: "P92001", month: "2016-10", before: { registered: before.registered, optedIn: before.optedIn }, after: { registered: 6000, optedIn: 3000 } });
    expect(preview.rejected[0]).toMatchObject({ line: 4, reason: expect.stringContaining("after the reporting date's month") });
    expect(returnsFor(practice.stale.id, "2016-10")).toBeUndefined();
    expect(returnsFor(orgId("P92001"), "2016-10")).toEqual(before);
  });

  it("imports a checked file all together with one audit row, and an identical re-upload changes nothing", async () => {
    const text = [HEADER, `${practice.stale.odsCode},2016-09,1000,705,15,280`, `${practice.stale.odsCode},2016-10,1000,710,20,270`, `${practice.gaps.odsCode},2016-10,2000,1510,0,490`].join("\r\n");
    const first = previewOptInUpload({ userId: programmeUserId(), fileName: "returns.csv", text });
    expect(first).toMatchObject({ ok: true, toAdd: 2, toReplace: 1, unchanged: 0, rejectedCount: 0, uploadId: expect.any(String) });
    const auditBefore = db().select({ n: count() }).from(auditLog).get()!.n;
    const result = await confirmOptInUpload({ actor: actor(), userId: programmeUserId(), uploadId: (first as { uploadId: string }).uploadId });
    expect(result).toEqual({ ok: true, added: 2, replaced: 1, unchanged: 0 });
    expect(returnsFor(practice.stale.id, "2016-10")).toMatchObject({ optedIn: 710, notAsked: 270, uploadedBy: programmeUserId() });
    expect(returnsFor(practice.gaps.id, "2016-10")).toMatchObject({ optedIn: 1510 });
    const audits = db().select().from(auditLog).where(eq(auditLog.action, "opt_in_returns.upload")).all();
    expect(db().select({ n: count() }).from(auditLog).get()!.n).toBe(auditBefore + 1);
    expect(JSON.parse(audits.at(-1)!.after!)).toMatchObject({ fileName: "returns.csv", rows: 3, added: 2, replaced: 1, unchanged: 0 });
    expect(JSON.parse(audits.at(-1)!.before!).replaced[0]).toMatchObject({ optedIn: 1500 });

    const again = previewOptInUpload({ userId: programmeUserId(), fileName: "returns.csv", text });
    expect(again).toMatchObject({ ok: true, toAdd: 0, toReplace: 0, unchanged: 3, rejectedCount: 0, uploadId: null });
    // A confirm cannot be replayed: the preview is used up.
    expect(await confirmOptInUpload({ actor: actor(), userId: programmeUserId(), uploadId: (first as { uploadId: string }).uploadId })).toMatchObject({ ok: false });
  });

  it("refuses to confirm another user's preview", async () => {
    const text = [HEADER, `${practice.stale.odsCode},2016-07,1000,690,10,300`].join("\n");
    const preview = previewOptInUpload({ userId: programmeUserId(), fileName: "jul.csv", text }) as { uploadId: string };
    expect(await confirmOptInUpload({ actor: actor(), userId: programmeUserId() + 1, uploadId: preview.uploadId })).toEqual({ ok: false, error: expect.stringContaining("expired") });
    expect(await confirmOptInUpload({ actor: actor(), userId: programmeUserId(), uploadId: "../../etc/passwd" })).toMatchObject({ ok: false });
  });

  it("is all or nothing: a row that fails in the database rolls back every row and the audit", async () => {
    const text = [HEADER, `${practice.stale.odsCode},2016-06,1000,650,10,340`, `${practice.stale.odsCode},2016-05,1000,640,10,350`].join("\n");
    const preview = previewOptInUpload({ userId: programmeUserId(), fileName: "bad.csv", text }) as { uploadId: string };
    // Tamper with the rows the preview checked and staged on this connection so the second breaks the table's CHECK.
    expect(connection().sqlite.prepare("update temp.opt_in_upload_rows set opted_in = 9999 where month = '2016-05'").run().changes).toBe(1);
    const audits = db().select({ n: count() }).from(auditLog).get()!.n;
    await expect(confirmOptInUpload({ actor: actor(), userId: programmeUserId(), uploadId: preview.uploadId })).rejects.toThrow(/CHECK constraint/);
    expect(returnsFor(practice.stale.id, "2016-06")).toBeUndefined();
    expect(db().select({ n: count() }).from(auditLog).get()!.n).toBe(audits);
  });

  it("counts a return someone else wrote between the preview and the confirm as it now stands", async () => {
    const org = createOrganisation(db(), { odsCode: "Q88001", name: "Meanwhile Practice", type: "gp_practice", locality: "Meanwhile" });
    const text = [HEADER, "Q88001,2016-08,1000,600,0,400", "Q88001,2016-09,1000,610,0,390"].join("\n");
    const preview = previewOptInUpload({ userId: programmeUserId(), fileName: "meanwhile.csv", text }) as { uploadId: string; toAdd: number };
    expect(preview.toAdd).toBe(2);
    // Someone else's import writes the same September figures first.
    createOptInReturn(db(), { organisationId: org.id, month: "2016-09", registered: 1000, optedIn: 610, declined: 0, notAsked: 390 });
    expect(await confirmOptInUpload({ actor: actor(), userId: programmeUserId(), uploadId: preview.uploadId })).toEqual({ ok: true, added: 1, replaced: 0, unchanged: 1 });
    expect(boroughOptIn({ asAt: "2016-09-30", locality: "Meanwhile" })).toMatchObject({ registered: 1000, optedIn: 610, practicesReturned: 1 });
  });

  it("checks the kept file again when the confirm reaches a connection that did not preview it (another server process, or a restarted worker thread)", async () => {
    createOrganisation(db(), { odsCode: "Q88002", name: "Elsewhere Practice", type: "gp_practice", locality: "Elsewhere" });
    const text = [HEADER, "Q88002,2016-08,2000,1200,0,800", "Q88002,2016-09,2000,1210,0,790"].join("\n");
    const preview = previewOptInUpload({ userId: programmeUserId(), fileName: "elsewhere.csv", text }) as { uploadId: string };
    closeDb(); // the staged rows go with the connection
    expect(await confirmOptInUpload({ actor: actor(), userId: programmeUserId(), uploadId: preview.uploadId })).toEqual({ ok: true, added: 2, replaced: 0, unchanged: 0 });
    expect(boroughOptIn({ asAt: "2016-09-30", locality: "Elsewhere" })).toMatchObject({ registered: 2000, optedIn: 1210 });

    // A file that no longer passes (its practice closed meanwhile, so it is no longer a practice here) is refused whole.
    createOrganisation(db(), { odsCode: "Q88003", name: "Gone Practice", type: "gp_practice", locality: "Elsewhere" });
    const gone = previewOptInUpload({ userId: programmeUserId(), fileName: "gone.csv", text: [HEADER, "Q88003,2016-09,10,5,0,5"].join("\n") }) as { uploadId: string };
    closeDb();
    db().update(organisations).set({ type: "community_provider" }).where(eq(organisations.odsCode, "Q88003")).run();
    expect(await confirmOptInUpload({ actor: actor(), userId: programmeUserId(), uploadId: gone.uploadId })).toEqual({ ok: false, error: expect.stringContaining("no longer passes its checks") });
  });

  it("checks and imports 100,000 rows in a few seconds", async () => {
    // 5,000 practices (England has about 6,300) × 20 months.
    const rows = Array.from({ length: 5000 }, (_, i) => ({ odsCode: `X${String(i).padStart(5, "0")}`, name: `Bulk practice ${i}`, type: "gp_practice" as const, locality: "Bulkton" }));
    insertMany(db(), organisations, rows);
    const months = monthRange("2015-03", "2016-10");
    expect(months).toHaveLength(20);
    const lines = [HEADER];
    for (const r of rows) for (const [m, month] of months.entries()) lines.push(`${r.odsCode},${month},${2000 + m},${500 + m * 10},${100},${1400 - m * 9}`);
    const text = lines.join("\n");
    expect(lines.length - 1).toBe(100_000);

    const t0 = performance.now();
    const preview = previewOptInUpload({ userId: programmeUserId(), fileName: "bulk.csv", text });
    const t1 = performance.now();
    expect(preview).toMatchObject({ ok: true, rows: 100_000, toAdd: 100_000, rejectedCount: 0 });
    const result = await confirmOptInUpload({ actor: actor(), userId: programmeUserId(), uploadId: (preview as { uploadId: string }).uploadId });
    const t2 = performance.now();
    expect(result).toEqual({ ok: true, added: 100_000, replaced: 0, unchanged: 0 });
    const reupload = previewOptInUpload({ userId: programmeUserId(), fileName: "bulk.csv", text });
    const t3 = performance.now();
    expect(reupload).toMatchObject({ toAdd: 0, toReplace: 0, unchanged: 100_000 });
    console.log(
      `100,000 opt-in rows (${(text.length / 1e6).toFixed(1)} MB): check and preview ${((t1 - t0) / 1000).toFixed(2)} s, import ${((t2 - t1) / 1000).toFixed(2)} s, identical re-upload check ${((t3 - t2) / 1000).toFixed(2)} s`,
    );
    expect(boroughOptIn({ asAt: "2016-10-31", locality: "Bulkton" })).toMatchObject({ practicesReturned: 5000, registered: 5000 * 2019 });
    // A generous limit: the machine running the tests may be shared (the benchmark measures speed).
  }, 180_000);
});

describe("consent routes", () => {
  function multipart(pathname: string, cookie: string, file: File | null, extraHeaders: Record<string, string> = {}) {
    const form = new FormData();
    if (file) form.append("file", file);
    return new Request(`http://localhost${pathname}`, { method: "POST", body: form, headers: { Cookie: cookie, ...extraHeaders } });
  }

  for (const email of ["admin", "board", "ig", "ig.gp", "ccg", "practitioner"]) {
    it(`refuses the upload page and both upload steps to ${email}@example.org`, async () => {
      const cookie = await signInAs(`${email}@example.org`);
      expect(statusOf(await settle(() => uploadLoader({ request: getRequest("/consent/upload", cookie), params: {}, context: {} })))).toBe(403);
      const file = new File([`${HEADER}\nP92001,2016-10,10,5,5,0\n`], "r.csv", { type: "text/csv" });
      expect(statusOf(await settle(() => uploadAction({ request: multipart("/consent/upload", cookie, file), params: {}, context: {} })))).toBe(403);
      expect(statusOf(await settle(() => uploadAction({ request: postRequest("/consent/upload", { uploadId: crypto.randomUUID() }, cookie), params: {}, context: {} })))).toBe(403);
      expect(returnsFor(orgId("P92001"), "2016-10")!.registered).not.toBe(10);
    });
  }

  it("starts the import's thread when the programme team opens the upload page, so it is ready before the file is sent", async () => {
    await closeImportPool();
    expect(importThreadRunning()).toBe(false);
    const cookie = await signInAs("programme@example.org");
    await uploadLoader({ request: getRequest("/consent/upload", cookie), params: {}, context: {} });
    await vi.waitFor(() => expect(importThreadRunning()).toBe(true), { timeout: 10_000 });
  });

  it("lets the programme team preview and confirm through the route, then shows the new borough rate", async () => {
    const cookie = await signInAs("programme@example.org");
    const before = await consentPage("/consent", cookie);
    const file = new File([`${HEADER}\nP92003,2016-10,5000,5000,0,0\n`], "p92003.csv", { type: "text/csv" });
    const preview = dataOf<{ step: string; preview: { uploadId: string; toReplace: number } }>(await uploadAction({ request: multipart("/consent/upload", cookie, file), params: {}, context: {} }));
    expect(preview).toMatchObject({ step: "preview", preview: { toReplace: 1 } });
    const confirmed = (await settle(() => uploadAction({ request: postRequest("/consent/upload", { uploadId: preview.preview.uploadId }, cookie), params: {}, context: {} }))) as Response;
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get("Location")).toBe("/consent");
    const after = await consentPage("/consent", cookie);
    expect(after.borough.rate!).toBeGreaterThan(before.borough.rate!);
  });

  it("says clearly when the file is too large, not CSV, or missing, and changes nothing", async () => {
    const cookie = await signInAs("programme@example.org");
    const big = new File([`${HEADER}\n`, "x".repeat(21 * 1024 * 1024)], "big.csv", { type: "text/csv" });
    const tooBig = await uploadAction({ request: multipart("/consent/upload", cookie, big), params: {}, context: {} });
    expect(statusOf(tooBig)).toBe(413);
    expect(dataOf<{ errors: { file: string } }>(tooBig).errors.file).toMatch(/larger than 20 MB/);
    const xlsx = new File([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0xff, 0xfe])], "returns.xlsx");
    const notCsv = await uploadAction({ request: multipart("/consent/upload", cookie, xlsx), params: {}, context: {} });
    expect(dataOf<{ errors: { file: string } }>(notCsv).errors.file).toMatch(/not a CSV file/);
    const binary = new File([new Uint8Array([0x00, 0x01, 0xff, 0xfe, 0x00])], "returns.csv");
    expect(dataOf<{ errors: { file: string } }>(await uploadAction({ request: multipart("/consent/upload", cookie, binary), params: {}, context: {} })).errors.file).toMatch(/not a CSV file/);
    const none = await uploadAction({ request: multipart("/consent/upload", cookie, null), params: {}, context: {} });
    expect(dataOf<{ errors: { file: string } }>(none).errors.file).toBe("Choose a CSV file of opt-in returns to upload");
  });

  it("shows every signed-in role the consent page, and downloads the practice table as CSV with the filters", async () => {
    const cookie = await signInAs("practitioner@example.org");
    const page = await consentPage("/consent?flag=falling", cookie);
    expect(page.canUpload).toBe(false);
    expect(page.practices.total).toBeGreaterThanOrEqual(3);
    const csv = (await consentCsvLoader({ request: getRequest("/consent.csv?flag=falling", cookie), params: {}, context: {} })) as Response;
    expect(csv.headers.get("Content-Type")).toContain("text/csv");
    const text = await csv.text();
    expect(text).toContain('"ods_code","practice"');
    expect(text).toContain('"P92017"');
    expect(text).not.toContain('"P92001"');
  });

  it("reports a malformed as-at date instead of guessing", async () => {
    const cookie = await signInAs("board@example.org");
    const page = (await consentLoader({ request: getRequest("/consent?asAt=31/10/2016", cookie), params: {}, context: {} })) as { asAtError: string };
    expect(page.asAtError).toBe("The as-at date must be a real date");
  });
});
