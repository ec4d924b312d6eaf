// `npm run db:rebuild-read-models`: rebuilds every read model (app/models/read-models.server.ts)
// from the base tables, in one audited transaction. Safe while the server runs (it waits its turn
// for the write lock); needed only after rows were changed outside the app.
import { closeDb } from "../app/lib/db.server";
import { READ_MODELS, rebuildReadModels } from "../app/models/read-models.server";

const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = only.filter((name) => !READ_MODELS.some((m) => m.name === name));
if (unknown.length) {
  console.error(`No read model called ${unknown.join(", ")}: choose from ${READ_MODELS.map((m) => m.name).join(", ")} (or name none to rebuild all).`);
  process.exit(1);
}
for (const t of rebuildReadModels({ only: only.length ? only : undefined })) console.log(`rebuilt ${t.name} in ${t.ms} ms`);
closeDb();
