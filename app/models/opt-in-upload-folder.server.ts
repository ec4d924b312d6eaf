import os from "node:os";
import path from "node:path";

/**
 * The private folder (owner only) that holds opt-in return files between their upload and their
 * import: where the upload page streams a file as it arrives, and where a previewed upload is kept
 * until it is confirmed ({id}.csv beside {id}.json). A module of its own, so that the main thread
 * (opt-in-import.server.ts) names it without loading the import's code.
 */
export const OPT_IN_UPLOAD_DIR = path.join(os.tmpdir(), "shareboard-opt-in-uploads");
