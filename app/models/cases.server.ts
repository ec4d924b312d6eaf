import { count } from "drizzle-orm";
import { businessCases } from "../../db/schema";
import type { CaseState } from "../../db/schema/enums";
import { getDb, type DbOrTx } from "~/lib/db.server";

export function countCasesByState({ db = getDb() }: { db?: DbOrTx } = {}) {
  const rows = db.select({ state: businessCases.state, n: count() }).from(businessCases).groupBy(businessCases.state).all();
  return Object.fromEntries(rows.map((r) => [r.state, r.n])) as Partial<Record<CaseState, number>>;
}
