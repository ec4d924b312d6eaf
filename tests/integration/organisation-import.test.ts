import { describe, expect, it } from "vitest";
import { count, eq, like } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { auditLog, deploymentUsage, organisations } from "../../db/schema";
import { action as importOrganisations } from "~/routes/organisations.import";
import { action as importUsage } from "~/routes/rollout.usage.import";
import { BASE, dataOf, postRequest, settle, signInAs, statusOf } from "../helpers/requests";
import { epraccurLine } from "../helpers/epraccur";
import { readStagedUpload, stageUpload } from "~/lib/csv-upload.server";

type Preview = { preview?: { added: number; updated: number; skippedTotal: number; rejectedTotal: number; rejected: { line: number; reason: string }[] }; stageId?: string; errors?: Record<string, string> };

function upload(path: string, cookie: string, file: File | null, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set("intent", "preview");
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set("file", file);
  return new Request(`${BASE}${path}`, { method: "POST", body: form, headers: { Cookie: cookie } });
}

const csv = (rows: string[][]) => rows.map((r) => r.map((c) => `"${c}"`).join(",")).join("\r\n") + "\r\n";
const orgCount = () => getDb().select({ n: count() }).from(organisations).get()!.n;

async function preview(cookie: string, file: File | null, fields: Record<string, string> = { commissionerCode: "02H", includeClosed: "no" }) {
  const result = await settle(() => importOrganisations({ request: upload("/organisations/import", cookie, file, fields), params: {}, context: {} }));
  return { status: statusOf(result), body: dataOf<Preview>(result) };
}

async function confirm(cookie: string, stageId: string) {
  return (await settle(() => importOrganisations({ request: postRequest("/organisations/import", { intent: "confirm", stageId }, cookie), params: {}, context: {} }))) as Response;
}

describe("importing epraccur.csv", () => {
  it("previews added, updated, skipped and rejected lines, then imports all at once, and a second import changes nothing", async () => {
    const cookie = await signInAs("programme@example.org");
    const file = new File(
      [
        csv([
          epraccurLine({ 1: "P92001", 2: "MESNES PARK SURGERY", 10: "WN1 9ZZ" }), // existing practice: updated, keeps its locality
          epraccurLine({ 1: "Y77001", 2: "NEW PRACTICE ONE" }),
          epraccurLine({ 1: "Y77002", 2: "NEW PRACTICE TWO", 13: "C", 12: "20150101" }), // closed: skipped
          epraccurLine({ 1: "Y77003", 2: "ELSEWHERE", 15: "01G" }), // other commissioner: skipped
          epraccurLine({ 1: "Y77004", 2: "BAD DATE", 11: "2015" }), // rejected
        ]),
      ],
      "epraccur.csv",
      { type: "text/csv" },
    );
    const before = orgCount();
    const first = await preview(cookie, file);
    expect(first.status).toBe(200);
    expect(first.body.preview).toMatchObject({ added: 1, updated: 1, skippedTotal: 2, rejectedTotal: 1 });
    expect(first.body.preview!.rejected).toEqual([{ line: 5, odsCode: "Y77004", reason: 'open date "2015" is not a date as YYYYMMDD (column 11)' }]);
    expect(orgCount()).toBe(before);

    const done = await confirm(cookie, first.body.stageId!);
    expect(done.status).toBe(302);
    expect(orgCount()).toBe(before + 1);
    const updated = getDb().select().from(organisations).where(eq(organisations.odsCode, "P92001")).get()!;
    expect(updated).toMatchObject({ name: "MESNES PARK SURGERY", postcode: "WN1 9ZZ", locality: "Wigan", openedOn: "1974-04-01", commissionerCode: "02H" });
    expect(getDb().select().from(organisations).where(eq(organisations.odsCode, "Y77001")).get()).toMatchObject({ type: "gp_practice", locality: null, status: "active" });
    expect(getDb().select().from(auditLog).where(eq(auditLog.action, "organisation.import")).all()).toHaveLength(1);

    // The same file again: nothing to add or update, and nothing written.
    const again = await preview(cookie, file);
    expect(again.body.preview).toMatchObject({ added: 0, updated: 0, rejectedTotal: 1 });
    const auditRows = getDb().select({ n: count() }).from(auditLog).get()!.n;
    await confirm(cookie, again.body.stageId!);
    expect(orgCount()).toBe(before + 1);
    expect(getDb().select().from(auditLog).where(eq(auditLog.action, "organisation.import")).all()).toHaveLength(1);
    expect(getDb().select({ n: count() }).from(auditLog).get()!.n).toBe(auditRows);
  });

  it("keeps an upload for its own user only, and refuses a stage id that does not exist", async () => {
    const id = stageUpload({ userId: 3, kind: "organisations", text: "a,b\n", options: {}, fileName: "x.csv" });
    expect(readStagedUpload({ id, userId: 3, kind: "organisations" })?.text).toBe("a,b\n");
    expect(readStagedUpload({ id, userId: 4, kind: "organisations" })).toBeNull();
    expect(readStagedUpload({ id, userId: 3, kind: "usage" })).toBeNull();
    expect(readStagedUpload({ id: "../../etc/passwd", userId: 3, kind: "organisations" })).toBeNull();
    const cookie = await signInAs("programme@example.org");
    const missing = await settle(() => importOrganisations({ request: postRequest("/organisations/import", { intent: "confirm", stageId: "f".repeat(32) }, cookie), params: {}, context: {} }));
    expect(statusOf(missing)).toBe(400);
    expect(dataOf<Preview>(missing).errors?.file).toMatch(/expired or was not found/);
  });

  it("refuses empty, binary and wrong-column files with a message, changing nothing", async () => {
    const cookie = await signInAs("programme@example.org");
    const before = orgCount();
    const cases: [File | null, RegExp][] = [
      [null, /Choose a CSV file/],
      [new File([""], "empty.csv"), /empty/],
      [new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01])], "picture.csv"), /not a CSV text file/],
      [new File(["one,two,three\n1,2,3\n"], "wrong.csv"), /27 columns/],
    ];
    for (const [file, message] of cases) {
      const { status, body } = await preview(cookie, file);
      expect(status).toBe(400);
      expect(body.errors?.file).toMatch(message);
    }
    expect(orgCount()).toBe(before);
  });

  it("refuses a 50 MB upload with a message, not a 500", async () => {
    const cookie = await signInAs("programme@example.org");
    const big = new File([new Uint8Array(50 * 1024 * 1024).fill(65)], "huge.csv", { type: "text/csv" });
    const { status, body } = await preview(cookie, big);
    expect(status).toBe(400);
    expect(body.errors?.file).toBe("The file is larger than 20 MB: split it into smaller files and upload each one");
  });

  it("imports 10,000 practices in one preview and one confirm", async () => {
    const cookie = await signInAs("programme@example.org");
    const rows = Array.from({ length: 10_000 }, (_, i) => epraccurLine({ 1: `X${String(i).padStart(5, "0")}`, 2: `PRACTICE ${i}` }));
    const { body } = await preview(cookie, new File([csv(rows)], "epraccur.csv"));
    expect(body.preview).toMatchObject({ added: 10_000, rejectedTotal: 0 });
    const done = await confirm(cookie, body.stageId!);
    expect(done.status).toBe(302);
    expect(getDb().select({ n: count() }).from(organisations).where(like(organisations.odsCode, "X%")).get()!.n).toBe(10_000);
  });
});

describe("importing usage figures", () => {
  it("previews and imports monthly views per deployment, rejecting unknown deployments by line", async () => {
    const cookie = await signInAs("programme@example.org");
    const text = "ods_code,service,capability,month,views\nRY2,Leigh walk-in centre,mig_view,2016-10,1234\nRY2,No such service,mig_view,2016-10,5\nRY2,Leigh walk-in centre,mig_view,2017-01,5\n";
    const result = await settle(() => importUsage({ request: upload("/rollout/usage/import", cookie, new File([text], "usage.csv")), params: {}, context: {} }));
    const body = dataOf<{ preview: { added: number; updated: number; rejected: { line: number; reason: string }[] }; stageId: string }>(result);
    expect(body.preview.updated).toBe(1);
    expect(body.preview.rejected.map((r) => r.line)).toEqual([3, 4]);
    const done = (await settle(() => importUsage({ request: postRequest("/rollout/usage/import", { intent: "confirm", stageId: body.stageId }, cookie), params: {}, context: {} }))) as Response;
    expect(done.status).toBe(302);
    expect(getDb().select().from(deploymentUsage).all().some((u) => u.month === "2016-10" && u.views === 1234)).toBe(true);
  });
});
