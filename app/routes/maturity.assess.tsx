import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BackLink, Button, DateInput, ErrorSummary, Select, TextInput, Textarea } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject } from "~/lib/forms";
import { actorFor, refuse, requireRole } from "~/lib/session.server";
import { evidenceField, formatScore, scaleText, scoreField } from "~/models/maturity.labels";
import { listFrameworks, organisationsUserMayAssess, recordMaturityAssessment } from "~/models/maturity.server";
import { getReportingDate } from "~/models/settings.server";

export const meta: MetaFunction = () => [{ title: "Record a maturity assessment – ShareBoard" }];

const ROLES = ["programme", "ig_lead"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES, context);
  const url = new URL(request.url);
  const frameworks = listFrameworks();
  const framework = frameworks.find((f) => f.code === url.searchParams.get("framework")) ?? frameworks[0];
  if (!framework) throw new Response("No maturity frameworks are set up yet", { status: 404 });
  const organisations = organisationsUserMayAssess({ user });
  const requested = (url.searchParams.get("organisation") ?? "").toUpperCase();
  const organisation = organisations.find((o) => o.odsCode === requested)?.odsCode ?? (organisations.length === 1 ? organisations[0]!.odsCode : "");
  return {
    frameworks: frameworks.map((f) => ({ code: f.code, name: f.name })),
    framework,
    organisations,
    organisation,
    reportingDate: getReportingDate(),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ROLES, context);
  const form = await request.formData();
  const values = formToObject(form) as Record<string, string>;
  // Permission first: an IG lead naming another organisation is refused before the scores are checked.
  const asked = typeof values.organisation === "string" ? values.organisation.toUpperCase() : "";
  if (asked && !user.roles.includes("programme") && !organisationsUserMayAssess({ user }).some((o) => o.odsCode === asked)) {
    refuse(user, request, "an IG lead may record assessments only for their own organisation", context);
  }
  const result = recordMaturityAssessment({ actor: actorFor(user, request, context), user, frameworkCode: String(values.framework ?? ""), input: values });
  if (!result.ok && result.forbidden) refuse(user, request, "an IG lead may record assessments only for their own organisation", context);
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  return redirectWithFlash(`/maturity/${result.odsCode}`, "The assessment has been recorded.");
}

export default function RecordAssessment() {
  const { frameworks, framework, organisations, organisation, reportingDate } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const values: Record<string, string> = actionData?.values ?? {};
  const scaleHint = `${scaleText(framework)}`;
  const others = frameworks.filter((f) => f.code !== framework.code);

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/maturity">Back to digital maturity</BackLink>
        <ErrorSummary errors={errors} />
        <h1>
          <span className="nhsuk-caption-l">{framework.name}</span>
          Record a maturity assessment
        </h1>
        {others.length ? (
          <p>
            Scoring against another framework?{" "}
            {others.map((f, i) => (
              <span key={f.code}>
                {i > 0 ? ", " : ""}
                <Link to={`?framework=${f.code}${organisation ? `&organisation=${organisation}` : ""}`}>Use {f.name}</Link>
              </span>
            ))}
          </p>
        ) : null}
        <p>
          Score every dimension from {formatScore(framework.scaleMin)} to {formatScore(framework.scaleMax)}
          {framework.wholeNumbers ? " in whole numbers" : ""}, and give the evidence for each score.
        </p>
        <Form method="post" noValidate>
          <input type="hidden" name="framework" value={framework.code} />
          <Select
            id="organisation"
            name="organisation"
            label="Organisation assessed"
            hint={organisations.length === 1 ? "As an IG lead you record assessments for your own organisation." : undefined}
            defaultValue={values.organisation ?? organisation}
            emptyOption={organisations.length === 1 ? undefined : "Choose an organisation"}
            options={organisations.map((o) => ({ value: o.odsCode, label: `${o.name} (${o.odsCode})` }))}
            error={errors.organisation}
          />
          <DateInput
            id="assessedOn"
            name="assessedOn"
            label="Date of the assessment"
            hint={`On or before the reporting date, ${formatDate(reportingDate)}`}
            defaultValue={values.assessedOn ?? ""}
            error={errors.assessedOn}
          />
          <TextInput id="assessor" name="assessor" label="Assessor" hint="Who carried out or signed off the assessment, for example Chief Clinical Information Officer" defaultValue={values.assessor ?? ""} error={errors.assessor} autoComplete="off" />
          {framework.dimensions.map((d) => (
            <fieldset key={d.code} className="nhsuk-fieldset">
              <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">
                <h2 className="nhsuk-fieldset__heading">{d.name}</h2>
              </legend>
              <TextInput
                id={scoreField(d.code)}
                name={scoreField(d.code)}
                label="Score"
                hint={scaleHint}
                inputMode={framework.wholeNumbers ? "numeric" : "decimal"}
                width={4}
                defaultValue={values[scoreField(d.code)] ?? ""}
                error={errors[scoreField(d.code)]}
                autoComplete="off"
              />
              <Textarea
                id={evidenceField(d.code)}
                name={evidenceField(d.code)}
                label="Evidence"
                hint="What the score is based on"
                rows={3}
                defaultValue={values[evidenceField(d.code)] ?? ""}
                error={errors[evidenceField(d.code)]}
              />
            </fieldset>
          ))}
          <Button type="submit" disabled={navigation.state === "submitting"}>
            {navigation.state === "submitting" ? "Saving…" : "Record the assessment"}
          </Button>
        </Form>
      </div>
    </div>
  );
}
