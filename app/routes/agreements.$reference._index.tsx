import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { BackLink, Button, ErrorSummary, InsetText, SummaryList, Table, Tag, WarningCallout } from "~/components/nhs";
import { AgreementStatusTag, ReviewStateTag } from "~/components/governance/status-tags";
import { agreementTermRows } from "~/components/governance/agreement-terms";
import { formatDate } from "~/lib/dates";
import { redirectWithFlash } from "~/lib/flash.server";
import { requireUser } from "~/lib/session.server";
import { agreementManagerAction } from "~/lib/agreement-access.server";
import { getAgreement, mayManageAgreement } from "~/models/agreements.server";
import { sendForSignature } from "~/models/agreement-signing.server";
import { mayReviewAgreement } from "~/models/agreement-reviews.server";
import {
  DPIA_STATUS_LABELS,
  PARTY_ROLE_LABELS,
  REVIEW_OUTCOME_LABELS,
  RISK_LABELS,
  SIGNATURE_STATUS_LABELS,
  dpiaSigningProblem,
} from "~/models/agreements.labels";
import { runGovernance } from "~/models/governance-errors.server";
import { getReportingDate } from "~/models/settings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.agreement.reference} ${data.agreement.title} – ShareBoard` : "Agreement – ShareBoard" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const reference = params.reference!;
  const versionParam = new URL(request.url).searchParams.get("version");
  const version = versionParam && /^\d{1,6}$/.test(versionParam) ? Number(versionParam) : undefined;
  const asAt = getReportingDate();
  const detail = getAgreement({ reference, version, asAt });
  if (!detail) throw new Response("Not found", { status: 404 });
  const isLatest = detail.agreement.version === detail.latestVersion;
  const ownParty = detail.parties.find((p) => p.organisationId === user.organisationId);
  const canSign =
    isLatest && user.roles.includes("ig_lead") && detail.agreement.storedStatus === "awaiting_signatures" && ownParty?.signatureStatus === "requested";
  const canManage = mayManageAgreement({ user, reference });
  // Only the version in force is reviewed, by an IG lead of a party to it.
  const canReview = detail.agreement.storedStatus === "active" && mayReviewAgreement({ user, reference });
  return {
    ...detail,
    asAt,
    isLatest,
    canSign,
    ownOrganisationName: ownParty?.organisationName ?? null,
    canManage,
    canReview,
    // Why the DPIA stops this version being sent for signature, if it does.
    sendProblem: dpiaSigningProblem(detail.dpia),
    hasDeclined: detail.parties.some((p) => p.signatureStatus === "declined"),
  };
}

export async function action(args: ActionFunctionArgs) {
  const { request, context } = args;
  const { user, reference, form, actor } = await agreementManagerAction(args);
  if (form.get("intent") !== "send") throw new Response("Unknown action", { status: 400 });
  const result = runGovernance(() => sendForSignature({ actor, user, reference }), { user, request, context });
  // Refused because of the DPIA: say why on the page, next to the button.
  if (!result.ok) return data({ errors: result.errors }, { status: 409 });
  return redirectWithFlash(
    `/agreements/${encodeURIComponent(reference)}`,
    `${reference} was sent for signature: ${result.value.requested} part${result.value.requested === 1 ? "y has" : "ies have"} been asked to sign.`,
  );
}

export default function AgreementPage() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const a = d.agreement;
  const href = `/agreements/${encodeURIComponent(a.reference)}`;
  const signedCount = d.parties.filter((p) => p.signatureStatus === "signed").length;
  return (
    <div className="sb-agreement">
      <BackLink href="/agreements" className="sb-no-print">
        Back to agreements
      </BackLink>
      <ErrorSummary errors={errors} />
      <h1>
        <span className="nhsuk-caption-l">
          {a.reference} version {a.version}
        </span>
        {a.title}
      </h1>
      <p>
        <AgreementStatusTag status={a.status} activatedOn={a.activatedOn} /> <ReviewStateTag state={a.reviewState} />
      </p>
      <InsetText>
        <p>
          This summary is as at {formatDate(d.asAt)}. It is accurate on the day it is printed; the register is the current version.
        </p>
      </InsetText>

      {!d.isLatest ? (
        <WarningCallout heading={`This is version ${a.version}, not the latest`} headingLevel={2}>
          <p>
            It stays readable for the record. <Link to={href}>See version {d.latestVersion}</Link>.
          </p>
        </WarningCallout>
      ) : null}
      {a.status === "signed" && a.activatedOn ? (
        <InsetText>
          <p>Every party has signed. The agreement is in force from {formatDate(a.activatedOn)}; until then it covers nothing.</p>
        </InsetText>
      ) : null}

      <div className="sb-no-print">
        {d.canSign ? (
          <Button href={`${href}/sign`}>Sign or decline for {d.ownOrganisationName}</Button>
        ) : null}
        {d.canReview ? (
          <Button href={`${href}/review`}>Record a review</Button>
        ) : null}
        {d.canManage && d.isLatest && d.sendProblem && (a.storedStatus === "draft" || (a.storedStatus === "awaiting_signatures" && d.hasDeclined)) ? (
          <WarningCallout heading="Not ready to send for signature" headingLevel={2}>
            <p>{d.sendProblem}</p>
          </WarningCallout>
        ) : null}
        {d.canManage && d.isLatest ? (
          <div className="nhsuk-button-group">
            {a.storedStatus === "draft" || (a.storedStatus === "awaiting_signatures" && d.hasDeclined) ? (
              <Form method="post">
                <Button id="send" name="intent" value="send" type="submit">
                  {a.storedStatus === "draft" ? "Send for signature" : "Ask the parties that declined to sign again"}
                </Button>
              </Form>
            ) : null}
            {["draft", "awaiting_signatures", "active"].includes(a.storedStatus) ? (
              <Button href={`${href}/edit`} variant="secondary">
                Change the agreement
              </Button>
            ) : null}
            <Button href={`${href}/dpia`} variant="secondary">
              {d.dpia ? "Update the DPIA" : "Record the DPIA"}
            </Button>
          </div>
        ) : null}
        {d.canManage && a.storedStatus === "active" ? (
          <p>
            <Link to={`${href}/end`}>Record that this agreement expired or was terminated</Link>
          </p>
        ) : null}
        <PrintButton />
      </div>

      <h2>Details</h2>
      <SummaryList
        rows={[
          ...agreementTermRows(a),
          { key: "Retention", value: a.retention ? <p className="sb-pre-line">{a.retention}</p> : "Not stated" },
          { key: "Effective date", value: formatDate(a.effectiveOn) },
          { key: "In force from", value: a.activatedOn ? formatDate(a.activatedOn) : a.storedStatus === "superseded" ? "Never: it was replaced by a later version before every party had signed" : "Not yet: every party must sign first" },
          { key: "Review interval", value: `${a.reviewIntervalMonths} months` },
          {
            key: "Review date",
            value: (
              <>
                {formatDate(a.reviewOn)} <ReviewStateTag state={a.reviewState} />
              </>
            ),
          },
          a.endedOn ? { key: a.endedOn > d.asAt ? "Will end" : "Ended", value: `${formatDate(a.endedOn)}${a.endReason ? `: ${a.endReason}` : ""}` } : null,
          { key: "Created by", value: a.createdByName ?? "Not recorded" },
        ]}
      />

      <h2>Parties and signatures</h2>
      <p>
        {a.storedStatus === "draft" ? "Not yet sent for signature." : `${signedCount} of ${d.parties.length} parties have signed.`}
      </p>
      <Table
        caption={`Parties to ${a.reference} version ${a.version} and their signatures`}
        head={["Organisation", "Role", "Signature", "Signed by", "Date"]}
        responsive
        rows={d.parties.map((p) => [
          `${p.organisationName} (${p.odsCode})`,
          PARTY_ROLE_LABELS[p.role],
          p.signatureStatus ? (
            <>
              <Tag color={p.signatureStatus === "signed" ? "green" : p.signatureStatus === "declined" ? "red" : "yellow"}>
                {SIGNATURE_STATUS_LABELS[p.signatureStatus]}
              </Tag>
              {p.signatureStatus === "declined" && p.declineReason ? <p className="nhsuk-body-s sb-reason">Reason: {p.declineReason}</p> : null}
            </>
          ) : (
            "Not requested"
          ),
          p.signatureStatus === "signed" ? (
            <>
              {p.signatoryName}
              {p.signatoryRole ? `, ${p.signatoryRole}` : ""}
              {p.authorityDeclared ? <span className="nhsuk-body-s sb-authority"> (declared authority to sign)</span> : null}
            </>
          ) : p.signatureStatus === "declined" ? (
            p.signatoryName
          ) : (
            ""
          ),
          p.signedOn ? formatDate(p.signedOn) : "",
        ])}
      />

      <h2>Data protection impact assessment</h2>
      {d.dpia ? (
        <>
          {d.dpia.residualRisk === "high" ? (
            <WarningCallout heading="High residual risk" headingLevel={3}>
              <p>
                The DPIA found high risk remaining after mitigation: the ICO must be consulted before processing starts.
                {d.dpia.icoConsultedOn ? ` The ICO was consulted on ${formatDate(d.dpia.icoConsultedOn)}.` : " No ICO consultation is recorded."}
              </p>
            </WarningCallout>
          ) : null}
          <SummaryList
            rows={[
              { key: "Reference", value: d.dpia.reference },
              { key: "Status", value: DPIA_STATUS_LABELS[d.dpia.status] },
              d.dpia.status === "not_required" ? { key: "Why not required", value: d.dpia.notRequiredReason } : null,
              { key: "Completed", value: d.dpia.completedOn ? formatDate(d.dpia.completedOn) : "Not completed" },
              { key: "Residual risk", value: d.dpia.residualRisk ? RISK_LABELS[d.dpia.residualRisk] : "Not assessed" },
              d.dpia.icoConsultedOn ? { key: "ICO consulted", value: formatDate(d.dpia.icoConsultedOn) } : null,
              d.dpia.notes ? { key: "Notes", value: <p className="sb-pre-line">{d.dpia.notes}</p> } : null,
            ]}
          />
        </>
      ) : (
        <p>No DPIA has been recorded for this version.</p>
      )}

      {a.activatedOn ? (
        <>
          <h2>Reviews</h2>
          {d.reviews.length ? (
            <Table
              caption={`Reviews of ${a.reference} version ${a.version}, latest first`}
              head={["Reviewed on", "By", "Outcome", "Note", "Next review"]}
              responsive
              rows={d.reviews.map((r) => [formatDate(r.reviewedOn), r.reviewerName, REVIEW_OUTCOME_LABELS[r.outcome], r.note ?? "", formatDate(r.nextReviewOn)])}
            />
          ) : (
            <p>No review of this version has been recorded. Its first review is due on {formatDate(a.storedReviewOn)}.</p>
          )}
        </>
      ) : null}

      <h2>What it covers</h2>
      {d.coverage.length ? (
        <Table
          caption="Services and deployments this agreement covers"
          head={["Service", "Organisation", "Covers"]}
          rows={d.coverage.map((c) => [c.serviceName, `${c.organisationName} (${c.odsCode})`, c.capabilityName ? `${c.capabilityName} only` : "Every capability"])}
        />
      ) : (
        <p>No services are listed: this agreement does not cover any deployment yet.</p>
      )}

      <h2>Version history</h2>
      <Table
        caption={`Every version of ${a.reference}`}
        head={["Version", "Status", "Effective", "In force from", "Ended"]}
        rows={d.versions.map((v) => [
          v.version === a.version ? (
            `Version ${v.version} (this page)`
          ) : (
            <Link to={`${href}?version=${v.version}`}>Version {v.version}</Link>
          ),
          <AgreementStatusTag key="s" status={v.status} activatedOn={v.activatedOn} />,
          formatDate(v.effectiveOn),
          v.activatedOn ? formatDate(v.activatedOn) : "",
          v.endedOn ? `${formatDate(v.endedOn)}${v.endReason ? `: ${v.endReason}` : ""}` : "",
        ])}
      />

      <h2>Audit trail</h2>
      {d.trail.length ? (
        <Table
          caption={`Every recorded change to ${a.reference}, newest first`}
          head={["When (UTC)", "Who", "What", "Version"]}
          rows={d.trail.map((t) => [
            t.at.replace("T", " ").slice(0, 16),
            t.actor,
            t.note ? `${t.action}: ${t.note}` : t.action,
            t.version ? String(t.version) : "",
          ])}
        />
      ) : (
        <p>No changes have been recorded through ShareBoard: this agreement was loaded with the register.</p>
      )}
    </div>
  );
}

function PrintButton() {
  return (
    <p>
      <button type="button" className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" onClick={() => window.print()}>
        Print this summary
      </button>
    </p>
  );
}
