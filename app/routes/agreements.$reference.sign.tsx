import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { BackLink, Button, Checkboxes, DateInput, ErrorSummary, InsetText, Table, TextInput, Textarea } from "~/components/nhs";
import { AgreementTerms, DpiaStatus } from "~/components/governance/agreement-terms";
import { formatDate } from "~/lib/dates";
import { listInWords } from "~/lib/words";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, requireRole, refuse } from "~/lib/session.server";
import { declineAgreement, maySignForParty, signAgreement, signatureRequestFor } from "~/models/agreement-signing.server";
import { DeclineSchema, SignSchema } from "~/models/agreements.schema";
import { runGovernance } from "~/models/governance-errors.server";
import { getReportingDate } from "~/models/settings.server";
import { getAgreement } from "~/models/agreements.server";

const PAGE_TITLES = {
  all_signed: "Everyone has signed",
  signed: "You have signed",
  declined: "You declined to sign",
  draft: "Not yet sent for signature",
} as const;

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Sign agreement – ShareBoard" }];
  const request = data.request;
  return [{ title: data.state === "waiting" ? `Sign ${request.reference} – ShareBoard` : `${PAGE_TITLES[data.state]}: ${request.reference} – ShareBoard` }];
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ig_lead", context);
  const reference = params.reference!;
  // The model says whether this user's organisation has a signature waiting (403 / 404 / 409 otherwise).
  const result = runGovernance(() => signatureRequestFor({ user, reference }), { user, request, context });
  if (!result.ok) throw new Response("Not found", { status: 404 });
  // Any state but "waiting" is a plain page saying what the state is and what to do (not an error).
  const state = result.value;
  if (state.state !== "waiting") return { state: state.state, request: state };
  // What is being signed: the version waiting, as it stands now.
  const detail = getAgreement({ reference, version: result.value.version, asAt: getReportingDate() })!;
  const a = detail.agreement;
  return {
    state: "waiting" as const,
    request: state,
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
  return loaded.state === "waiting" ? <SignAgreement loaded={loaded} /> : <NothingToSign loaded={loaded} />;
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type NotWaiting = Exclude<Loaded, { state: "waiting" }>;

/** The sign page when there is nothing for this organisation to sign: what state the agreement is in, and what happens next. */
function NothingToSign({ loaded }: { loaded: NotWaiting }) {
  const request = loaded.request;
  const href = `/agreements/${encodeURIComponent(request.reference)}`;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={href}>Back to {request.reference}</BackLink>
        <h1>
          <span className="nhsuk-caption-l">
            {request.reference} version {request.version}
          </span>
          {loaded.state === "all_signed" ? "Everyone has signed this agreement" : loaded.state === "draft" ? "This agreement has not been sent for signature" : loaded.state === "signed" ? "Your organisation has signed" : "Your organisation declined to sign"}
        </h1>
        <StateExplained loaded={loaded} />
        <p>
          <a href={href}>Back to {request.reference}</a>
        </p>
      </div>
    </div>
  );
}

function StateExplained({ loaded }: { loaded: NotWaiting }) {
  const r = loaded.request;
  if (r.state === "draft") {
    return (
      <p>
        {r.title}. Version {r.version} is a draft: there is nothing to sign yet. When it is sent for signature, you will get a notification and can sign it here.
      </p>
    );
  }
  if (r.state === "signed") {
    return (
      <>
        <p>
          {r.title}. Your organisation signed this version{r.signedOn ? ` on ${formatDate(r.signedOn)}` : ""}{r.signatoryName ? ` (${r.signatoryName})` : ""}. There is nothing more for you to do.
        </p>
        {r.waitingFor.length ? <p>Waiting for: {listInWords(r.waitingFor)}. It comes into force once every party has signed.</p> : null}
        {r.declinedBy.length ? (
          <p>
            {listInWords(r.declinedBy)} declined to sign. It cannot come into force until {r.declinedBy.length === 1 ? "they are" : "they are each"} asked again and sign, or the agreement is changed.
          </p>
        ) : null}
      </>
    );
  }
  if (r.state === "declined") {
    return (
      <>
        <p>
          {r.title}. Your organisation declined to sign this version{r.declinedOn ? ` on ${formatDate(r.declinedOn)}` : ""}{r.signatoryName ? ` (${r.signatoryName})` : ""}
          {r.declineReason ? `, saying: “${r.declineReason}”` : ""}.
        </p>
        <p>
          It cannot come into force while you decline. If the agreement is changed, or the people managing it ask you again, you will get a notification and can
          sign here.{r.waitingFor.length ? ` Still to answer: ${listInWords(r.waitingFor)}.` : ""}
        </p>
      </>
    );
  }
  return <EveryoneHasSigned signed={r} />;
}

function EveryoneHasSigned({ signed }: { signed: Extract<NotWaiting["request"], { state: "all_signed" }> }) {
  const ended = signed.ended;
  const endedOn = ended?.endedOn ?? null;
  return (
    <>
      <p>
        {signed.title}. There is nothing left to sign
        {endedOn
          ? endedOn <= signed.reportingDate
            ? `: it was in force from ${formatDate(signed.activatedOn ?? signed.effectiveOn)} and ${ended!.status === "expired" ? "expired" : "was terminated"} on ${formatDate(endedOn)}`
            : `: it is in force from ${formatDate(signed.activatedOn ?? signed.effectiveOn)} and will end on ${formatDate(endedOn)}`
          : signed.activatedOn
            ? `: it is in force from ${formatDate(signed.activatedOn)}`
            : ""}
        .
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
    </>
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
        {request.earlierSignature ? (
          <InsetText>
            <p>
              Your organisation signed version {request.earlierSignature.version}
              {request.earlierSignature.signedOn ? ` on ${formatDate(request.earlierSignature.signedOn)}` : ""}. It was then changed in a way every party must agree to,
              so version {request.version} needs your signature again. Version {request.earlierSignature.version} and its signatures stay in the agreement's history.
            </p>
          </InsetText>
        ) : null}
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
