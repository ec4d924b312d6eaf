// `npm run bench:past-dates -- NATIONAL.sqlite [--seconds S] [--people N]`: people browsing other
// dates (issue 11: "past as-at dates read the same interval and rollup tables"). On a copy of the
// national database, the production cluster as `npm run serve` starts it; N people (8) each open,
// one after another, a random signed-in page at a random date from 2013 to the reporting date, for
// S seconds (120), so nearly every request is for a date nobody has opened yet. Prints, every 20 s,
// the answers and their p50 and p95 with the server's resident memory; then each page's figures
// and the peak memory. Figures, not a test: it fails only when a request errs.
import http from "node:http";
import { signIn } from "../helpers/server";
import { seededRandom } from "../helpers/seeded-random";
import { numberOption } from "./options";
import { startBenchServerOnCopy } from "./bench-server";

const PAGES = ["/", "/rollout", "/organisations", "/consent", "/maturity", "/agreements", "/indemnity", "/exceptions", "/cases", "/tasks", "/board-pack", "/transparency"];
const FIRST_DAY = Date.UTC(2013, 0, 1);
/** Days from FIRST_DAY to the national database's reporting date (31 October 2016). */
const DAYS = Math.round((Date.UTC(2016, 9, 31) - FIRST_DAY) / 86_400_000) + 1;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

function get(agent: http.Agent, url: string, cookie: string) {
  return new Promise<{ ms: number; status: number }>((resolve, reject) => {
    const started = performance.now();
    const req = http.request(url, { agent, headers: { cookie } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ ms: performance.now() - started, status: res.statusCode ?? 0 }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

async function main() {
  const seconds = numberOption("--seconds", 120);
  const people = numberOption("--people", 8);
  const server = await startBenchServerOnCopy("npm run bench:past-dates -- NATIONAL.sqlite [--seconds S] [--people N]", "past-dates");
  const { base } = server;
  let errors = 0;
  try {
    const cookie = await signIn(base, "board@example.org");
    const agent = new http.Agent({ keepAlive: true, maxSockets: people });
    // Seeded: two runs ask for the same pages and dates in the same order.
    const random = seededRandom(20261207);
    const byPage = new Map<string, number[]>();
    let window: number[] = [];
    const started = Date.now();
    const ends = started + seconds * 1000;
    const report = setInterval(() => {
      const sorted = window.sort((a, b) => a - b);
      window = [];
      console.log(
        `${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s: ${sorted.length} answers, p50 ${quantile(sorted, 0.5).toFixed(0)} ms, p95 ${quantile(sorted, 0.95).toFixed(0)} ms; ` +
          `resident memory ${server.rssMiB()} MiB`,
      );
    }, 20_000);
    const person = async () => {
      while (Date.now() < ends) {
        const page = PAGES[Math.floor(random() * PAGES.length)]!;
        const day = new Date(FIRST_DAY + Math.floor(random() * DAYS) * 86_400_000).toISOString().slice(0, 10);
        const { ms, status } = await get(agent, `${base}${page}?asAt=${day}`, cookie);
        if (status !== 200) {
          errors++;
          console.error(`${page}?asAt=${day} answered ${status}`);
        }
        window.push(ms);
        if (!byPage.has(page)) byPage.set(page, []);
        byPage.get(page)!.push(ms);
      }
    };
    console.log(`${people} people, each opening a random page at a random date for ${seconds} s...`);
    await Promise.all(Array.from({ length: people }, person));
    clearInterval(report);
    console.log("\n| page | answers | p50 ms | p95 ms |\n|---|---:|---:|---:|");
    for (const page of PAGES) {
      const sorted = (byPage.get(page) ?? []).sort((a, b) => a - b);
      console.log(`| ${page} | ${sorted.length} | ${quantile(sorted, 0.5).toFixed(0)} | ${quantile(sorted, 0.95).toFixed(0)} |`);
    }
    const all = [...byPage.values()].flat().sort((a, b) => a - b);
    console.log(`\n${all.length} answers (${(all.length / seconds).toFixed(1)} a second), p50 ${quantile(all, 0.5).toFixed(0)} ms, p95 ${quantile(all, 0.95).toFixed(0)} ms, ${errors} errors; peak resident memory ${server.rssPeakMiB()} MiB`);
  } finally {
    await server.stop();
  }
  if (errors) process.exit(1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
