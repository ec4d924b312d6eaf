import { sql } from "drizzle-orm";
import { getDb } from "~/lib/db.server";

export function checkDatabase(): { ok: boolean; error?: string } {
  try {
    getDb().get(sql`select 1`);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
