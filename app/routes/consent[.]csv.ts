import type { LoaderFunctionArgs } from "@remix-run/node";
import { round1 } from "~/components/consent/format";
import { csvResponse, toCsv } from "~/lib/csv.server";
import { parseWith } from "~/lib/forms";
import { parseTableQuery } from "~/lib/table-query";
import { requireUser } from "~/lib/session.server";
import { ConsentQuerySchema, OPT_IN_SORTS } from "~/models/consent.schema";
import { listOptInByPractice } from "~/models/consent.server";
import { resolveAsAt } from "~/models/settings.server";

/** The consent page's practice table, every page of it, with the same as-at date, filters and sort. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const url = new URL(request.url);
  const { asAt } = resolveAsAt(url.searchParams);
  const filters = parseWith(ConsentQuerySchema, url.searchParams);
  const { sort } = parseTableQuery(url.searchParams, { sortable: OPT_IN_SORTS, defaultSort: { id: "rate", desc: false } });
  const { rows } = listOptInByPractice({
    asAt,
    locality: (filters.ok && filters.data.locality) || null,
    flag: (filters.ok && filters.data.flag) || null,
    sort,
  });
  const csv = toCsv(
    rows.map((r) => ({
      ...r,
      rate: round1(r.rate),
      change3: round1(r.change3),
      change12: round1(r.change12),
    })),
    [
      { key: "odsCode", header: "ods_code" },
      { key: "name", header: "practice" },
      { key: "locality", header: "locality" },
      { key: "month", header: "latest_return_month" },
      { key: "registered", header: "registered" },
      { key: "optedIn", header: "opted_in" },
      { key: "declined", header: "declined" },
      { key: "notAsked", header: "not_asked" },
      { key: "rate", header: "opt_in_rate_percent" },
      { key: "change3", header: "change_3_months_points" },
      { key: "change12", header: "change_12_months_points" },
      { key: "belowTarget", header: "below_target" },
      { key: "falling", header: "falling_3_months" },
      { key: "returnMissing", header: "return_missing" },
      { key: "nationalOptOuts", header: "national_data_opt_out_not_part_of_local_opt_in" },
    ],
  );
  return csvResponse(`opt-in-by-practice-${asAt}`, csv);
}
