import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// What the browser downloads follows imports: a component or a labels module that reaches a zod
// schema module puts zod's 27 KiB (gzipped) on every page that uses it, because Rollup keeps the
// schemas' module-level z.object(...) calls. Components and *.labels.ts must stay zod-free; the
// zod schemas (*.schema.ts) are for loaders and actions, which Remix keeps out of the browser.

const app = path.resolve("app");

function resolveImport(from: string, rawSpecifier: string): string | null {
  const specifier = rawSpecifier.replace(/\?.*$/, "");
  const base = specifier.startsWith("~/") ? path.join(app, specifier.slice(2)) : specifier.startsWith(".") ? path.resolve(path.dirname(from), specifier) : null;
  if (!base) return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${path.relative(".", from)} imports ${specifier}, which does not resolve to a file`);
}

/** Value imports and re-exports of a file (type-only ones are erased and never reach the browser). */
function valueImports(file: string): string[] {
  const source = fs.readFileSync(file, "utf8");
  const found: string[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']/gms;
  for (const m of source.matchAll(statement)) {
    if (m[2]) continue;
    const names = m[3]!;
    const braces = /^\{([^}]*)\}$/s.exec(names.trim());
    if (braces && braces[1]!.split(",").map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith("type "))) continue;
    found.push(m[4]!);
  }
  for (const m of source.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) found.push(m[1]!);
  return found;
}

/** Every path from `start` to a module that must not reach the browser, as "a → b → c". */
function forbiddenPaths(start: string) {
  const problems: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string, trail: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of valueImports(file)) {
      const here = [...trail, specifier];
      if (specifier === "zod" || specifier.startsWith("zod/")) {
        problems.push(here.join(" → "));
        continue;
      }
      const target = resolveImport(file, specifier);
      if (!target || !/\.(ts|tsx)$/.test(target)) continue;
      if (/\.schema\.ts$|\.server\.tsx?$/.test(target)) {
        problems.push(here.join(" → "));
        continue;
      }
      visit(target, here);
    }
  };
  visit(start, [path.relative(".", start)]);
  return problems;
}

/** Files a module reaches through static value imports (server modules, which Remix drops, not followed). */
function reachable(start: string) {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of valueImports(file)) {
      const target = resolveImport(file, specifier);
      if (target && /\.(ts|tsx)$/.test(target) && !/\.server\.tsx?$/.test(target)) visit(target);
    }
  };
  visit(start);
  return [...seen].map((f) => path.relative(app, f));
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

describe("code the browser loads", () => {
  const labels = fs
    .readdirSync(path.join(app, "models"))
    .filter((f) => f.endsWith(".labels.ts"))
    .map((f) => path.join(app, "models", f));

  it("finds the labels modules it checks", () => {
    expect(labels.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining(["agreements.labels.ts", "cases.labels.ts", "exceptions.labels.ts", "indemnity.labels.ts", "maturity.labels.ts", "rollout.labels.ts"]),
    );
  });

  it("keeps *.labels.ts free of zod, schema modules and server code", () => {
    expect(labels.flatMap(forbiddenPaths)).toEqual([]);
  });

  it("keeps components free of zod, schema modules and server code: import labels from *.labels.ts", () => {
    expect(filesUnder(path.join(app, "components")).flatMap(forbiddenPaths)).toEqual([]);
  });

  it("keeps the as-at form (with the date input and date-fns) out of root, which every page loads: its error boundary loads it when needed", () => {
    const fromRoot = reachable(path.join(app, "root.tsx"));
    expect(fromRoot).toContain("components/error-boundary.tsx");
    expect(fromRoot).not.toContain("components/filter-form.tsx");
  });

  it("has route modules take labels from *.labels.ts, not through a schema module that re-exports them", () => {
    // A route's loader and action may import schemas (Remix drops them from the browser build), but a
    // label the page itself renders, imported from <domain>.schema.ts, brings that module and zod with it.
    const problems: string[] = [];
    // Resource routes (.ts: CSV, API) have no browser code; every .tsx route module has a page.
    for (const route of filesUnder(path.join(app, "routes")).filter((f) => f.endsWith(".tsx"))) {
      const source = fs.readFileSync(route, "utf8");
      for (const m of source.matchAll(/^import\s+\{([^}]*)\}\s*from\s*["']~\/models\/([\w.-]+)\.schema["']/gm)) {
        const labelsFile = path.join(app, "models", `${m[2]}.labels.ts`);
        if (!fs.existsSync(labelsFile)) continue;
        const labels = fs.readFileSync(labelsFile, "utf8");
        for (const name of m[1]!.split(",").map((s) => s.trim()).filter((s) => s && !s.startsWith("type "))) {
          if (new RegExp(`^export\\s+(const|function|class)\\s+${name}\\b`, "m").test(labels))
            problems.push(`${path.relative(app, route)} imports ${name} from ~/models/${m[2]}.schema: import it from ~/models/${m[2]}.labels`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("keeps react-table's core out of the browser: pages take only createColumnHelper and types from it", () => {
    // useReactTable, getCoreRowModel or flexRender in a component or page put react-table's whole core
    // (14 KiB gzipped) on the page; the row model is built in the loader (app/lib/data-table.server.ts).
    const browserFiles = [...filesUnder(path.join(app, "components")), ...filesUnder(path.join(app, "routes")).filter((f) => f.endsWith(".tsx"))];
    const problems = browserFiles.flatMap((file) => {
      const source = fs.readFileSync(file, "utf8");
      return [...source.matchAll(/^import\s+\{([^}]*)\}\s*from\s*["']@tanstack\/react-table["']/gm)].flatMap((m) =>
        m[1]!
          .split(",")
          .map((name) => name.trim())
          .filter((name) => name && !name.startsWith("type ") && name !== "createColumnHelper")
          .map((name) => `${path.relative(app, file)} imports ${name} from @tanstack/react-table`),
      );
    });
    expect(problems).toEqual([]);
    expect(fs.readFileSync(path.join(app, "lib", "data-table.server.ts"), "utf8")).toContain("createTable");
  });

  it("notices a component that reaches zod through a schema module", () => {
    const dir = fs.mkdtempSync(path.join(app, "components", ".client-imports-test-"));
    try {
      const file = path.join(dir, "bad.tsx");
      fs.writeFileSync(file, 'import { DEPLOYMENT_STATUS_LABELS } from "~/models/rollout.schema";\nexport const x = DEPLOYMENT_STATUS_LABELS;\n');
      expect(forbiddenPaths(file)).toEqual([`${path.relative(".", file)} → ~/models/rollout.schema`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
