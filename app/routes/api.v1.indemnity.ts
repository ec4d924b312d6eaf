import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiEndpoint } from "~/lib/api.server";
import { IndemnityEndpoint } from "~/models/api.schema";
import { listCovers } from "~/models/indemnity.server";
import { getReportingDate } from "~/models/settings.server";

export async function loader(args: LoaderFunctionArgs) {
  return apiEndpoint(args, IndemnityEndpoint, ({ query }) => {
    const { page, pageSize, asAt = getReportingDate(), ...filters } = query;
    const { rows, total } = listCovers({ asAt, ...filters, page, pageSize });
    // Who signed the cover is a person's name: not disclosed through the API.
    return { asAt, page, pageSize, total, data: rows.map(({ id, signedBy: _signedBy, ...row }) => ({ coverId: id, ...row })) };
  });
}
