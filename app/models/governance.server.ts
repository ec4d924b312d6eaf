// One organisation's governance position, for its organisation page: the agreements it is party
// to and the CCG's indemnity cover for it, both as at a date.
import { getDb, type DbOrTx } from "~/lib/db.server";
import { agreementsForOrganisation } from "~/models/agreements.server";
import { coverForOrganisation } from "~/models/indemnity.server";

export function getOrganisationGovernance({ organisationId, asAt, db = getDb() }: { organisationId: number; asAt: string; db?: DbOrTx }) {
  const indemnity = coverForOrganisation({ organisationId, asAt, db });
  if (!indemnity) return null;
  return { asAt, agreements: agreementsForOrganisation({ organisationId, asAt, db }), indemnity };
}
export type OrganisationGovernance = NonNullable<ReturnType<typeof getOrganisationGovernance>>;
