import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CoverForm } from "~/components/governance/cover-form";
import { CoverStatusTag } from "~/components/governance/cover-status-tag";
import { BackLink, Button, DateInput, ErrorSummary, SummaryList, Table, Tag, Textarea } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { getCover } from "~/models/indemnity.server";
import { correctCover, coverHistory, endCoverEarly } from "~/models/indemnity-changes.server";
import { CoverCorrectionSchema, EndCoverEarlySchema } from "~/models/indemnity.schema";
import { coverPeriodText } from "~/models/indemnity.labels";
import { runGovernance } from "~/models/governance-errors.server";
import { getReportingDate } from "~/models/settings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Change cover for ${data?.cover.organisationName ?? "an organisation"} – ShareBoard` }];

function coverId(raw: string | undefined) {
  if (!raw || !/^\d{1,9}$/.test(raw)) throw new Response("Not found", { status: 404 });
  return Number(raw);
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, "ccg", context);
  const reportingDate = getReportingDate();
  const cover = getCover({ id: coverId(params.coverId), asAt: reportingDate });
  if (!cover) throw new Response("Not found", { status: 404 });
  const signed = (cover.storedStatus === "active" || cover.storedStatus === "lapsed") && cover.counted;
  return {
    cover,
    reportingDate,
    // Why the cover cannot be ended early, or null when it can.
    cannotEnd: cover.endedEarlyOn
      ? `This cover was already ended early, on ${formatDate(cover.endedEarlyOn)}. If that date was recorded wrongly, correct the mistake below.`
      : !signed
        ? "Only signed cover that counts can be ended early. If this cover was recorded wrongly, correct the mistake below."
        : null,
    history: coverHistory({ coverId: cover.id }),
    values: {
      scope: cover.scope,
      startOn: cover.startOn,
      endOn: cover.signedEndOn,
      endedOn: cover.endedEarlyOn ?? "",
      status: cover.storedStatus,
      documentReference: cover.documentReference ?? "",
      signedBy: cover.signedBy ?? "",
    } as Record<string, string>,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "ccg", context);
  const id = coverId(params.coverId);
  const form = await request.formData();
  const values = formToObject(form) as Record<string, string>;
  const intent = form.get("intent");
  const actor = actorFor(user, request, context);
  if (intent === "end") {
    const parsed = parseWith(EndCoverEarlySchema, form);
    if (!parsed.ok) return data({ intent, errors: parsed.errors, values }, { status: 400 });
    const result = runGovernance(() => endCoverEarly({ actor, user, coverId: id, input: parsed.data }), { user, request, context });
    if (!result.ok) return data({ intent, errors: result.errors, values }, { status: 400 });
    return redirectWithFlash(
      "/indemnity",
      `The cover now ends early, on ${formatDate(result.value.endedOn)}. Figures as at dates before ${formatDate(result.value.endedRecordedOn)}, when this was recorded, are unchanged.`,
    );
  }
  if (intent === "correct") {
    const parsed = parseWith(CoverCorrectionSchema, form);
    if (!parsed.ok) return data({ intent, errors: parsed.errors, values }, { status: 400 });
    const result = runGovernance(() => correctCover({ actor, user, coverId: id, input: parsed.data }), { user, request, context });
    if (!result.ok) return data({ intent, errors: result.errors, values }, { status: 400 });
    return redirectWithFlash("/indemnity", "The cover was corrected. The correction applies on every date and is marked in the cover's history.");
  }
  throw new Response("Choose whether to end the cover early or correct a mistake", { status: 400 });
}

export default function EditCover() {
  const { cover, cannotEnd, history, values, reportingDate } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const endValues = actionData?.intent === "end" ? actionData.values : {};
  const correctValues = actionData?.intent === "correct" ? actionData.values : values;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/indemnity">Back to the indemnity register</BackLink>
        <ErrorSummary errors={errors} />
        <h1>
          <span className="nhsuk-caption-l">
            {cover.organisationName} ({cover.odsCode})
          </span>
          Change indemnity cover
        </h1>
        <SummaryList
          rows={[
            { key: "Cover", value: coverPeriodText(cover) },
            { key: `Status on ${formatDate(reportingDate)}`, value: <CoverStatusTag status={cover.status} /> },
            { key: "Document", value: cover.documentReference ?? "Not recorded" },
            { key: "Signed by", value: cover.signedBy ?? "Not recorded" },
          ]}
        />
        <p>To extend cover for a new term, renew it instead: a renewal keeps this cover as history.</p>

        <h2>End this cover early</h2>
        <p>
          Use this when the CCG ends the cover before its signed end date. It is a change from a date, recorded on the reporting date ({formatDate(reportingDate)}): figures as at
          earlier dates stay as they were, and from then on the cover ends on the day you give. The signed end date is kept.
        </p>
        {cannotEnd ? (
          <p>{cannotEnd}</p>
        ) : (
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="end" />
            <DateInput
              id="endedOn"
              name="endedOn"
              label="Last day of cover"
              hint={`On or after ${formatDate(cover.startOn)}, when the cover started, and before its signed end date, ${formatDate(cover.signedEndOn)}. For example, 30 9 2016`}
              defaultValue={endValues.endedOn}
              error={errors.endedOn}
            />
            <Textarea id="endReason" name="endReason" label="Why the cover ends early" rows={2} defaultValue={endValues.endReason} error={errors.endReason} />
            <Button type="submit" variant="secondary">
              End cover early
            </Button>
          </Form>
        )}

        <h2>Correct a mistake</h2>
        <p>
          Use this only when something was recorded wrongly. A correction changes the cover on every date, figures already reported included, and is marked as a correction in
          the cover&apos;s history below.
        </p>
        <CoverForm values={correctValues} errors={errors} submitLabel="Save correction" cancelHref="/indemnity" intent="correct" withErrorSummary={false}>
          {cover.endedEarlyOn ? (
            <DateInput
              id="endedOn"
              name="endedOn"
              label="Ended early on"
              hint="The last day of cover after it was ended early. Leave it empty if the cover was never ended early."
              defaultValue={correctValues.endedOn}
              error={errors.endedOn}
            />
          ) : null}
          <Textarea
            id="correctionReason"
            name="correctionReason"
            label="What was recorded wrongly"
            rows={2}
            defaultValue={actionData?.intent === "correct" ? actionData.values.correctionReason : ""}
            error={errors.correctionReason}
          />
        </CoverForm>

        {history.length ? (
          <Table
            caption="History of this cover"
            captionSize="m"
            head={["Entered on", "What", "By", "Why"]}
            rows={history.map((h) => [
              formatDate(h.recordedOn),
              h.correction ? (
                <span key="w">
                  {h.what} <Tag color="orange">Correction</Tag>
                </span>
              ) : (
                h.what
              ),
              h.actorLabel,
              h.note ?? "",
            ])}
          />
        ) : null}
      </div>
    </div>
  );
}
