import path from "node:path";
import { openDatabase, DEFAULT_DATABASE_PATH } from "./client";
import { rebuildReadModels } from "../app/models/read-models.server";
import { audit, SYSTEM_ACTOR } from "../app/lib/audit.server";

// `npm run db:rebuild-read-models`: rebuilds every read model from the base tables, then records it
// in the audit log (which also tells every server process that its cached figures are stale).
const file = process.env.DATABASE_PATH || DEFAULT_DATABASE_PATH;
const conn = openDatabase(file);
const rebuilt = rebuildReadModels(conn.db);
conn.db.transaction((tx) => audit(tx, SYSTEM_ACTOR, { action: "read_models.rebuild", entityType: "read_model", after: { rebuilt } }));
for (const r of rebuilt) console.log(`Rebuilt ${r.name} in ${r.ms} ms`);
console.log(`Read models of ${path.resolve(file)} rebuilt from the base tables.`);
conn.sqlite.close();
