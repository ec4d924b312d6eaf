// `npx tsx tests/bench/after-write.ts NATIONAL.sqlite [--runs N] [--top K] [--refresh]`: on a copy of the national
// database (never changed), the first read of /exceptions', /board-pack's and /transparency's
// figures after one small audited change through the models to each kind of table they read, and
// which memoised figures that read worked out again (with their own time). One process, one
// connection, no shared store: what one worker pays on the first request after a write.
//
// Each pass reads every page (so all is kept), makes one change, reads the pages again timing each,
// for every kind of change. The first pass warms the code up and is not reported; the times are the
// median of the others (at most 3 passes in all: the agreement out for signature has three parties).
// With --refresh, each change is followed by what the server does a moment after answering a write
// (app/models/figure-refresh.server.ts: the most-read pages' figures worked out again), timed in a
// column of its own, before the pages are read.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { numberOption } from "./options";

type Pages = Record<string, () => unknown>;
type Write = { name: string; run: (pass: number) => void | Promise<void> };

async function main() {
  const source = process.argv[2];
  if (!source || !fs.existsSync(source)) throw new Error("Usage: npx tsx tests/bench/after-write.ts NATIONAL.sqlite [--runs N] [--top K] (build one with npm run bench:build-db -- FILE)");
  const runs = Math.min(Math.max(numberOption("--runs", 3), 2), 3);
  const top = numberOption("--top", 6);
  const refresh = process.argv.includes("--refresh");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-after-write-"));
  const file = path.join(dir, "national.sqlite");
  fs.copyFileSync(source, file);
  process.env.DATABASE_PATH = file;
  delete process.env.SHAREBOARD_SHARED_CACHE_FILE;
  delete process.env.SHAREBOARD_CACHE;
  try {
    await measure({ runs, top, refresh });
  } finally {
    const { closeDb } = await import("../../app/lib/db.server");
    closeDb();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function measure({ runs, top, refresh }: { runs: number; top: number; refresh: boolean }) {
  const { refreshCurrentFigures } = await import("../../app/models/figure-refresh.server");
  const { and, eq, gt, isNull, lte, sql } = await import("drizzle-orm");
  const { getDb } = await import("../../app/lib/db.server");
  const { cacheStats, takeFigureComputations } = await import("../../app/lib/data-version.server");
  const schema = await import("../../db/schema");
  const { getReportingDate } = await import("../../app/models/settings.server");
  const { getUserWithRoles } = await import("../../app/models/users.server");
  const { exceptionsPage } = await import("../../app/models/exception-acknowledgements.server");
  const { getBoardPack } = await import("../../app/models/board-pack.server");
  const { transparencyPage } = await import("../../app/models/transparency.server");
  const { addComment, transitionCase } = await import("../../app/models/cases.server");
  const { changeDeploymentStatus } = await import("../../app/models/rollout.server");
  const { endCoverEarly } = await import("../../app/models/indemnity-changes.server");
  const { signAgreement } = await import("../../app/models/agreement-signing.server");
  const { recordAgreementReview } = await import("../../app/models/agreement-reviews.server");
  const { confirmOptInUpload, previewOptInUpload } = await import("../../app/models/opt-in-upload.server");
  const { getFramework, recordMaturityAssessment } = await import("../../app/models/maturity.server");
  const { evidenceField, scoreField } = await import("../../app/models/maturity.labels");

  const db = getDb();
  const asAt = getReportingDate();
  const user = (email: string) => {
    const row = db.select({ id: schema.users.id }).from(schema.users).where(eq(schema.users.email, email)).get();
    if (!row) throw new Error(`The national database has no user ${email}: build it with npm run bench:build-db`);
    return getUserWithRoles({ userId: row.id })!;
  };
  const actor = (u: { id: number; email: string }) => ({ userId: u.id, label: u.email });
  const programme = user("programme@example.org");
  const ccg = user("ccg@example.org");
  const signers = ["ig@example.org", "ig.gp@example.org", "ig.council@example.org"].map(user);
  const igLead = user("ig@example.org");

  // The rows each pass changes, chosen up front so that every pass makes the same kind of change.
  const planned = db.select({ id: schema.deployments.id }).from(schema.deployments).where(eq(schema.deployments.status, "planned")).orderBy(schema.deployments.id).limit(runs).all();
  const covers = db
    .select({ id: schema.indemnityCovers.id })
    .from(schema.indemnityCovers)
    .where(and(eq(schema.indemnityCovers.status, "active"), lte(schema.indemnityCovers.startOn, "2016-09-01"), gt(schema.indemnityCovers.endOn, "2017-01-31"), isNull(schema.indemnityCovers.endedOn)))
    .orderBy(sql`${schema.indemnityCovers.id} desc`)
    .limit(runs)
    .all();
  const casesInReview = db.select({ reference: schema.businessCases.reference, version: schema.businessCases.version }).from(schema.businessCases).where(eq(schema.businessCases.state, "ig_review")).orderBy(schema.businessCases.id).limit(runs).all();
  const framework = getFramework({ code: "wgll" })!;
  const practices = db.select({ odsCode: schema.organisations.odsCode }).from(schema.organisations).where(eq(schema.organisations.type, "gp_practice")).orderBy(schema.organisations.id).limit(runs).all();
  const found = { planned: planned.length, covers: covers.length, casesInReview: casesInReview.length, practices: practices.length };
  if (Object.values(found).some((n) => n < runs)) throw new Error(`The national database lacks the rows the bench changes: ${JSON.stringify(found)}`);

  const writes: Write[] = [
    { name: "case comment", run: (i) => addComment({ actor: actor(programme), user: programme, reference: casesInReview[i]!.reference, body: `A comment from the after-write bench, pass ${i}` }) },
    {
      name: "deployment status",
      run: (i) => void changeDeploymentStatus({ actor: actor(programme), id: planned[i]!.id, input: { status: "in_progress", effectiveOn: asAt, note: "After-write bench" } }),
    },
    { name: "indemnity cover", run: (i) => void endCoverEarly({ actor: actor(ccg), user: ccg, coverId: covers[i]!.id, input: { endedOn: asAt, endReason: "After-write bench" } }) },
    {
      name: "agreement signature",
      run: (i) => void signAgreement({ actor: actor(signers[i]!), user: signers[i]!, reference: "ISA-003", input: { signatoryName: signers[i]!.name, signatoryRole: "IG lead", signedOn: asAt, authorityDeclared: true } }),
    },
    { name: "agreement review", run: () => void recordAgreementReview({ actor: actor(igLead), user: igLead, reference: "ISA-001", input: { reviewedOn: asAt, outcome: "no_change", note: null } }) },
    {
      name: "opt-in return",
      run: async (i) => {
        const preview = previewOptInUpload({ userId: programme.id, fileName: "bench.csv", text: `ods_code,month,registered,opted_in,declined,not_asked\nP92001,${asAt.slice(0, 7)},6000,${3200 + i},100,${2700 - i}` });
        if (!("uploadId" in preview)) throw new Error(`The bench's return was refused: ${JSON.stringify(preview)}`);
        const done = await confirmOptInUpload({ actor: actor(programme), userId: programme.id, uploadId: preview.uploadId as string });
        if (!done.ok) throw new Error(`The bench's return was not imported: ${JSON.stringify(done)}`);
      },
    },
    {
      name: "case step",
      run: (i) => void transitionCase({ actor: actor(igLead), user: igLead, reference: casesInReview[i]!.reference, action: "request_changes", expectedVersion: casesInReview[i]!.version, note: "After-write bench" }),
    },
    {
      name: "maturity assessment",
      run: (i) => {
        const input: Record<string, string> = { framework: "wgll", organisation: practices[i]!.odsCode, assessedOn: asAt, assessor: "After-write bench" };
        for (const d of framework.dimensions) {
          input[scoreField(d.code)] = "1";
          input[evidenceField(d.code)] = "After-write bench";
        }
        const result = recordMaturityAssessment({ actor: actor(programme), user: programme, frameworkCode: "wgll", input });
        if (!result.ok) throw new Error(`The bench's assessment was refused: ${JSON.stringify(result)}`);
      },
    },
  ];

  const pages: Pages = {
    "/exceptions": () => exceptionsPage({ asAt, page: 1, pageSize: 25 }),
    "/board-pack": () => getBoardPack({ asAt }),
    "/transparency": () => transparencyPage({ asAt, page: 1, agreementsPage: 1 }),
  };
  const readAll = () => {
    for (const read of Object.values(pages)) read();
  };

  const times = new Map<string, number[]>();
  const recomputed = new Map<string, Map<string, { count: number; selfMs: number; ms: number }>>();
  let warmMs = 0;
  for (let pass = 0; pass < runs; pass++) {
    for (const write of writes) {
      readAll();
      takeFigureComputations();
      const writeStart = performance.now();
      await write.run(pass);
      const writeMs = performance.now() - writeStart;
      if (pass > 0) times.set(`${write.name}|write`, [...(times.get(`${write.name}|write`) ?? []), writeMs]);
      if (refresh) {
        const { ms } = refreshCurrentFigures();
        takeFigureComputations();
        if (pass > 0) times.set(`${write.name}|refresh`, [...(times.get(`${write.name}|refresh`) ?? []), ms]);
      }
      for (const [page, read] of Object.entries(pages)) {
        const start = performance.now();
        read();
        const ms = performance.now() - start;
        const computed = takeFigureComputations();
        if (pass === 0) continue;
        times.set(`${write.name}|${page}`, [...(times.get(`${write.name}|${page}`) ?? []), ms]);
        const figures = recomputed.get(write.name) ?? new Map<string, { count: number; selfMs: number; ms: number }>();
        for (const [name, c] of computed) {
          const f = figures.get(name) ?? { count: 0, selfMs: 0, ms: 0 };
          figures.set(name, { count: f.count + c.count, selfMs: f.selfMs + c.selfMs, ms: f.ms + c.ms });
        }
        recomputed.set(write.name, figures);
      }
    }
    const start = performance.now();
    readAll();
    warmMs = performance.now() - start;
  }

  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const measured = runs - 1;
  const held = cacheStats();
  console.log(`First read after one change, ms (median of ${measured}; all three pages warm: ${warmMs.toFixed(1)} ms; the figures cache then held ${held.entries} figures, ${(held.bytes / 2 ** 20).toFixed(1)} of ${(held.budget / 2 ** 20).toFixed(0)} MiB)\n`);
  console.log("Pages read in this order: a figure two pages share is worked out by the first. Figures: own ms (with those worked out inside it), both dates the board pack reads together.\n");
  if (refresh) console.log("Each change was followed by the server's refresh after answering (the refresh column), then the pages were read.\n");
  const columns = ["write", ...(refresh ? ["refresh"] : []), ...Object.keys(pages)];
  console.log(`| change | ${columns.join(" | ")} | figures worked out again by the pages (own ms) |`);
  console.log(`|---|${columns.map(() => "---:").join("|")}|---|`);
  for (const write of writes) {
    const cells = columns.map((page) => median(times.get(`${write.name}|${page}`)!).toFixed(1));
    const figures = [...(recomputed.get(write.name) ?? new Map()).entries()].sort((a, b) => b[1].selfMs - a[1].selfMs);
    // Own ms, and with the figures it worked out inside it when they add much (a rule and the list it reads).
    const ms = (f: { selfMs: number; ms: number }) => `${(f.selfMs / measured).toFixed(0)}${f.ms - f.selfMs > measured * 5 ? ` (${(f.ms / measured).toFixed(0)})` : ""}`;
    const shown = figures.slice(0, top).map(([name, f]) => `${name} ${ms(f)}`);
    const rest = figures.length > top ? `, +${figures.length - top} more` : "";
    console.log(`| ${write.name} | ${cells.join(" | ")} | ${figures.length}: ${shown.join(", ")}${rest} |`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
