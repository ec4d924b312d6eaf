#!/usr/bin/env node
// `npm test`: every test, the browser tests included, on a fresh machine.
// 1. finds Chromium (or installs Debian's package when it can), 2. type-checks and builds the app,
// 3. runs the unit and integration tests, then the browser tests against the production build,
// 4. prints one closing line "N passed, N failed" that adds up both runs.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

function findChromium() {
  if (process.env.CHROMIUM_PATH) {
    if (fs.existsSync(process.env.CHROMIUM_PATH)) return process.env.CHROMIUM_PATH;
    console.error(`CHROMIUM_PATH is set to ${process.env.CHROMIUM_PATH}, but there is no file there: point it at a Chromium or Chrome binary.`);
    process.exit(1);
  }
  return CANDIDATES.find((p) => fs.existsSync(p));
}

function installChromium() {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0;
  if (!isRoot || !hasApt) return false;
  console.log("No Chromium found: installing Debian's chromium package (about a minute)...");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  return spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env }).status === 0;
}

let chromium = findChromium();
if (!chromium && installChromium()) chromium = findChromium();
if (!chromium) {
  console.error("No Chromium found for the browser tests: install one with `sudo apt-get install -y chromium`, or set CHROMIUM_PATH to a Chromium or Chrome binary.");
  process.exit(1);
}

function run(cmd, args, env = {}) {
  const result = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return result.status ?? 1;
}

const bin = (name) => path.join("node_modules", ".bin", name);

console.log("Type-checking...");
if (run(bin("tsc"), ["--noEmit", "-p", "."]) !== 0) {
  console.error("Type errors: fix them, then run npm test again.");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

console.log("Building the app for the browser tests (npm run build: the Remix build and the compiled server)...");
if (run("npm", ["run", "build"]) !== 0) {
  console.error("The build failed: fix the errors above, then run npm test again.");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-report-"));
const extra = process.argv.slice(2);

function vitest(name, projects, flags = []) {
  const out = path.join(reportDir, `${name}.json`);
  const args = ["run", ...projects.flatMap((p) => ["--project", p]), "--reporter=default", "--reporter=json", `--outputFile.json=${out}`, ...flags, ...extra];
  const status = run(bin("vitest"), args, { CHROMIUM_PATH: chromium });
  let passed = 0;
  let failed = 0;
  if (fs.existsSync(out)) {
    const report = JSON.parse(fs.readFileSync(out, "utf8"));
    passed = report.numPassedTests ?? 0;
    failed = (report.numFailedTests ?? 0) + (status !== 0 && (report.numFailedTests ?? 0) === 0 ? 1 : 0);
  } else if (status !== 0) {
    failed = 1;
  }
  return { status, passed, failed };
}

const fast = vitest("unit-integration", ["unit", "integration"]);
// One server and one browser at a time: the browser test files share the server's database.
const browser = vitest("e2e", ["e2e"], ["--no-file-parallelism"]);

const passed = fast.passed + browser.passed;
const failed = fast.failed + browser.failed;
console.log("");
console.log(`${passed} passed, ${failed} failed`);
process.exit(fast.status !== 0 || browser.status !== 0 || failed > 0 ? 1 : 0);
