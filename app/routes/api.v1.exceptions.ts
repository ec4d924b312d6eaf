import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiEndpoint } from "~/lib/api.server";
import { ExceptionsEndpoint } from "~/models/api.schema";
import { listExceptionsWithAcknowledgements } from "~/models/exception-acknowledgements.server";
import { getReportingDate } from "~/models/settings.server";

export async function loader(args: LoaderFunctionArgs) {
  return apiEndpoint(args, ExceptionsEndpoint, ({ query }) => {
    const { page, pageSize, asAt = getReportingDate(), ...filters } = query;
    // The engine computes every rule's exceptions at once; paging is a slice of its list.
    const all = listExceptionsWithAcknowledgements({ asAt, ...filters });
    return { asAt, page, pageSize, total: all.length, data: all.slice((page - 1) * pageSize, page * pageSize) };
  });
}
