import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiEndpoint } from "~/lib/api.server";
import { ExceptionsEndpoint } from "~/models/api.schema";
import { listExceptionsWithAcknowledgements } from "~/models/exception-acknowledgements.server";
import { pageOffset } from "~/lib/table-query";
import { getReportingDate } from "~/models/settings.server";

export async function loader(args: LoaderFunctionArgs) {
  return apiEndpoint(args, ExceptionsEndpoint, ({ query }) => {
    const { page, pageSize, asAt = getReportingDate(), ...filters } = query;
    // The engine's list (kept until a table one of its rules reads changes); paging is a slice of it.
    const all = listExceptionsWithAcknowledgements({ asAt, ...filters });
    return { asAt, page, pageSize, total: all.length, data: all.slice(pageOffset(page, pageSize), pageOffset(page, pageSize) + pageSize) };
  });
}
