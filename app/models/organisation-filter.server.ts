import { and, eq, exists, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { organisations } from "../../db/schema";
import type { OrganisationType } from "../../db/schema/enums";
import type { DbOrTx } from "~/lib/db.server";

/** The dashboard's filters: one locality and/or one organisation type, applied to every figure. */
export type OrganisationFilter = { locality?: string | null; organisationType?: OrganisationType | null };

export function hasOrganisationFilter(filter: OrganisationFilter) {
  return Boolean(filter.locality || filter.organisationType);
}

/** A condition on the `organisations` table (already in the query) for the filter, or undefined for none. */
export function organisationFilterSql(filter: OrganisationFilter): SQL | undefined {
  const parts = [
    filter.locality ? eq(organisations.locality, filter.locality) : undefined,
    filter.organisationType ? eq(organisations.type, filter.organisationType) : undefined,
  ].filter(Boolean) as SQL[];
  return parts.length ? and(...parts) : undefined;
}

/** EXISTS: the organisation with this id column is in the filtered group (undefined when there is no filter). */
export function organisationInFilterSql(db: DbOrTx, organisationIdColumn: SQL | unknown, filter: OrganisationFilter): SQL | undefined {
  if (!hasOrganisationFilter(filter)) return undefined;
  const o = alias(organisations, "filter_org");
  const parts = [
    sql`${o.id} = ${organisationIdColumn}`,
    filter.locality ? eq(o.locality, filter.locality) : undefined,
    filter.organisationType ? eq(o.type, filter.organisationType) : undefined,
  ].filter(Boolean) as SQL[];
  return exists(db.select({ one: sql`1` }).from(o).where(and(...parts)));
}
