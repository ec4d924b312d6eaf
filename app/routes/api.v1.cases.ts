import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiEndpoint } from "~/lib/api.server";
import { CasesEndpoint } from "~/models/api.schema";
import { listCasesAsAt } from "~/models/cases.server";
import { getReportingDate } from "~/models/settings.server";

export async function loader(args: LoaderFunctionArgs) {
  return apiEndpoint(args, CasesEndpoint, ({ query }) => {
    const { page, pageSize, asAt = getReportingDate(), sponsor, ...filters } = query;
    const { rows, total, sla } = listCasesAsAt({ asAt, ...filters, sponsorOdsCode: sponsor, page, pageSize });
    return { asAt, page, pageSize, total, slaWorkingDays: sla, data: rows };
  });
}
