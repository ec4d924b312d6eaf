import { afterEach, describe, expect, it, vi } from "vitest";
import { count, eq, inArray, like } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { auditLog, optInReturns, organisations, users } from "../../db/schema";
import { applyOrganisationImport } from "~/models/organisation-import.server";
import { confirmOptInUpload, previewOptInUpload } from "~/models/opt-in-upload.server";
import { epraccurLine } from "../helpers/epraccur";

// The crash test (tests/e2e/crash.test.ts) kills the server at the failpoint "import-mid-transaction".
// Here, in one process, the kill is replaced by an exception so we can look inside: the failpoint
// is reached inside the import's transaction with rows already written (so the crash test proves
// a half-written import is rolled back), and without it the same imports go through.

const MONTHS = ["2011-01", "2011-02", "2011-03", "2011-04", "2011-05", "2011-06", "2011-07", "2011-08", "2011-09", "2011-10", "2011-11", "2011-12"];
const programme = () => getDb().select().from(users).where(eq(users.email, "programme@example.org")).get()!;

/** Arms the failpoint and makes the "kill" report what the transaction holds, then throw. */
function armFailpoint(look: () => number) {
  vi.stubEnv("SHAREBOARD_FAILPOINT", "import-mid-transaction");
  const seen: number[] = [];
  const kill = vi.spyOn(process, "kill").mockImplementation(((pid: number, signal: string) => {
    seen.push(look());
    throw new Error(`killed ${pid} with ${signal}`);
  }) as typeof process.kill);
  return { seen, kill };
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("the import-mid-transaction failpoint", () => {
  it("fires inside the organisation import's transaction after its first 500 organisations are written, and they roll back", () => {
    const text = Array.from({ length: 1_200 }, (_, i) => epraccurLine({ 1: `Y9${String(i).padStart(4, "0")}`, 2: `FAILPOINT PRACTICE ${i}` }).join(",")).join("\n");
    const newOnes = () => getDb().select({ n: count() }).from(organisations).where(like(organisations.odsCode, "Y9%")).get()!.n;
    const auditRows = () => getDb().select({ n: count() }).from(auditLog).get()!.n;
    const args = { actor: { userId: programme().id, label: "programme" }, text, options: { commissionerCode: "02H", includeClosed: false, effectiveOn: null }, fileName: "failpoint.csv" };
    const auditBefore = auditRows();

    const { seen, kill } = armFailpoint(newOnes);
    expect(() => applyOrganisationImport(args)).toThrow(/killed \d+ with SIGKILL/);
    expect(kill).toHaveBeenCalledWith(process.pid, "SIGKILL");
    expect(seen).toEqual([500]);
    expect({ organisations: newOnes(), audit: auditRows() }).toEqual({ organisations: 0, audit: auditBefore });

    vi.unstubAllEnvs();
    expect(applyOrganisationImport(args).added).toBe(1_200);
    expect(newOnes()).toBe(1_200);
  });

  it("fires inside the opt-in import's transaction with every return written, and they roll back", async () => {
    const codes = getDb().select({ code: organisations.odsCode }).from(organisations).where(eq(organisations.type, "gp_practice")).all().map((r) => r.code);
    const lines = ["ods_code,month,registered,opted_in,declined,not_asked", ...codes.flatMap((code) => MONTHS.map((month) => `${code},${month},100,50,10,40`))];
    const user = programme();
    const preview = previewOptInUpload({ userId: user.id, fileName: "returns.csv", text: lines.join("\n") });
    if (!preview.ok || !preview.uploadId) throw new Error(`The preview was refused: ${JSON.stringify(preview).slice(0, 300)}`);
    const imported = () => getDb().select({ n: count() }).from(optInReturns).where(inArray(optInReturns.month, MONTHS)).get()!.n;
    expect(codes.length * MONTHS.length).toBeGreaterThan(500);

    const { seen } = armFailpoint(imported);
    await expect(confirmOptInUpload({ actor: { userId: user.id, label: "programme" }, userId: user.id, uploadId: preview.uploadId! })).rejects.toThrow(/SIGKILL/);
    // The returns are written by one set-based statement: the process dies with all of them in the transaction.
    expect(seen).toEqual([codes.length * MONTHS.length]);
    expect(imported()).toBe(0);

    vi.unstubAllEnvs();
    expect(await confirmOptInUpload({ actor: { userId: user.id, label: "programme" }, userId: user.id, uploadId: preview.uploadId })).toMatchObject({ ok: true, added: codes.length * MONTHS.length });
    expect(imported()).toBe(codes.length * MONTHS.length);
  });
});
