// The production server: prepares the database, then serves the Remix build with security
// headers, a same-origin guard for every write and static files. Run by `npm start` (after
// `npm run build`) as `tsx app/server.ts`.
import path from "node:path";
import express from "express";
import compression from "compression";
import expressStaticGzip from "express-static-gzip";
import type { ServerBuild } from "@remix-run/node";
import { ensureSessionSecret, prepareDatabase } from "../db/setup";
import { env } from "./lib/env.server";
import { securityHeaders, sameOriginGuard, trustProxySetting } from "./lib/http-security.server";
import { finalErrorHandler, guardedRequestHandler, requestLog } from "./lib/http-guard.server";
import { logger } from "./lib/logger.server";
import { audit } from "./lib/audit.server";
import { connection, transaction } from "./lib/db.server";
import { startAuditAndBackups } from "./lib/reliability.server";
import { startNotificationScheduler } from "./lib/notification-scheduler.server";
import { describeFailpoints } from "./lib/failpoints.server";

function log(line: string) {
  logger().info(line);
}

async function main() {
  ensureSessionSecret(log);
  let config;
  try {
    config = env();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  for (const line of describeFailpoints()) logger().warn(line);
  await prepareDatabase(log);
  // The server's connection keeps 4 MiB of database pages (SHAREBOARD_SQLITE_CACHE_KIB), not
  // better-sqlite3's 16: pages come from figures kept in memory or from the OS's file cache, and
  // people browsing other dates (`npm run bench:past-dates`) filled all 16 in each worker. At 4 the
  // server peaked at 504 MiB rather than 562 under that load, answering as many a second.
  connection().sqlite.pragma(`cache_size = -${config.SHAREBOARD_SQLITE_CACHE_KIB}`);
  const stopSchedules = startAuditAndBackups(connection(), log);

  const buildPath = path.resolve("build/server/index.js");
  let build: ServerBuild;
  try {
    build = (await import(buildPath)) as ServerBuild;
  } catch {
    console.error(`No build found at ${buildPath}: run \`npm run build\` first (npm start does this for you).`);
    process.exit(1);
  }

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trustProxySetting(process.env.TRUST_PROXY));
  app.use(compression());
  app.use(securityHeaders({ development: false }));
  app.use(requestLog());
  app.use(
    sameOriginGuard((req, res, reason) => {
      transaction((tx) =>
        audit(tx, { userId: null, label: "anonymous", ip: req.ip ?? null, requestId: res.locals.requestId as string }, {
          action: "access.refused",
          entityType: "route",
          entityId: req.path,
          after: { method: req.method, reason },
        }),
      );
    }),
  );
  // A write answered: the figures it moved are worked out again by this worker a moment later,
  // not by the next person to look (app/models/figure-refresh.server.ts).
  const scheduleFigureRefresh = (build.entry.module as { scheduleFigureRefresh?: () => void }).scheduleFigureRefresh;
  app.use((req, res, next) => {
    if (scheduleFigureRefresh && req.method !== "GET" && req.method !== "HEAD") res.on("finish", () => res.statusCode < 400 && scheduleFigureRefresh());
    next();
  });
  // The browser's files as the build compressed them (vite.config.ts), Brotli or gzip as the browser
  // takes them; the compression middleware leaves an answer that already has its Content-Encoding.
  app.use("/assets", expressStaticGzip("build/client/assets", { enableBrotli: true, orderPreference: ["br", "gzip"], index: false, serveStatic: { immutable: true, maxAge: "1y" } }));
  // Other public files (favicon.ico and the like) all have an extension; a page's path never asks
  // the disk (the look-up cost every page request 5-7% of its time at national scale), nor does a
  // page's data (`/consent.data`, what the browser fetches for a page opened inside the app).
  const publicFiles = express.static("build/client", { maxAge: "1h", index: false, redirect: false });
  app.use((req, res, next) => (path.extname(req.path) && req.path !== "/" && !req.path.endsWith(".data") ? publicFiles(req, res, next) : next()));
  app.all(
    "*",
    guardedRequestHandler({
      build,
      mode: "production",
      getLoadContext: (req, res) => ({
        cspNonce: res.locals.cspNonce as string,
        requestId: res.locals.requestId as string,
        clientIp: req.ip ?? "unknown",
      }),
    }),
  );
  app.use(finalErrorHandler());

  // The most-read pages' figures worked out a moment after the start, not by their first reader.
  const workOutFiguresAtStart = (build.entry.module as { workOutFiguresAtStart?: () => void }).workOutFiguresAtStart;
  const server = app.listen(config.PORT, () => {
    log(`ShareBoard is running on http://localhost:${config.PORT}`);
    workOutFiguresAtStart?.();
  });
  // Daily reminders (with a catch-up for missed days now) and, with SMTP_URL, the e-mail sender.
  const notifications = startNotificationScheduler({ log });
  const stop = () => {
    stopSchedules();
    notifications.stop();
    server.close(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
