import { vitePlugin as remix } from "@remix-run/dev";
/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from "vite";
import { compression } from "vite-plugin-compression2";
import path from "node:path";
import { purgeNhsukFrontendCss } from "./nhsuk-css.config";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

/**
 * nhsuk-frontend's CSS loads the Frutiger web font from assets.nhs.uk. The font is licensed to
 * NHS.UK and cannot be served from here, and our Content-Security-Policy (rightly) blocks the
 * third-party request, which logged four console errors on every page. Dropping the two
 * @font-face rules leaves its own font stack ("Frutiger W01", Arial, sans-serif) to use Arial.
 */
function withoutNhsWebFont(): Plugin {
  return {
    name: "shareboard:without-nhs-web-font",
    enforce: "pre",
    transform(code, id) {
      if (!/nhsuk-frontend[\\/]dist[\\/].*\.css/.test(id)) return null;
      return { code: code.replace(/@font-face\s*\{[^}]*\}/g, ""), map: null };
    },
  };
}

/**
 * How the browser's JavaScript is split (issue 11: first load at most 100 KiB gzipped). Left to
 * itself Rollup made a chunk for every set of pages sharing a module: a form page fetched 15-20
 * files of a few hundred bytes each, and every file costs its own gzip frame, import lines with
 * unguessable hashes and a line in the page's route manifest, about a tenth of a KiB apiece. The
 * chunks are named instead: React with Remix (as Vite would make it); the UI every page needs (NHS
 * components, the error page, dates: root's header and footer come from the components barrel
 * anyway), about 8 KiB gzipped; and three smaller ones for what only some pages use (below).
 */
function browserChunks(): Plugin {
  const framework = /\/node_modules\/(react|react-dom|scheduler|@remix-run|react-router|react-router-dom|turbo-stream)\//;
  // json-text.ts: a few bytes that pages sent their figures as JSON text read them back with.
  const ui = /\/app\/components\/(nhs\/|error-boundary\.tsx)|\/app\/lib\/(dates|iso-date|json-text)\.ts$/;
  return {
    name: "shareboard:browser-chunks",
    config(_config, { isSsrBuild }) {
      if (isSsrBuild) return;
      return {
        build: {
          rollupOptions: {
            output: {
              manualChunks(id) {
                const path = id.replace(/\\/g, "/");
                if (framework.test(path)) return "framework";
                // Date arithmetic (date-fns) is for the few pages that add days or months in the browser;
                // dates.ts (in the UI chunk, for the date input) only re-exports it.
                if (/\/app\/lib\/date-arithmetic\.ts$|\/node_modules\/date-fns\//.test(path)) return "date-arithmetic";
                // Form and detail components most registers do not use (radios, checkboxes, text areas,
                // file upload, summary lists, details): their own chunk, so a register fetches only what
                // it draws. The components' forwardRef calls are marked pure, so the barrel does not pull them in.
                if (/\/app\/components\/nhs\/(Checkboxes|FileUpload|SummaryList|Details|Radios|Fieldset|Textarea)\.tsx$/.test(path)) return "ui-more";
                // The NHS pagination is on four pages (admin, notifications, transparency): not in everyone's UI chunk.
                if (path.endsWith("/app/components/nhs/Pagination.tsx")) return "pagination";
                if (ui.test(path)) return "ui";
                return undefined;
              },
            },
          },
        },
      };
    },
  };
}

/**
 * The browser's files compressed once, when built (Brotli at its best and gzip, beside each file:
 * `x.js.br`, `x.js.gz`), so the server sends them as they are (express-static-gzip in
 * app/server.ts) instead of compressing each one for every first visit: the compression middleware
 * took the 264 KB framework chunk from 923 req/s to 129 with a browser's Accept-Encoding. Only the
 * browser build; the server's own files are never sent.
 */
function precompressedBrowserFiles(): Plugin {
  return {
    ...compression({ algorithms: ["brotliCompress", "gzip"], include: /\.(js|css|svg)$/, threshold: 1024, skipIfLargerOrEqual: true, logLevel: "silent" }),
    apply: (_config, env) => env.command === "build" && !env.isSsrBuild,
  };
}

export default defineConfig(({ command }) => ({
  resolve: { alias: { "~": path.resolve(__dirname, "app") } },
  server: { port: 3000 },
  build: {
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      // Two notices that look like failures but are not: resource routes (CSV, API, healthz) have no
      // browser code, so their client chunk is empty by design; zod ships explanatory comments next
      // to its /*@__PURE__*/ annotations, which Rollup drops. Every other warning still prints.
      onwarn(warning, warn) {
        if (warning.code === "EMPTY_BUNDLE" || warning.code === "INVALID_ANNOTATION") return;
        // The root error page loads the as-at form on demand (it is rarely shown) while register pages
        // import it directly; Vite notes that the form therefore stays in its own chunk, which is the intent.
        if (warning.plugin === "vite:reporter" && /components\/filter-form\.tsx is dynamically imported/.test(warning.message)) return;
        warn(warning);
      },
    },
  },
  // nhsuk-frontend's CSS keeps an IE hack (`@media screen\0`) that esbuild's CSS minifier warns about
  // and leaves as it is; the rule only ever applied to Internet Explorer.
  esbuild: { logOverride: { "css-syntax-error": "silent" } },
  // The production build ships only the nhsuk-frontend CSS ShareBoard uses (nhsuk-css.config.ts):
  // its stylesheet blocks the first paint. The dev server keeps it whole.
  css: command === "build" ? { postcss: { plugins: [purgeNhsukFrontendCss()] } } : undefined,
  test: {
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.{ts,tsx}"] } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.{ts,tsx}"],
          globalSetup: ["tests/setup/template-db.ts"],
          setupFiles: ["tests/setup/db-per-file.ts"],
          pool: "forks",
          testTimeout: 20000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/setup/e2e-server.ts"],
          testTimeout: 90000,
          hookTimeout: 120000,
        },
      },
    ],
  },
  plugins: [
    withoutNhsWebFont(),
    browserChunks(),
    precompressedBrowserFiles(),
    // The Remix plugin builds the app; vitest runs models and routes directly.
    !process.env.VITEST &&
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
        v3_routeConfig: true,
      },
    }),
  ],
}));
