// `npm run build && npm run bench:form-import -- NATIONAL.sqlite [--runs N] [--months M]`: the national
// opt-in return (12 months × 6,300 practices; `--months 90` makes it 20 MB) imported as a person
// does, through the upload page of the production cluster (`npm run serve`) on a copy of the
// national database: the page opened, the file sent as multipart form data, the preview's
// *Import* pressed. Meanwhile another client asks `/healthz` every 10 ms, as a load balancer
// would, and the server's resident memory (all its processes) is sampled with each answer; the
// asking goes on for 2 s after the import, over the refresh of figures that follows a change
// (README, Scale). Each run imports figures different from the run before, so every run replaces
// every row. Figures, not a test: it fails only when the upload or the import does.
//
// tests/bench/run.ts times the import through the same functions, in one process, as issue 11
// asks; this is what a person and everyone else on the server see (the multipart parse, the
// preview page, a confirm that may reach the other worker, the refresh after it).
import http from "node:http";
import { signIn } from "../helpers/server";
import { nationalReturnFile } from "./import";
import { numberOption } from "./options";
import { startBenchServerOnCopy } from "./bench-server";

/** `/healthz` asked every 10 ms on a connection of its own until stopped: each answer's time and when it was asked. */
function askHealth(base: string, sample: () => void) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const answers: { at: number; ms: number }[] = [];
  let asking = true;
  const done = (async () => {
    while (asking) {
      const at = performance.now();
      await new Promise<void>((resolve, reject) => {
        const req = http.get(`${base}/healthz`, { agent }, (res) => {
          res.resume();
          res.on("end", resolve);
          res.on("error", reject);
        });
        req.on("error", reject);
      });
      answers.push({ at, ms: performance.now() - at });
      sample();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    agent.destroy();
  })();
  return {
    answers,
    stop: async () => {
      asking = false;
      await done;
    },
  };
}

const slowest = (answers: { ms: number }[]) => Math.max(0, ...answers.map((a) => a.ms));

async function main() {
  const runs = numberOption("--runs", 3);
  const months = numberOption("--months", 12);
  const server = await startBenchServerOnCopy("npm run bench:form-import -- NATIONAL.sqlite [--runs N] [--months M]", "form-import");
  const file = server.file;
  const { base } = server;
  let failed = false;
  try {
    const cookie = await signIn(base, "programme@example.org");
    console.log(`${runs} imports of the national return (${months} months) through the upload form; /healthz asked every 10 ms meanwhile\n`);
    console.log("| run | rows | MB | preview s | confirm s | rows/s | /healthz slowest: import | after it (2 s) | memory MiB: before → peak |");
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for (let run = 1; run <= runs; run++) {
      const { text, rows } = nationalReturnFile(file, months, run);
      const page = await fetch(`${base}/consent/upload`, { headers: { Cookie: cookie } });
      await page.text();
      // The person chooses their file meanwhile (the page starts the import thread as it opens).
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const before = server.rssMiB();
      let peak = before;
      const health = askHealth(base, () => (peak = Math.max(peak, server.rssMiB())));
      const form = new FormData();
      form.append("file", new File([text], "national-returns.csv", { type: "text/csv" }));
      const started = performance.now();
      const preview = await fetch(`${base}/consent/upload`, { method: "POST", body: form, headers: { Cookie: cookie, Origin: base } });
      const html = await preview.text();
      const previewed = performance.now();
      const uploadId = /name="uploadId" value="([^"]+)"/.exec(html)?.[1];
      if (preview.status !== 200 || !uploadId) {
        await health.stop();
        throw new Error(`the upload answered ${preview.status} with no import to confirm`);
      }
      const confirm = await fetch(`${base}/consent/upload`, {
        method: "POST",
        redirect: "manual",
        body: new URLSearchParams({ uploadId }),
        headers: { Cookie: cookie, Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
      });
      await confirm.text();
      const finished = performance.now();
      if (confirm.status !== 302) {
        await health.stop();
        throw new Error(`the import answered ${confirm.status}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await health.stop();
      const during = health.answers.filter((a) => a.at < finished);
      const after = health.answers.filter((a) => a.at >= finished);
      const seconds = (finished - started) / 1000;
      console.log(
        `| ${run} | ${rows} | ${(text.length / 1e6).toFixed(1)} | ${((previewed - started) / 1000).toFixed(2)} | ${((finished - previewed) / 1000).toFixed(2)} | ${Math.round(rows / seconds)} | ` +
          `${slowest(during).toFixed(0)} ms (${during.length} asked) | ${slowest(after).toFixed(0)} ms (${after.length} asked) | ${before} → ${peak} (+${peak - before}) |`,
      );
    }
  } catch (error) {
    failed = true;
    console.error((error as Error).message);
  } finally {
    await server.stop();
  }
  if (failed) process.exitCode = 1;
}

void main();
