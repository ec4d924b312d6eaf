// `npx tsx tests/bench/js-size.ts`: first-load JavaScript per page, gzipped, from the production
// build (build/client) and Remix's route manifest: the entry, root and the page's own route
// module with every chunk they import, each counted once, plus the route manifest Remix writes
// into the page. With lazy route discovery (v3_lazyRouteDiscovery, on here) that is only the
// page's own routes, inline; the whole manifest-*.js file is never fetched, so it is not counted.
// Issue 11's targets: at most 100 KiB on pages without charts, 200 KiB with charts.
// Also printed: what every page fetches after hydration (root's dynamic imports, such as
// nhsuk-frontend's scripts), which the targets' first-load figure leaves out.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";

type ManifestRoute = { id: string; parentId?: string; module: string; imports?: string[] };
type Manifest = { entry: { module: string; imports: string[] }; routes: Record<string, ManifestRoute>; url?: string };

/** Every page's first-load JavaScript from the production build in build/client, largest first. */
export function firstLoadJs() {
  const client = path.resolve("build/client");
  const assets = path.join(client, "assets");
  const manifestFile = fs.readdirSync(assets).find((f) => /^manifest-.*\.js$/.test(f));
  if (!manifestFile) throw new Error("No build/client/assets/manifest-*.js: run `npm run build` first.");
  const manifestText = fs.readFileSync(path.join(assets, manifestFile), "utf8");
  const manifest = JSON.parse(manifestText.replace(/^window\.__remixManifest=/, "").replace(/;\s*$/, "")) as Manifest;
  const gz = new Map<string, number>();
  const gzipped = (url: string) => {
    if (!gz.has(url)) gz.set(url, zlib.gzipSync(fs.readFileSync(path.join(client, url))).length);
    return gz.get(url)!;
  };
  const chain = (id: string): ManifestRoute[] => {
    const r = manifest.routes[id]!;
    return r.parentId ? [...chain(r.parentId), r] : [r];
  };
  const rows = Object.values(manifest.routes)
    .filter((r) => r.id !== "root" && r.module)
    .map((r) => {
      const files = new Set([manifest.entry.module, ...manifest.entry.imports]);
      for (const c of chain(r.id)) for (const f of [c.module, ...(c.imports ?? [])]) files.add(f);
      const partial = { ...manifest, routes: Object.fromEntries(chain(r.id).map((c) => [c.id, c])) };
      const bytes = [...files].reduce((n, f) => n + gzipped(f), 0) + zlib.gzipSync(`window.__remixManifest = ${JSON.stringify(partial, null, 2)};`).length;
      // A page with charts loads the chart figure module; recharts itself is a separate chunk loaded
      // only to draw live (hover, client-side navigation), so it is not in any first load.
      const charts = [...files].some((f) => /chart-figure|small-multiples-figure|chart-parts/i.test(f));
      // zod keeps its class names ("$ZodType") in the minified code; it must never reach the browser.
      const zod = [...files].some((f) => fs.readFileSync(path.join(client, f), "utf8").includes("$ZodType"));
      return { route: r.id.replace(/^routes\//, ""), kib: bytes / 1024, charts, zod };
    })
    .sort((a, b) => b.kib - a.kib);
  return { rows, client, manifest, gzipped };
}

function main() {
  const { rows, client, manifest, gzipped } = firstLoadJs();
  for (const r of rows) console.log(`${r.route.padEnd(50)} ${r.kib.toFixed(1).padStart(7)} KiB${r.charts ? "  (charts)" : ""}${r.zod ? "  ZOD" : ""}`);
  const worst = (charts: boolean) => Math.max(0, ...rows.filter((r) => r.charts === charts).map((r) => r.kib));
  console.log(`\nlargest without charts: ${worst(false).toFixed(1)} KiB (target 100); with charts: ${worst(true).toFixed(1)} KiB (target 200)`);
  // Chunks root.tsx imports dynamically (import("...")) are fetched by every page once it has hydrated.
  const rootChunk = fs.readFileSync(path.join(client, manifest.routes.root!.module), "utf8");
  const afterHydration = [...rootChunk.matchAll(/import\(\s*["']\.\/([^"']+\.js)["']\s*\)/g)].map((m) => `/assets/${m[1]}`);
  const afterKiB = afterHydration.reduce((n, f) => n + gzipped(f), 0) / 1024;
  console.log(`fetched by every page after hydration: ${afterKiB.toFixed(1)} KiB (${afterHydration.map((f) => path.basename(f)).join(", ") || "nothing"})`);
  const withZod = rows.filter((r) => r.zod).map((r) => r.route);
  if (withZod.length) {
    console.error(`zod reaches the browser on ${withZod.join(", ")}: a page imports something from a *.schema.ts module; import labels from *.labels.ts.`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
