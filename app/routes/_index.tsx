import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { BoardCharts } from "~/components/board/board-charts";
import { ExceptionsTable } from "~/components/board/exceptions-list";
import { HeadlineFigures } from "~/components/board/headlines";
import { AsAtForm, FilterForm } from "~/components/filter-form";
import { Button, ErrorSummary, InsetText, Select } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { parseWith } from "~/lib/forms";
import { readJsonText } from "~/lib/json-text";
import { hasAnyRole, ROLE_LABELS } from "~/lib/permissions";
import { requireUser } from "~/lib/session.server";
import { decisionsSince, previousBoardPack } from "~/models/board-pack.server";
import { CASE_STATE_LABELS } from "~/models/cases.labels";
import { dashboardFiguresText } from "~/models/dashboard.server";
import { DashboardFilterSchema } from "~/models/dashboard.schema";
import { listLocalities } from "~/models/organisations.server";
import { ORGANISATION_TYPE_LABELS } from "~/models/rollout.labels";
import { resolveAsAt } from "~/models/settings.server";
import { ORGANISATION_TYPES } from "../../db/schema/enums";

export const meta: MetaFunction = () => [{ title: "Programme dashboard – ShareBoard" }];

/** Decisions shown on the dashboard; the board pack has them all. */
const DASHBOARD_DECISIONS = 5;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const { asAt, reportingDate, error: asAtError } = resolveAsAt(url.searchParams);
  const parsed = parseWith(DashboardFilterSchema, url.searchParams);
  const filter = parsed.ok ? parsed.data : { locality: null, organisationType: null };
  // What the page shows of the dashboard's figures, as one JSON text (read back once by the page):
  // everything returned here is encoded into the page for hydration on every request.
  const figures = dashboardFiguresText({ asAt, ...filter });
  const since = previousBoardPack({ asAt });
  const decisions = decisionsSince({ since: since.since, asAt });
  return {
    user: { name: user.name, organisationName: user.organisationName, roles: user.roles.map((r) => ROLE_LABELS[r]) },
    canSeeBoardPack: hasAnyRole(user.roles, ["board", "programme"]),
    isPractitioner: user.roles.includes("practitioner"),
    asAt,
    reportingDate,
    asAtError,
    filter,
    localities: listLocalities(),
    figures,
    decisions: {
      since: since.since,
      sinceBoardPack: since.recorded,
      total: decisions.length,
      latest: decisions
        .slice(-DASHBOARD_DECISIONS)
        .reverse()
        .map(({ reference, title, decision, at, meetingReference }) => ({ reference, title, decision, at, meetingReference })),
    },
  };
}

function query(params: Record<string, string | null>) {
  const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])));
  return search.toString() ? `?${search}` : "";
}

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const { filter, asAt } = data;
  const figures = useMemo(() => readJsonText(data.figures), [data.figures]);
  const scope = [filter.locality, filter.organisationType ? ORGANISATION_TYPE_LABELS[filter.organisationType] : null].filter(Boolean).join(", ") || "the whole partnership";
  const asAtParam = asAt !== data.reportingDate ? asAt : null;
  const exceptionsHref = `/exceptions${query({ asAt: asAtParam, locality: filter.locality, organisationType: filter.organisationType })}`;
  return (
    <>
      <ErrorSummary errors={data.asAtError ? { asAt: data.asAtError } : null} />
      <h1>
        <span className="nhsuk-caption-l">
          As at {formatDate(asAt)}: {scope}
        </span>
        Programme dashboard
      </h1>
      <p className="nhsuk-body-l">
        Welcome, {data.user.name} ({data.user.roles.join(", ")}, {data.user.organisationName}). Where the programme stands, what needs
        attention and what the board has decided.
      </p>

      <div className="nhsuk-grid-row sb-dashboard-controls">
        <div className="nhsuk-grid-column-one-third">
          <AsAtForm defaultValue={data.reportingDate} />
        </div>
        <div className="nhsuk-grid-column-two-thirds">
          <FilterForm fields={["locality", "organisationType"]} legend="Show figures for">
            <div className="nhsuk-grid-row">
              <div className="nhsuk-grid-column-one-half">
                <Select
                  key={filter.locality ?? ""}
                  id="locality"
                  name="locality"
                  label="Locality"
                  emptyOption="All localities"
                  defaultValue={filter.locality ?? ""}
                  options={data.localities.map((l) => ({ value: l, label: l }))}
                />
              </div>
              <div className="nhsuk-grid-column-one-half">
                <Select
                  key={filter.organisationType ?? ""}
                  id="organisationType"
                  name="organisationType"
                  label="Organisation type"
                  emptyOption="All types"
                  defaultValue={filter.organisationType ?? ""}
                  options={ORGANISATION_TYPES.map((t) => ({ value: t, label: ORGANISATION_TYPE_LABELS[t] }))}
                />
              </div>
            </div>
          </FilterForm>
        </div>
      </div>
      {data.canSeeBoardPack || data.isPractitioner ? (
        <div className="nhsuk-button-group">
          {data.canSeeBoardPack ? (
            <Button href={`/board-pack?asAt=${asAt}`} variant="secondary">
              Open the board pack as at {formatDate(asAt)}
            </Button>
          ) : null}
          {data.isPractitioner ? <Link to="/cases?scope=mine">Your cases</Link> : null}
        </div>
      ) : null}

      <h2 id="where-we-are">Where we are</h2>
      <p>
        Each figure as at {formatDate(asAt)} for {scope}, with its target, its status (Green on track, Amber at risk, Red off track) and the
        change since the end of the previous month, {formatDate(figures.previousAsAt)}.
      </p>
      <HeadlineFigures headlines={figures.headlines} linkQuery={query({ asAt: asAtParam })} />

      <h2 id="what-needs-us">What needs us</h2>
      {figures.exceptionsTotal === 0 ? (
        <InsetText>No exceptions as at {formatDate(asAt)} for {scope}.</InsetText>
      ) : (
        <>
          <ExceptionsTable
            exceptions={figures.exceptions}
            caption={`The ${Math.min(figures.exceptions.length, figures.exceptionsTotal)} most severe of ${figures.exceptionsTotal} exceptions`}
          />
          <p>
            <Link to={exceptionsHref}>See all {figures.exceptionsTotal} exceptions</Link>
          </p>
        </>
      )}

      <h2 id="what-we-decided">What we decided</h2>
      <p>
        Board decisions on business cases since {data.decisions.sinceBoardPack ? "the previous board pack" : "a month before"},{" "}
        {formatDate(data.decisions.since)} (partnership-wide): {data.decisions.total}.
      </p>
      {data.decisions.latest.length ? (
        <ul className="sb-decisions" data-testid="dashboard-decisions">
          {data.decisions.latest.map((d) => (
            <li key={`${d.reference}-${d.at}`}>
              <Link to={`/cases/${d.reference}`}>
                {d.reference}: {d.title}
              </Link>{" "}
              — {CASE_STATE_LABELS[d.decision as keyof typeof CASE_STATE_LABELS] ?? d.decision} on {formatDate(d.at)}
              {d.meetingReference ? ` (${d.meetingReference})` : ""}
            </li>
          ))}
        </ul>
      ) : null}

      <h2 id="trends">Trends</h2>
      <BoardCharts charts={figures.charts} asAt={asAt} scope={scope} />
    </>
  );
}
