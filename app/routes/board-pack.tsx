import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { BoardCharts } from "~/components/board/board-charts";
import { ExceptionLinesTable } from "~/components/board/exceptions-list";
import { HeadlineFigures } from "~/components/board/headlines";
import { PrintButton } from "~/components/board/print-button";
import { AsAtForm } from "~/components/filter-form";
import { Button, ErrorSummary, InsetText, Table } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { keptText } from "~/lib/data-version.server";
import { readJsonText } from "~/lib/json-text";
import { redirectWithFlash } from "~/lib/flash.server";
import { parseWith } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { BoardPackConflictError, getBoardPack, recordBoardPack } from "~/models/board-pack.server";
import { RecordBoardPackSchema } from "~/models/board-pack.schema";
import { CASE_STATE_LABELS } from "~/models/cases.labels";
import { DEPLOYMENT_STATUS_LABELS } from "~/models/rollout.labels";
import { EXCEPTION_KIND_LABELS } from "~/models/exceptions.labels";
import { LOW_SEVERITY_GROUP_ABOVE } from "~/models/exception-acknowledgements.labels";
import { formatCount } from "~/components/consent/format";
import { resolveAsAt } from "~/models/settings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Board pack as at ${formatDate(data.asAt)} – ShareBoard` : "Board pack – ShareBoard" }];

/** Who may read the board pack and record it as issued. */
const BOARD_PACK_ROLES = ["board", "programme"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, BOARD_PACK_ROLES, context);
  const { asAt, reportingDate, error } = resolveAsAt(new URL(request.url).searchParams);
  // The pack's figures as one JSON text kept with them (read back once by the page): encoded value by
  // value, their ~2,700 values nationally took 0.4 ms of every request.
  return { asAt, pack: keptText(getBoardPack({ asAt }), "board-pack-page", (kept) => kept), reportingDate, asAtError: error };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, BOARD_PACK_ROLES, context);
  const parsed = parseWith(RecordBoardPackSchema, await request.formData());
  if (!parsed.ok) return data({ errors: parsed.errors }, { status: 400 });
  const { asAt } = parsed.data;
  try {
    recordBoardPack({ actor: actorFor(user, request, context), asAt });
  } catch (error) {
    if (error instanceof BoardPackConflictError) return data({ errors: { _form: error.message } }, { status: 409 });
    throw error;
  }
  return redirectWithFlash(`/board-pack?asAt=${asAt}`, `The board pack as at ${formatDate(asAt)} is recorded as issued. The next pack reports what happened after this date.`);
}

const PARTNERSHIP = "the whole partnership";

/** Says how many rows a shortened list leaves out and where the rest are. */
function MoreRows({ shown, total, href }: { shown: number; total: number; href: string }) {
  if (total <= shown) return null;
  return (
    <p>
      The first {shown} of {formatCount(total)} are listed; <Link to={href}>the register has them all</Link>.
    </p>
  );
}

export default function BoardPackPage() {
  const loaded = useLoaderData<typeof loader>();
  const pack = useMemo(() => ({ ...readJsonText(loaded.pack), reportingDate: loaded.reportingDate, asAtError: loaded.asAtError }), [loaded]);
  const actionData = useActionData<typeof action>();
  const when = formatDate(pack.asAt);
  const since = formatDate(pack.period.from);
  const sinceText = pack.period.recorded ? `the previous board pack (as at ${since})` : `${since} (one month earlier: no earlier board pack is recorded)`;
  const { reviewDue, ended, noticeDays } = pack.agreementsDue;
  return (
    <article className="sb-board-pack">
      <ErrorSummary errors={pack.asAtError ? { asAt: pack.asAtError } : (actionData?.errors ?? null)} />
      <p className="sb-board-pack__running" aria-hidden="true">
        {pack.partnershipName} · Board pack as at {when}
      </p>

      <section className="sb-board-pack__cover" aria-labelledby="board-pack-title">
        <p className="nhsuk-caption-xl">{pack.partnershipName}</p>
        <h1 id="board-pack-title">
          IM&amp;T partnership board pack
          <span className="nhsuk-caption-l">Reporting date {when}</span>
        </h1>
        <p className="nhsuk-body-l">
          Where the shared care record programme stands on {when}, what needs the board's attention, and what has been decided and has changed
          since {sinceText}.
        </p>
        <ol className="sb-board-pack__contents">
          <li>Headline figures</li>
          <li>Charts</li>
          <li>Exceptions</li>
          <li>Decisions since the previous board pack</li>
          <li>Agreements signed, due for review or ended</li>
          <li>Roll-out changes</li>
        </ol>
        {pack.issued ? (
          <InsetText>
            {/* Dated by its reporting date, the programme's calendar; when the button was pressed is in the audit log. */}
            Issued {pack.issued.issuedBy ? `by ${pack.issued.issuedBy} ` : ""}as the board pack for {when}.
          </InsetText>
        ) : null}
        <div className="sb-no-print sb-board-pack__actions">
          <AsAtForm defaultValue={pack.reportingDate} />
          <div className="nhsuk-button-group">
            <PrintButton />
            {pack.issued ? null : (
              <Form method="post">
                <input type="hidden" name="asAt" value={pack.asAt} />
                <Button variant="secondary">Record this board pack as issued</Button>
              </Form>
            )}
          </div>
          <p>
            <Link to={`/?asAt=${pack.asAt}`}>Back to the dashboard</Link>
          </p>
        </div>
      </section>

      <section className="sb-board-pack__section" aria-labelledby="pack-headlines">
        <h2 id="pack-headlines">1. Headline figures</h2>
        <p>
          As at {when} for {PARTNERSHIP}. Status: Green on track, Amber at risk, Red off track. Change since the end of the previous month,{" "}
          {formatDate(pack.previousAsAt)}.
        </p>
        <HeadlineFigures headlines={pack.headlines} links={false} />
      </section>

      <section className="sb-board-pack__section" aria-labelledby="pack-charts">
        <h2 id="pack-charts">2. Charts</h2>
        <BoardCharts charts={pack.charts} asAt={pack.asAt} scope={PARTNERSHIP} width={680} />
      </section>

      <section className="sb-board-pack__section" aria-labelledby="pack-exceptions">
        <h2 id="pack-exceptions">3. Exceptions</h2>
        {pack.exceptions.total ? (
          <>
            <p>
              {formatCount(pack.exceptions.total)} exceptions as at {when}: {formatCount(pack.exceptions.bySeverity.high)} high, {formatCount(pack.exceptions.bySeverity.medium)} medium
              and {formatCount(pack.exceptions.bySeverity.low)} low severity
              {pack.exceptions.acknowledged ? `; ${formatCount(pack.exceptions.acknowledged)} acknowledged by the people who should act, with a reason and a date to look again` : ""}.{" "}
              <Link to={`/exceptions?asAt=${pack.asAt}`}>See every exception</Link> or{" "}
              <a href={`/exceptions.csv?asAt=${pack.asAt}`} download>
                download all {formatCount(pack.exceptions.total)} as CSV
              </a>
              .
            </p>
            <Table
              caption={`Exceptions by kind and severity as at ${when}`}
              head={["Kind", "High", "Medium", "Low", "Total", "Acknowledged"]}
              rows={pack.exceptions.byKind.map((k) => [
                EXCEPTION_KIND_LABELS[k.kind],
                formatCount(k.high),
                formatCount(k.medium),
                formatCount(k.low),
                formatCount(k.total),
                formatCount(k.acknowledged),
              ])}
            />
            <p>More than {LOW_SEVERITY_GROUP_ABOVE} low-severity exceptions of one kind are one line below, linking to the list of them.</p>
            <ExceptionLinesTable
              lines={pack.exceptions.lines.rows}
              caption={
                pack.exceptions.lines.total > pack.exceptions.lines.rows.length
                  ? `The ${pack.exceptions.lines.rows.length} most severe of ${formatCount(pack.exceptions.lines.total)} lines`
                  : pack.exceptions.lines.total < pack.exceptions.total
                    ? `${pack.exceptions.total} exceptions as at ${when} in ${pack.exceptions.lines.total} lines, most severe first`
                    : `${pack.exceptions.total} exceptions as at ${when}, most severe first`
              }
            />
          </>
        ) : (
          <p>No exceptions as at {when}.</p>
        )}
      </section>

      <section className="sb-board-pack__section" aria-labelledby="pack-decisions">
        <h2 id="pack-decisions">4. Decisions since the previous board pack</h2>
        <p>Board decisions on business cases after {sinceText}, up to {when}.</p>
        {pack.decisions.length ? (
          <Table
            caption={<span className="nhsuk-u-visually-hidden">Decisions since {since}</span>}
            head={["Case", "Decision", "Rationale", "Meeting"]}
            rows={pack.decisions.map((d) => [
              <>
                <Link to={`/cases/${d.reference}`}>{d.reference}</Link>: {d.title}
                {d.sponsorName ? <span className="sb-secondary"> ({d.sponsorName})</span> : null}
              </>,
              `${CASE_STATE_LABELS[d.decision as keyof typeof CASE_STATE_LABELS] ?? d.decision} on ${formatDate(d.at)}`,
              <>
                {d.rationale ?? "No rationale recorded"}
                {d.interestDeclared ? <span className="sb-secondary"> Interest declared: {d.interestDeclared}</span> : null}
              </>,
              [d.meetingReference, d.meetingDate ? formatDate(d.meetingDate) : null].filter(Boolean).join(", ") || "Not recorded",
            ])}
          />
        ) : (
          <p>No decisions in the period.</p>
        )}
      </section>

      <section className="sb-board-pack__section" aria-labelledby="pack-agreements">
        <h2 id="pack-agreements">5. Agreements</h2>
        <h3>Signed by every party and in force since {since}</h3>
        <MoreRows shown={pack.agreementsSigned.rows.length} total={pack.agreementsSigned.total} href="/agreements" />
        {pack.agreementsSigned.total ? (
          <Table
            caption={<span className="nhsuk-u-visually-hidden">Agreements in force since {since}</span>}
            head={["Agreement", "In force from", "Review due"]}
            rows={pack.agreementsSigned.rows.map((a) => [
              <>
                <Link to={`/agreements/${a.reference}`}>
                  {a.reference} v{a.version}
                </Link>
                : {a.title}
              </>,
              formatDate(a.activatedOn),
              formatDate(a.reviewOn),
            ])}
          />
        ) : (
          <p>None in the period.</p>
        )}
        <h3>Review due within {noticeDays} days or overdue</h3>
        <MoreRows shown={reviewDue.rows.length} total={reviewDue.total} href="/agreements" />
        {reviewDue.total ? (
          <Table
            caption={<span className="nhsuk-u-visually-hidden">Agreements with a review due or overdue</span>}
            head={["Agreement", "Review due", "State"]}
            rows={reviewDue.rows.map((a) => [
              <>
                <Link to={`/agreements/${a.reference}`}>
                  {a.reference} v{a.version}
                </Link>
                : {a.title}
              </>,
              formatDate(a.reviewOn),
              a.overdue ? "Overdue" : "Due",
            ])}
          />
        ) : (
          <p>No reviews due.</p>
        )}
        <h3>Ended (expired or terminated) since {since}</h3>
        <MoreRows shown={ended.rows.length} total={ended.total} href="/agreements" />
        {ended.total ? (
          <Table
            caption={<span className="nhsuk-u-visually-hidden">Agreements ended since {since}</span>}
            head={["Agreement", "Ended", "Reason"]}
            rows={ended.rows.map((a) => [`${a.reference} v${a.version}: ${a.title}`, formatDate(a.endedOn), a.endReason ?? a.status])}
          />
        ) : (
          <p>None in the period.</p>
        )}
      </section>

      <section className="sb-board-pack__section" aria-labelledby="pack-rollout">
        <h2 id="pack-rollout">6. Roll-out changes</h2>
        <p>
          Deployment status changes that took effect after {since}, up to {when}: {pack.rolloutChanges.total}
          {pack.rolloutChanges.total > pack.rolloutChanges.rows.length ? ` (the first ${pack.rolloutChanges.rows.length} are listed; the roll-out page has them all)` : ""}.
        </p>
        {pack.rolloutChanges.rows.length ? (
          <Table
            caption={<span className="nhsuk-u-visually-hidden">Roll-out changes since {since}</span>}
            head={["Date", "Service", "Capability", "New status"]}
            rows={pack.rolloutChanges.rows.map((c) => [
              formatDate(c.effectiveOn),
              <>
                <Link to={`/rollout/deployments/${c.deploymentId}`}>{c.serviceName}</Link> ({c.organisationName})
              </>,
              c.capabilityName,
              <>
                {DEPLOYMENT_STATUS_LABELS[c.status]}
                {c.note ? <span className="sb-secondary"> {c.note}</span> : null}
              </>,
            ])}
          />
        ) : null}
      </section>
    </article>
  );
}
