import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiEndpoint } from "~/lib/api.server";
import { AgreementsEndpoint } from "~/models/api.schema";
import { listAgreements } from "~/models/agreements.server";
import { getReportingDate } from "~/models/settings.server";

export async function loader(args: LoaderFunctionArgs) {
  return apiEndpoint(args, AgreementsEndpoint, ({ query }) => {
    const { page, pageSize, asAt = getReportingDate(), ...filters } = query;
    const { rows, total } = listAgreements({ asAt, ...filters, page, pageSize });
    return {
      asAt,
      page,
      pageSize,
      total,
      data: rows.map((r) => ({ ...r, parties: Number(r.parties), signatures: Number(r.signed), declined: Number(r.declined) })),
    };
  });
}
