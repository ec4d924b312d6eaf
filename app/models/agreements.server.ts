import { count, eq } from "drizzle-orm";
import { agreements } from "../../db/schema";
import { getDb, type DbOrTx } from "~/lib/db.server";

export function countActiveAgreements({ db = getDb() }: { db?: DbOrTx } = {}) {
  return db.select({ n: count() }).from(agreements).where(eq(agreements.status, "active")).get()?.n ?? 0;
}
