import type { LoaderFunctionArgs } from "@remix-run/node";
import type { DSPT_STATUSES, ORGANISATION_STATUSES } from "../../db/schema/enums";
import { apiEndpoint } from "~/lib/api.server";
import { OrganisationsEndpoint } from "~/models/api.schema";
import { listOrganisations } from "~/models/organisations.server";
import { getReportingDate } from "~/models/settings.server";

export async function loader(args: LoaderFunctionArgs) {
  return apiEndpoint(args, OrganisationsEndpoint, ({ query }) => {
    const { page, pageSize, asAt = getReportingDate(), ...filters } = query;
    const { rows, total } = listOrganisations({ asAt, ...filters, page, pageSize });
    // The row types say string; the columns hold these enumerations (checked by the response schema).
    const data = rows.map((r) => ({
      ...r,
      status: r.status as (typeof ORGANISATION_STATUSES)[number],
      dsptStatus: r.dsptStatus as (typeof DSPT_STATUSES)[number] | null,
    }));
    return { asAt, page, pageSize, total, data };
  });
}
