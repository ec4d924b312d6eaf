import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiEndpoint } from "~/lib/api.server";
import { SummaryEndpoint } from "~/models/api.schema";
import { getReportingDate } from "~/models/settings.server";
import { getProgrammeSummary } from "~/models/summary.server";

export async function loader(args: LoaderFunctionArgs) {
  return apiEndpoint(args, SummaryEndpoint, ({ query }) => {
    const { asAt = getReportingDate(), locality = null, organisationType = null } = query;
    const summary = getProgrammeSummary({ asAt, locality, organisationType });
    return { ...summary, organisationType };
  });
}
