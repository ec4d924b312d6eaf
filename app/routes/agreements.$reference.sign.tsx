import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { BackLink, Button, Checkboxes, DateInput, ErrorSummary, Table, TextInput, Textarea } from "~/components/nhs";
import { AgreementTerms, DpiaStatus } from "~/components/governance/agreement-terms";
import { formatDate } from "~/lib/dates";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, requireRole, refuse } from "~/lib/session.server";
import { declineAgreement, maySignForParty, signAgreement, signatureRequestFor } from "~/models/agreement-signing.server";
import { DeclineSchema, SignSchema } from "~/models/agreements.schema";
import { runGovernance } from "~/models/governance-errors.server";
import { getReportingDate } from "~/models/settings.server";
import { getAgreement } from "~/models/agreements.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.state === "all_signed" ? `Everyone has signed ${data.signed.reference} – ShareBoard` : `Sign ${data?.request.reference ?? "agreement"} – ShareBoard` },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ig_lead", context);
  const reference = params.reference!;
  // The model says whether this user's organisation has a signature waiting (403 / 404 / 409 otherwise).
  const result = runGovernance(() => signatureRequestFor({ user, reference }), { user, request, context });
  if (!result.ok) throw new Response("Not found", { status: 404 });
  if (result.value.state === "all_signed") return { state: "all_signed" as const, signed: result.value };
  // What is being signed: the version waiting, as it stands now.
  const detail = getAgreement({ reference, version: result.value.version, asAt: getReportingDate() })!;
  const a = detail.agreement;
  return {
    state: "waiting" as const,
    request: result.value,
    terms: {
      reference: a.reference,
      version: a.version,
      purpose: a.purpose,
      article6Basis: a.article6Basis,
      article9Condition: a.article9Condition,
      commonLawBasis: a.commonLawBasis,
      consentModel: a.consentModel,
      dataItems: a.dataItems,
    },
    parties: detail.parties.map((p) => ({ organisationName: p.organisationName, odsCode: p.odsCode, role: p.role })),
    coverage: detail.coverage,
    dpia: detail.dpia,
    organisationName: user.organisationName,
    defaults: { signatoryName: user.name, signatoryRole: user.jobTitle ?? "", signedOn: getReportingDate() },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "ig_lead", context);
  const reference = params.reference!;
  // Permission first: only an IG lead of a party signs or declines for it; anyone else is refused before any input is checked.
  if (!maySignForParty({ user, reference })) refuse(user, request, "signing or declining for an organisation that is not a party", context);
  const form = await request.formData();
  const values = formToObject(form) as Record<string, string>;
  const actor = actorFor(user, request, context);
  const href = `/agreements/${encodeURIComponent(reference)}`;
  if (form.get("intent") === "decline") {
    const parsed = parseWith(DeclineSchema, form);
    if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
    const result = runGovernance(() => declineAgreement({ actor, user, reference, reason: parsed.data.declineReason }), { user, request, context });
    if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
    return redirectWithFlash(href, `You declined to sign ${reference} for ${user.organisationName}. The other parties can see your reason.`);
  }
  const parsed = parseWith(SignSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  const result = runGovernance(() => signAgreement({ actor, user, reference, input: parsed.data }), { user, request, context });
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  const { activated, activatedOn } = result.value;
  return redirectWithFlash(
    href,
    activated
      ? `You signed ${reference} for ${user.organisationName}. Every party has now signed: it is in force from ${formatDate(activatedOn)}.`
      : `You signed ${reference} for ${user.organisationName}.`,
  );
}

export default function SignAgreementPage() {
  const loaded = useLoaderData<typeof loader>();
  return loaded.state === "all_signed" ? <EveryoneHasSigned signed={loaded.signed} /> : <SignAgreement loaded={loaded} />;
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;

function EveryoneHasSigned({ signed }: { signed: Extract<Loaded, { state: "all_signed" }>["signed"] }) {
  const href = `/agreements/${encodeURIComponent(signed.reference)}`;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={href}>Back to {signed.reference}</BackLink>
        <h1>
          <span className="nhsuk-caption-l">
            {signed.reference} version {signed.version}
          </span>
          Everyone has signed this agreement
        </h1>
        <p>
          {signed.title}. There is nothing left to sign{signed.activatedOn ? `: it has been in force from ${formatDate(signed.activatedOn)}` : ""}.
        </p>
        <Table
          caption={`Who signed ${signed.reference} version ${signed.version}, and when`}
          head={["Organisation", "Signed by", "Date"]}
          responsive
          rows={signed.signatures.map((s) => [
            `${s.organisationName} (${s.odsCode})`,
            `${s.signatoryName ?? "Not recorded"}${s.signatoryRole ? `, ${s.signatoryRole}` : ""}`,
            s.signedOn ? formatDate(s.signedOn) : "Not recorded",
          ])}
        />
        <p>
          <a href={href}>Back to {signed.reference}</a>
        </p>
      </div>
    </div>
  );
}

function SignAgreement({ loaded }: { loaded: Extract<Loaded, { state: "waiting" }> }) {
  const { request, organisationName, defaults } = loaded;
  const actionData = useActionData<typeof action>();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const values: Record<string, string> = { ...defaults, ...(actionData?.values ?? {}) };
  const href = `/agreements/${encodeURIComponent(request.reference)}`;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={href}>Back to {request.reference}</BackLink>
        <ErrorSummary errors={errors} />
        <h1>
          <span className="nhsuk-caption-l">
            {request.reference} version {request.version}
          </span>
          Sign for {organisationName}
        </h1>
        <p>
          {request.title}. It takes effect on {formatDate(request.effectiveOn)} once every party has signed. Read what you are agreeing to before you sign:
          the <a href={href}>full agreement</a> also has its history.
        </p>
        <h2>What you are signing</h2>
        <AgreementTerms terms={loaded.terms} parties={loaded.parties} coverage={loaded.coverage} />
        <h2>Data protection impact assessment</h2>
        <DpiaStatus dpia={loaded.dpia} />
        <h2>Your signature</h2>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="sign" />
          <TextInput id="signatoryName" name="signatoryName" label="Your full name" autoComplete="name" defaultValue={values.signatoryName} error={errors.signatoryName} />
          <TextInput id="signatoryRole" name="signatoryRole" label="Your role" defaultValue={values.signatoryRole} error={errors.signatoryRole} />
          <DateInput id="signedOn" name="signedOn" label="Date of signature" hint={
              request.sentForSignatureOn
                ? `Between ${formatDate(request.sentForSignatureOn)}, when it was sent for signature, and the reporting date, ${formatDate(defaults.signedOn)}`
                : `On or before the reporting date, ${formatDate(defaults.signedOn)}`
            } defaultValue={values.signedOn} error={errors.signedOn} />
          <Checkboxes
            id="authorityDeclared"
            name="authorityDeclared"
            label="Declaration"
            legendSize="s"
            items={[{ value: "yes", label: `I have authority to sign this agreement on behalf of ${organisationName}` }]}
            defaultValue={values.authorityDeclared === "yes" ? ["yes"] : []}
            error={errors.authorityDeclared}
          />
          <Button type="submit">Sign the agreement</Button>
        </Form>

        <h2>Or decline to sign</h2>
        <p>The agreement cannot come into force while a party declines. Say why, so it can be changed.</p>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="decline" />
          <Textarea id="declineReason" name="declineReason" label="Why your organisation declines" rows={3} defaultValue={values.declineReason} error={errors.declineReason} />
          <Button type="submit" variant="warning">
            Decline to sign
          </Button>
        </Form>
      </div>
    </div>
  );
}
