// Which of nhsuk-frontend's CSS the production build ships. Its stylesheet (31.5 KiB gzipped)
// blocks every page's first paint and ShareBoard uses about a third of it, so the build keeps
// only the rules whose classes appear in our code or in the nhsuk-frontend scripts we start.
// Used by vite.config.ts (production build) and tests/unit/nhsuk-css.test.ts.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import purgeCSSPlugin, { type UserDefinedOptions } from "@fullhuman/postcss-purgecss";
import type { AcceptedPlugin, Plugin } from "postcss";

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const APP_DIR = path.join(ROOT, "app");
const NHSUK_COMPONENTS_DIR = path.join(ROOT, "node_modules/nhsuk-frontend/dist/nhsuk/components");

/**
 * The folders of the nhsuk-frontend scripts app/lib/nhsuk-behaviour.ts starts: the classes they
 * name (the header's "More" menu, the file upload's drop zone) are kept. A unit test checks this
 * list against NHS_FRONTEND_COMPONENTS.
 */
export const STARTED_NHSUK_SCRIPTS = ["button", "checkboxes", "error-summary", "file-upload", "header", "notification-banner", "radios", "scroll", "skip-link"];

/**
 * Classes those scripts build from a name and a modifier at run time (`${moduleName}--scrollable`),
 * which no scan of their source can see, and the body classes the inline script in app/root.tsx adds.
 */
const RUNTIME_CLASSES = [/--scrollable/, /__conditional--hidden/, /__drop-button--/, /file-upload(__drop-zone)?--disabled/];
const BODY_CLASSES = ["js-enabled", "nhsuk-frontend-supported"];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/**
 * Class names our components make from a prefix and a prop (`nhsuk-button--${variant}`): every
 * class with such a prefix is kept, so a variant used nowhere in the code today still has its look.
 * (A whole name followed by an expression, `nhsuk-button${extra}`, is found by the scan itself.)
 */
export function builtClassPrefixes(files = sourceFiles(APP_DIR)): string[] {
  const prefixes = new Set<string>();
  for (const file of files) {
    for (const match of fs.readFileSync(file, "utf8").matchAll(/(nhsuk-[a-z0-9_-]*[_-])\$\{/g)) prefixes.add(match[1]!);
  }
  return [...prefixes].sort();
}

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function purgeOptions(): UserDefinedOptions {
  return {
    content: [
      `${APP_DIR}/**/*.{ts,tsx}`,
      ...STARTED_NHSUK_SCRIPTS.map((name) => path.join(NHSUK_COMPONENTS_DIR, name, `${name}.mjs`)),
    ],
    safelist: {
      standard: BODY_CLASSES,
      greedy: [...RUNTIME_CLASSES, ...builtClassPrefixes().map((prefix) => new RegExp(`(^|[^a-z0-9_-])${escapeRegExp(prefix)}`))],
    },
  };
}

const isNhsukFrontendCss = (file: string | undefined) => !!file && /nhsuk-frontend[\\/]dist[\\/].*\.css/.test(file);

/** The PostCSS plugin: purges nhsuk-frontend's stylesheet only; our own app.css is left whole. */
export function purgeNhsukFrontendCss(): AcceptedPlugin {
  const purge = purgeCSSPlugin(purgeOptions()) as Plugin;
  return {
    postcssPlugin: "shareboard:purge-nhsuk-frontend-css",
    OnceExit(root, helpers) {
      if (!isNhsukFrontendCss(root.source?.input.file)) return;
      return purge.OnceExit!(root, helpers);
    },
  };
}
