import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach } from "vitest";
import { createSharedCacheFile, resetSharedCache } from "~/lib/shared-cache.server";

/**
 * Gives each test of the calling file a fresh workers' shared store (app/lib/shared-cache.server.ts),
 * as the cluster's primary makes one at each start, and takes it away afterwards.
 */
export function useFreshSharedCache(afterEachToo: () => void = () => {}) {
  let dir = "";
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-shared-test-"));
    process.env.SHAREBOARD_SHARED_CACHE_FILE = path.join(dir, "shared.sqlite");
    createSharedCacheFile(process.env.SHAREBOARD_SHARED_CACHE_FILE);
    resetSharedCache();
  });
  afterEach(() => {
    resetSharedCache();
    delete process.env.SHAREBOARD_SHARED_CACHE_FILE;
    delete process.env.SHAREBOARD_SHARED_CACHE_MAX_BYTES;
    afterEachToo();
    fs.rmSync(dir, { recursive: true, force: true });
  });
}
