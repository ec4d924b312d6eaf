import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable } from "~/components/data-table";
import { FilterForm } from "~/components/filter-form";
import { Select, Tag, TextInput } from "~/components/nhs";
import { CaseStateTag } from "~/components/cases/case-state-tag";
import casesCss from "~/components/cases/cases.css?url";
import { formatDate } from "~/lib/dates";
import { dataTableModel } from "~/lib/data-table.server";
import { requireUser } from "~/lib/session.server";
import { hrefWith } from "~/lib/table-query";
import { casesRegister, type listCases } from "~/models/cases.server";
import { parseCaseListQuery, type CaseScope } from "~/models/cases.schema";
import { CASE_STATES, CASE_STATE_LABELS, queueStatesFor } from "~/models/cases.labels";

export const meta: MetaFunction = () => [{ title: "Business cases – ShareBoard" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: casesCss }];

type Row = ReturnType<typeof listCases>["rows"][number];

const column = createColumnHelper<Row>();
const columns = [
  column.accessor("reference", { id: "reference", header: "Reference", cell: (c) => <Link to={`/cases/${c.getValue()}`}>{c.getValue()}</Link> }),
  column.accessor("title", { id: "title", header: "Title" }),
  column.accessor("sponsorName", { id: "sponsor", header: "Sponsor", cell: (c) => c.getValue() ?? "Not given yet" }),
  column.accessor("state", { id: "state", header: "State", cell: (c) => <CaseStateTag state={c.getValue()} /> }),
  column.accessor("stateChangedAt", { id: "since", header: "In this state since", cell: (c) => formatDate(c.getValue()) }),
  column.display({
    id: "waiting",
    header: "Waiting",
    enableSorting: false,
    cell: ({ row }) =>
      row.original.waitingWorkingDays === null ? (
        <span className="nhsuk-u-visually-hidden">Not waiting for a reviewer</span>
      ) : (
        <>
          {row.original.waitingWorkingDays} working {row.original.waitingWorkingDays === 1 ? "day" : "days"}
          {row.original.overSla ? (
            <>
              {" "}
              <Tag color="red">Over the service level</Tag>
            </>
          ) : null}
        </>
      ),
  }),
];

const QUEUE_WORDS: Partial<Record<(typeof CASE_STATES)[number], string>> = { submitted: "submitted", ig_review: "at IG review", board_review: "at board review" };

const SCOPE_LABELS: Record<CaseScope, string> = { mine: "My cases", queue: "Waiting for my review", all: "All cases" };

// Every signed-in user may read every case; "Waiting for my review" is for IG leads and board members.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const query = parseCaseListQuery(new URL(request.url).searchParams, user.roles);
  const scopes = (["queue", "mine", "all"] as const).filter((s) => s !== "queue" || query.queueable);
  const { scopeTotals, sponsors, ...result } = casesRegister({
    user,
    scopes,
    scope: query.scope,
    state: query.state,
    sponsor: query.sponsor,
    q: query.q,
    sort: query.table.sort,
    page: query.table.page,
    pageSize: query.table.pageSize,
  });
  return {
    scope: query.scope,
    scopes: scopeTotals.map(({ scope, total }) => ({ id: scope, label: SCOPE_LABELS[scope], total })),
    queueStates: queueStatesFor(user.roles).map((s) => QUEUE_WORDS[s] ?? CASE_STATE_LABELS[s]),
    ...result,
    tableModel: dataTableModel(columns, result.rows),
    sort: query.table.sort,
    page: query.table.page,
    pageSize: query.table.pageSize,
    sponsors,
  };
}

export default function Cases() {
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const csvParams = new URLSearchParams(params);
  csvParams.delete("page");
  csvParams.delete("pageSize");
  csvParams.set("scope", data.scope);
  const csvHref = `/cases.csv?${csvParams}`;
  const scopeHref = (scope: CaseScope) => hrefWith(params, { scope, sort: null });
  return (
    <>
      <h1>Business cases</h1>
      <p className="nhsuk-body-l">
        Proposals for new sharing. Practitioners propose, IG leads review, and the partnership board decides. Every step is kept on the case&apos;s history.
      </p>
      <p>
        <Link className="nhsuk-button" to="/cases/new">
          Propose new sharing
        </Link>
      </p>
      <nav aria-label="Business case lists">
        <ul className="sb-case-tabs">
          {data.scopes.map((s) => (
            <li key={s.id}>
              <Link to={scopeHref(s.id)} aria-current={s.id === data.scope ? "page" : undefined}>
                {s.label} ({s.total})
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {data.scope === "queue" ? (
        <p>
          Cases that are {data.queueStates.join(" or ")}, oldest first. The service level is {data.sla} working days in each state; cases you wrote are not listed, because you cannot review them.
        </p>
      ) : null}
      <FilterForm fields={["state", "sponsor", "q"]} legend="Filter cases">
        <div className="sb-case-row__pair">
          <Select
            key={`state-${params.get("state") ?? ""}`}
            id="state"
            name="state"
            label="State"
            options={CASE_STATES.map((s) => ({ value: s, label: CASE_STATE_LABELS[s] }))}
            emptyOption="Any state"
            defaultValue={params.get("state") ?? ""}
          />
          <Select
            key={`sponsor-${params.get("sponsor") ?? ""}`}
            id="sponsor"
            name="sponsor"
            label="Sponsoring organisation"
            options={data.sponsors.map((s) => ({ value: String(s.id), label: s.name }))}
            emptyOption="Any organisation"
            defaultValue={params.get("sponsor") ?? ""}
          />
          <TextInput key={`q-${params.get("q") ?? ""}`} id="q" name="q" label="Title or reference contains" width={20} defaultValue={params.get("q") ?? ""} />
        </div>
      </FilterForm>
      <DataTable
        caption={`${SCOPE_LABELS[data.scope]}: business cases, waiting times in working days to ${formatDate(data.asAt)}`}
        columns={columns}
        model={data.tableModel}
        sort={data.sort}
        total={data.total}
        page={data.page}
        pageSize={data.pageSize}
        noun={{ one: "case", other: "cases" }}
        emptyMessage={data.scope === "queue" ? "No cases are waiting for your review." : data.scope === "mine" ? "You have not written or co-written any business cases yet." : "No cases match these filters."}
      />
      <p>
        <a href={csvHref} download>
          Download these cases as CSV
        </a>
      </p>
    </>
  );
}
