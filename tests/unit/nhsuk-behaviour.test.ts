import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NHS_FRONTEND_COMPONENTS } from "~/lib/nhsuk-behaviour";

function sourcesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourcesUnder(full) : /\.tsx?$/.test(entry.name) ? [fs.readFileSync(full, "utf8")] : [];
  });
}

describe("nhsuk-frontend's scripts", () => {
  it("start every component whose data-module the app renders, so none loses its behaviour", () => {
    const lines = sourcesUnder(path.resolve("app")).flatMap((source) => source.split("\n").filter((line) => line.includes("data-module")));
    const rendered = new Set(lines.flatMap((line) => [...line.matchAll(/["'](nhsuk-[a-z-]+)["']/g)].map((m) => m[1]!)));
    expect(rendered.size).toBeGreaterThan(5);
    const started = new Set(NHS_FRONTEND_COMPONENTS.map((component) => component.moduleName));
    expect([...rendered].filter((name) => !started.has(name))).toEqual([]);
  });
});
