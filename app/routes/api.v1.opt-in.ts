import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiEndpoint } from "~/lib/api.server";
import { OptInEndpoint } from "~/models/api.schema";
import { boroughOptIn, listOptInByPractice } from "~/models/consent.server";
import { getReportingDate } from "~/models/settings.server";

export async function loader(args: LoaderFunctionArgs) {
  return apiEndpoint(args, OptInEndpoint, ({ query }) => {
    const { page, pageSize, asAt = getReportingDate(), locality, flag } = query;
    const borough = boroughOptIn({ asAt, locality });
    const { rows, total } = listOptInByPractice({ asAt, locality, flag, page, pageSize });
    return {
      asAt,
      page,
      pageSize,
      total,
      borough,
      data: rows.map(({ change3, change12, ...row }) => ({ ...row, change3Months: change3, change12Months: change12 })),
    };
  });
}
