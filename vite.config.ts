import { vitePlugin as remix } from "@remix-run/dev";
/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import path from "node:path";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  resolve: { alias: { "~": path.resolve(__dirname, "app") } },
  server: { port: 3000 },
  build: { chunkSizeWarningLimit: 1200 },
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
});
