import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiEndpoint } from "~/lib/api.server";
import { IndemnityPracticesEndpoint } from "~/models/api.schema";
import { listPracticeCover, recordViewers, viewersOfPracticeRecord } from "~/models/indemnity.server";
import { getReportingDate } from "~/models/settings.server";

export async function loader(args: LoaderFunctionArgs) {
  return apiEndpoint(args, IndemnityPracticesEndpoint, ({ query }) => {
    const { page, pageSize, asAt = getReportingDate(), cover, locality } = query;
    const { rows, total } = listPracticeCover({ asAt, state: cover, locality, page, pageSize });
    const viewers = recordViewers({ asAt });
    return {
      asAt,
      page,
      pageSize,
      total,
      data: rows.map(({ organisationId, organisationName, state, daysLeft: _daysLeft, ...row }) => {
        const viewing = viewersOfPracticeRecord(viewers, organisationId);
        return { ...row, name: organisationName, cover: state, servicesViewing: viewing.services, privateServicesViewing: viewing.privateServices };
      }),
    };
  });
}
