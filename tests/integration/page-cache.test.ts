import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { cachedTables, memoiseByDataVersion } from "~/lib/data-version.server";
import { addComment } from "~/models/cases.server";
import { confirmOptInUpload, previewOptInUpload } from "~/models/opt-in-upload.server";
import { endCoverEarly } from "~/models/indemnity-changes.server";
import { getUserWithRoles } from "~/models/users.server";
import { loader as consentLoader } from "~/routes/consent._index";
import { loader as indemnityLoader } from "~/routes/indemnity._index";
import { businessCases, indemnityCovers, organisations, users } from "../../db/schema";
import { dataOf, getRequest, signInAs, pageDataOf } from "../helpers/requests";

// The register pages answer from figures kept until a table they read changes (memoiseByDataVersion):
// the same figures for every reader, worked out once. These tests prove a change the page reads is
// shown at once, and a change it does not read (a comment on a business case) recomputes nothing.

const ASAT = "2016-10-31";
const userOf = (email: string) => getUserWithRoles({ userId: getDb().select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id })!;
const actorOf = (email: string) => ({ userId: userOf(email).id, label: email });
const recompute = () => {
  throw new Error("recomputed");
};

function commentOnACase() {
  const programme = userOf("programme@example.org");
  const kase = getDb().select().from(businessCases).get()!;
  addComment({ actor: actorOf(programme.email), user: programme, reference: kase.reference, body: "A comment changes no register" });
}

type IndemnityPage = { practices: { covered: number; total: number }; viewableWithoutCover: { odsCode: string }[]; viewableWithoutCoverTotal: number };
type ConsentPage = { practices: { rows: { odsCode: string; month: string | null; optedIn: number | null }[] } };

describe("register pages kept until a table they read changes", () => {
  it("shows cover ended early on /indemnity at once, and recomputes nothing for a comment", async () => {
    const cookie = await signInAs("ccg@example.org");
    const page = async () => pageDataOf<IndemnityPage>(await indemnityLoader({ request: getRequest(`/indemnity?asAt=${ASAT}`, cookie), params: {}, context: {} }));
    const before = await page();
    expect(before.viewableWithoutCover.map((p) => p.odsCode)).not.toContain("P92050");

    // The key is every argument the loader passes: the date and the query (the default view, sort and page).
    const key = { asAt: ASAT, query: { view: "practices", sort: { id: "practice", desc: false }, page: 1, pageSize: 25 } };
    const tables = cachedTables("indemnity-register", key);
    expect(tables).toEqual(expect.arrayContaining(["indemnity_covers", "organisations", "deployment_status_events", "settings"]));
    expect(tables).not.toContain("business_case_comments");

    // A comment is a change to tables the register did not read: the kept figures still answer.
    commentOnACase();
    expect(() => memoiseByDataVersion("indemnity-register", key, getDb(), recompute)).not.toThrow();
    expect(await page()).toEqual(before);

    // The CCG ends P92050's cover early: its record is viewable with no cover in force, on the page at once.
    const practice = getDb().select({ id: organisations.id }).from(organisations).where(eq(organisations.odsCode, "P92050")).get()!;
    const cover = getDb().select().from(indemnityCovers).where(eq(indemnityCovers.organisationId, practice.id)).all().at(-1)!;
    const ccg = userOf("ccg@example.org");
    endCoverEarly({ actor: actorOf(ccg.email), user: ccg, coverId: cover.id, input: { endedOn: "2016-10-15", endReason: "The practice's indemnity moved to its own insurer" } });
    expect(() => memoiseByDataVersion("indemnity-register", key, getDb(), recompute)).toThrow("recomputed");
    const after = await page();
    expect(after.viewableWithoutCover.map((p) => p.odsCode)).toContain("P92050");
    expect(after.viewableWithoutCoverTotal).toBe(before.viewableWithoutCoverTotal + 1);
    expect(after.practices).toEqual({ covered: before.practices.covered - 1, total: before.practices.total });
  });

  it("shows an imported opt-in return on /consent at once, and recomputes nothing for a comment", async () => {
    const cookie = await signInAs("board@example.org");
    const query = `/consent?asAt=${ASAT}&sort=name&pageSize=200`;
    const page = async () => pageDataOf<ConsentPage>(await consentLoader({ request: getRequest(query, cookie), params: {}, context: {} }));
    const rowOf = (p: ConsentPage) => p.practices.rows.find((r) => r.odsCode === "P92001");
    const before = await page();
    expect(rowOf(before)).toMatchObject({ month: "2016-10" });
    expect(rowOf(before)!.optedIn).not.toBe(3210);

    const key = { asAt: ASAT, locality: null, flag: null, sort: { id: "name", desc: false }, page: 1, pageSize: 200 };
    // The consent read models stand for the returns they are derived from (db/read-model-sources.ts).
    expect(cachedTables("consent-register", key)).toEqual(expect.arrayContaining(["opt_in_returns", "organisations"]));
    commentOnACase();
    expect(() => memoiseByDataVersion("consent-register", key, getDb(), recompute)).not.toThrow();
    expect(await page()).toEqual(before);

    // The programme team imports a corrected October return for P92001.
    const programme = userOf("programme@example.org");
    const preview = previewOptInUpload({ userId: programme.id, fileName: "oct.csv", text: ["ods_code,month,registered,opted_in,declined,not_asked", "P92001,2016-10,6000,3210,100,2690"].join("\n") });
    expect(preview).toMatchObject({ ok: true, toReplace: 1 });
    expect(await confirmOptInUpload({ actor: actorOf(programme.email), userId: programme.id, uploadId: (preview as { uploadId: string }).uploadId })).toMatchObject({ ok: true, replaced: 1 });
    expect(rowOf(await page())).toMatchObject({ month: "2016-10", optedIn: 3210 });
  });
});
