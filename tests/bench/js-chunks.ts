// `npx tsx tests/bench/js-chunks.ts [route-id-part ...]`: for each page named (default: every page over
// 100 KiB), the browser chunks its first load fetches beyond the entry, each with its gzipped size and
// the modules in it, largest first (share of the chunk's minified size). Needs the report that
// tests/bench/js-chunks.vite.config.ts writes to build/client-chunks.json during the build.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

type ManifestRoute = { id: string; parentId?: string; module: string; imports?: string[] };
type Manifest = { entry: { module: string; imports: string[] }; routes: Record<string, ManifestRoute> };

const client = path.resolve("build/client");
const assets = path.join(client, "assets");
const manifestFile = fs.readdirSync(assets).find((f) => /^manifest-.*\.js$/.test(f));
if (!manifestFile || !fs.existsSync("build/client-chunks.json"))
  throw new Error("Build first: npx remix vite:build -c tests/bench/js-chunks.vite.config.ts");
const manifest = JSON.parse(
  fs.readFileSync(path.join(assets, manifestFile), "utf8").replace(/^window\.__remixManifest=/, "").replace(/;\s*$/, ""),
) as Manifest;
const report = JSON.parse(fs.readFileSync("build/client-chunks.json", "utf8")) as { file: string; modules: Record<string, number> }[];
const byFile = new Map(report.map((c) => [`/${c.file}`, c.modules]));
const gz = (url: string) => zlib.gzipSync(fs.readFileSync(path.join(client, url))).length / 1024;
const chain = (id: string): ManifestRoute[] => {
  const r = manifest.routes[id]!;
  return r.parentId ? [...chain(r.parentId), r] : [r];
};
const base = new Set([manifest.entry.module, ...manifest.entry.imports]);
const filesOf = (id: string) => {
  const files = new Set<string>();
  for (const c of chain(id)) for (const f of [c.module, ...(c.imports ?? [])]) if (!base.has(f)) files.add(f);
  return files;
};
const baseKiB = [...base].reduce((n, f) => n + gz(f), 0);
console.log(`entry (React, Remix): ${baseKiB.toFixed(1)} KiB gz`);
const wanted = process.argv.slice(2);
const routes = Object.keys(manifest.routes).filter((id) => id !== "root" && manifest.routes[id]!.module);
const chosen = wanted.length
  ? routes.filter((id) => wanted.some((w) => id.includes(w)))
  : routes.filter((id) => baseKiB + [...filesOf(id)].reduce((n, f) => n + gz(f), 0) > 95);
for (const id of chosen) {
  const files = [...filesOf(id)];
  console.log(`\n${id}: ${(baseKiB + files.reduce((n, f) => n + gz(f), 0)).toFixed(1)} KiB gz before the manifest`);
  for (const f of files.sort((a, b) => gz(b) - gz(a))) {
    const modules = Object.entries(byFile.get(f) ?? {}).sort((a, b) => b[1] - a[1]);
    const total = modules.reduce((n, [, l]) => n + l, 0) || 1;
    console.log(`  ${path.basename(f).padEnd(44)} ${gz(f).toFixed(1).padStart(6)} KiB`);
    for (const [m, l] of modules.slice(0, 8)) console.log(`      ${((100 * l) / total).toFixed(0).padStart(3)}% ${(l / 1024).toFixed(1).padStart(6)} KiB min  ${m}`);
    if (modules.length > 8) console.log(`      ... ${modules.length - 8} more`);
  }
}
