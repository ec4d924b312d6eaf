// One organisation's governance position, for its organisation page: the agreements it is party
// to and the CCG's indemnity cover for it, both as at a date.
import { getDb, type DbOrTx } from "~/lib/db.server";
import { agreementsForOrganisation } from "~/models/agreements.server";
import { coverForOrganisation } from "~/models/indemnity.server";

/**
 * An organisation's agreements and indemnity cover. `mayReadIndemnity` is false for roles that may
 * not read the indemnity register: the cover rows, document references and signatories are then
 * left out (null), not merely hidden on the page.
 */
export function getOrganisationGovernance({ organisationId, asAt, mayReadIndemnity = true, db = getDb() }: { organisationId: number; asAt: string; mayReadIndemnity?: boolean; db?: DbOrTx }) {
  const indemnity = coverForOrganisation({ organisationId, asAt, db });
  if (!indemnity) return null;
  return { asAt, agreements: agreementsForOrganisation({ organisationId, asAt, db }), indemnity: mayReadIndemnity ? indemnity : null };
}
export type OrganisationGovernance = NonNullable<ReturnType<typeof getOrganisationGovernance>>;
