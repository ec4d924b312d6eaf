// `npx remix vite:build -c tests/bench/js-chunks.vite.config.ts && npx tsx tests/bench/js-chunks.ts [route]`:
// the app's own build plus a report of which modules each browser chunk holds (Rollup's rendered
// length, minified, before gzip), written to build/client-chunks.json, to see what makes a page heavy.
import fs from "node:fs";
import path from "node:path";
import { defineConfig, mergeConfig, type Plugin } from "vite";
import base from "../../vite.config";

function chunkReport(): Plugin {
  return {
    name: "shareboard:chunk-report",
    apply: "build",
    generateBundle(options, bundle) {
      if (!options.dir?.replace(/\\/g, "/").endsWith("build/client")) return;
      const chunks = Object.values(bundle).flatMap((c) =>
        c.type === "chunk"
          ? [{ file: c.fileName, modules: Object.fromEntries(Object.entries(c.modules).map(([id, m]) => [path.relative(process.cwd(), id), m.renderedLength])) }]
          : [],
      );
      fs.mkdirSync("build", { recursive: true });
      fs.writeFileSync("build/client-chunks.json", JSON.stringify(chunks, null, 1));
    },
  };
}

// The app's config is a function of the command (the CSS is purged only when building).
export default defineConfig((env) => mergeConfig(base(env), { plugins: [chunkReport()] }));
