import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, type ShouldRevalidateFunction } from "@remix-run/react";
import type { ReactNode } from "react";
import { z } from "zod";
import { BackLink, Button, DateInput, Details, ErrorSummary, Radios, SummaryList, Table, Tag, TextInput, Textarea } from "~/components/nhs";
import { sectionOfField, CASE_SECTIONS } from "~/models/cases.sections";
import { CaseStateTag } from "~/components/cases/case-state-tag";
import casesCss from "~/components/cases/cases.css?url";
import { formatDate } from "~/lib/dates";
import { formToObject, parseWith } from "~/lib/forms";
import { redirectWithFlash } from "~/lib/flash.server";
import { actorFor, requireUser } from "~/lib/session.server";
import {
  CaseRuleError,
  addComment,
  assertMayActOnCase,
  assertMayChangeComment,
  createPlannedDeployments,
  deleteComment,
  editComment,
  getCase,
  transitionCase,
} from "~/models/cases.server";
import { CommentFormSchema, TransitionFormSchema } from "~/models/cases.schema";
import {
  ARTICLE_6_LABELS,
  ARTICLE_9_LABELS,
  CASE_ACTIONS,
  CALDICOTT_KEYS,
  CALDICOTT_PRINCIPLES,
  COMMON_LAW_LABELS,
  CONSENT_MODEL_LABELS,
  DIRECTION_LABELS,
  DPIA_STATUS_LABELS,
  PURPOSE_LABELS,
  SYSTEM_LABELS,
  riskScore,
  stepLabel,
  transitionRule,
  type CaseAction,
} from "~/models/cases.labels";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? `${data.kase.reference}: ${data.kase.title}` : "Business case"} – ShareBoard` }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: casesCss }];

// After a refused step (403, 409) the page reloads the case, so the user sees where it stands now.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => (actionStatus && actionStatus >= 400 ? true : defaultShouldRevalidate);

// Every signed-in user may read every case (proposals are about organisations and data flows,
// not about patients); which steps they may take is decided by the model.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  try {
    return withWords(getCase({ user, reference: params.reference! }));
  } catch (error) {
    if (error instanceof CaseRuleError && error.status === 404) throw new Response(error.message, { status: 404 });
    throw error;
  }
}

/**
 * The words the page shows for the case's coded answers, its steps and the authors' progress, worked
 * out here: the browser then needs none of the form's labels or sections (issue 11), only this case's words.
 */
function withWords(page: ReturnType<typeof getCase>) {
  const { kase } = page;
  const label = (labels: Record<string, string>, value: string | null) => (value ? labels[value] ?? value : null);
  return {
    ...page,
    kase: { ...kase, risks: kase.risks?.map((r) => ({ ...r, score: riskScore(r) })) ?? null },
    answers: {
      purpose: label(PURPOSE_LABELS, kase.purpose),
      direction: label(DIRECTION_LABELS, kase.direction),
      systems: kase.systems?.length ? kase.systems.map((s) => SYSTEM_LABELS[s as keyof typeof SYSTEM_LABELS] ?? s).join("; ") : null,
      article6Basis: label(ARTICLE_6_LABELS, kase.article6Basis),
      article9Condition: label(ARTICLE_9_LABELS, kase.article9Condition),
      commonLawBasis: label(COMMON_LAW_LABELS, kase.commonLawBasis),
      consentModel: label(CONSENT_MODEL_LABELS, kase.consentModel),
      dpiaStatus: label(DPIA_STATUS_LABELS, kase.dpiaStatus),
    },
    caldicott: CALDICOTT_KEYS.map((key) => ({ key, principle: CALDICOTT_PRINCIPLES[key]!, answer: kase.caldicott?.[key] ?? null })),
    transitions: page.transitions.map((t) => ({ ...t, label: stepLabel(t.fromState, t.toState) })),
    changesSinceReview: page.changesSinceReview ? { ...page.changesSinceReview, label: stepLabel("ig_review", page.changesSinceReview.toState) } : null,
    progress: page.isAuthor && page.canEdit ? sectionsLeft(page.missing) : null,
  };
}

/** How far the authors are, in sections (the task list has the detail). */
function sectionsLeft(missing: { field: string }[]) {
  const left = new Set(missing.map((m) => sectionOfField(m.field))).size;
  if (!left) return "Every section is complete: check your answers and submit the case for IG review from its sections.";
  return `${CASE_SECTIONS.length - left} of ${CASE_SECTIONS.length} sections complete. Open the case's sections to finish it and submit it for IG review.`;
}

const DECISIONS: readonly CaseAction[] = ["approve", "reject", "defer"];
/** Each step's form on the page; the three board decisions share one. */
const formOf = (action: CaseAction) => (DECISIONS.includes(action) ? "decision" : action);

const CommentIdSchema = z.object({ commentId: z.string().regex(/^\d{1,9}$/, { error: "Choose a comment" }).transform(Number) });

type ActionResult = { form: string; errors: Record<string, string>; values: Record<string, string>; refusal?: string };

function failure(result: ActionResult, status: number) {
  return data(result, { status });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const reference = params.reference!;
  const form = await request.formData();
  const values = formToObject(form) as Record<string, string>;
  const actor = actorFor(user, request, context);
  const intent = values.intent;
  const formName = intent === "transition" && values.action ? formOf(values.action as CaseAction) : intent ?? "form";
  const prefixed = (errors: Record<string, string>) => Object.fromEntries(Object.entries(errors).map(([k, v]) => [`${formName}-${k}`, v]));

  try {
    // Permission first: a step this user may not take is refused (403, audited) before its fields are checked.
    if (intent === "transition" && (CASE_ACTIONS as readonly string[]).includes(values.action ?? "")) {
      assertMayActOnCase({ actor, user, reference, action: values.action as CaseAction });
    }
    if ((intent === "edit-comment" || intent === "delete-comment") && /^\d{1,9}$/.test(values.commentId ?? "")) {
      assertMayChangeComment({ actor, user, reference, commentId: Number(values.commentId), what: intent === "edit-comment" ? "comment.edit" : "comment.delete" });
    }
    if (intent === "transition") {
      const parsed = parseWith(TransitionFormSchema, form);
      if (!parsed.ok) return failure({ form: formName, errors: prefixed(parsed.errors), values }, 400);
      const step = parsed.data;
      const { version, ...text } = step;
      transitionCase({ actor, user, reference, ...text, expectedVersion: version });
      return redirectWithFlash(`/cases/${reference}`, `${reference}: ${transitionRule(step.action).done}.`);
    }
    if (intent === "comment") {
      const parsed = parseWith(CommentFormSchema, form);
      if (!parsed.ok) return failure({ form: "comment", errors: prefixed(parsed.errors), values }, 400);
      addComment({ actor, user, reference, body: parsed.data.body });
      return redirectWithFlash(`/cases/${reference}#comments`, "Your comment has been added.");
    }
    if (intent === "edit-comment" || intent === "delete-comment") {
      const id = parseWith(CommentIdSchema, form);
      if (!id.ok) return failure({ form: intent, errors: prefixed(id.errors), values }, 400);
      if (intent === "delete-comment") {
        deleteComment({ actor, user, reference, commentId: id.data.commentId });
        return redirectWithFlash(`/cases/${reference}#comments`, "Your comment has been deleted.");
      }
      const parsed = parseWith(CommentFormSchema, form);
      if (!parsed.ok) return failure({ form: `edit-comment-${id.data.commentId}`, errors: Object.fromEntries(Object.entries(parsed.errors).map(([k, v]) => [`edit-comment-${id.data.commentId}-${k}`, v])), values }, 400);
      editComment({ actor, user, reference, commentId: id.data.commentId, body: parsed.data.body });
      return redirectWithFlash(`/cases/${reference}#comments`, "Your comment has been changed.");
    }
    if (intent === "create-deployments") {
      const result = createPlannedDeployments({ actor, user, reference });
      const parts = [result.created ? `${result.created} planned deployment${result.created === 1 ? "" : "s"} created` : null, result.linked ? `${result.linked} linked to an existing deployment` : null].filter(Boolean);
      return redirectWithFlash(`/cases/${reference}#deployments`, parts.length ? `${parts.join("; ")}.` : "Every proposed service already has its deployment: nothing was created.");
    }
    return failure({ form: "form", errors: { _form: "Choose what to do" }, values }, 400);
  } catch (error) {
    if (!(error instanceof CaseRuleError)) throw error;
    if (error.status === 404) throw new Response(error.message, { status: 404 });
    if (error.status === 400) return failure({ form: formName, errors: Object.keys(error.fieldErrors).length ? prefixed(error.fieldErrors) : { _form: error.message }, values }, 400);
    // 403 (already audited by the model) and 409: nothing was saved; say why above the current case.
    return failure({ form: formName, errors: {}, values, refusal: error.message }, error.status);
  }
}

type CaseData = ReturnType<typeof useLoaderData<typeof loader>>;

function formatDateTime(iso: string | null | undefined) {
  if (!iso) return "";
  return `${formatDate(iso)} at ${iso.slice(11, 16)}`;
}

const notGiven = <span className="nhsuk-hint nhsuk-u-margin-bottom-0">Not given yet</span>;
const textOr = (value: string | null | undefined): ReactNode => (value ? <span className="sb-pre-wrap">{value}</span> : notGiven);
const wordsOr = (words: string | null): ReactNode => words ?? notGiven;

export default function CasePage() {
  const page = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionResult | undefined;
  const { kase } = page;
  const summaryErrors: Record<string, string> = actionData?.refusal ? { _refusal: actionData.refusal } : (actionData?.errors ?? {});

  return (
    <>
      <BackLink href="/cases">Business cases</BackLink>
      <ErrorSummary errors={summaryErrors} title={actionData?.refusal ? "Nothing was saved" : "There is a problem"} />
      <h1>
        <span className="nhsuk-caption-l">
          {kase.reference}
          {page.sponsor ? ` · sponsored by ${page.sponsor.name}` : ""}
        </span>
        {kase.title}
      </h1>
      <p className="nhsuk-body-l">
        <CaseStateTag state={kase.state} /> since {formatDate(kase.stateChangedAt)}
        {page.waiting ? (
          <>
            {" "}
            · waiting {page.waiting.workingDays} working {page.waiting.workingDays === 1 ? "day" : "days"} (service level {page.waiting.sla}){" "}
            {page.waiting.over ? <Tag color="red">Over the service level</Tag> : null}
          </>
        ) : null}
      </p>

      {page.changesSinceReview ? <ChangesSinceReview changes={page.changesSinceReview} /> : null}

      {page.progress ? (
        <>
          <p>{page.progress}</p>
          <p>
            <Link className="nhsuk-button nhsuk-button--secondary" to={`/cases/${kase.reference}/edit`}>
              Edit this case
            </Link>
          </p>
        </>
      ) : null}

      <Actions page={page} actionData={actionData} />

      <h2>The proposal</h2>
      <Proposal page={page} />

      <Deployments page={page} />

      <h2 id="history">History</h2>
      <Timeline transitions={page.transitions} />

      <Comments page={page} actionData={actionData} />
    </>
  );
}

function ChangesSinceReview({ changes }: { changes: NonNullable<CaseData["changesSinceReview"]> }) {
  return (
    <section aria-labelledby="changes-heading" className="nhsuk-card">
      <div className="nhsuk-card__content">
        <h2 id="changes-heading" className="nhsuk-card__heading">
          What changed since “{changes.label}” on {formatDate(changes.at)}
        </h2>
        <p>The authors changed {changes.differences.length === 1 ? "this answer" : `these ${changes.differences.length} answers`} after {changes.actorName}&apos;s step.</p>
        <DifferencesTable differences={changes.differences} caption="Answers changed since the last review step" />
      </div>
    </section>
  );
}

function DifferencesTable({ differences, caption }: { differences: { field: string; label: string; before: string; after: string }[]; caption: string }) {
  return (
    <Table
      caption={caption}
      captionSize="s"
      head={["Question", "Before", "After"]}
      rows={differences.map((d) => [d.label, <span className="sb-pre-wrap" key="b">{d.before}</span>, <span className="sb-pre-wrap" key="a">{d.after}</span>])}
      firstCellIsHeader
    />
  );
}

/** The forms for the steps this user may take now, and no others. */
function Actions({ page, actionData }: { page: CaseData; actionData?: ActionResult }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const actions = page.actions;
  const canDecide = actions.filter((a) => DECISIONS.includes(a.action));
  const others = actions.filter((a) => !DECISIONS.includes(a.action));
  if (!actions.length && !page.canCreateDeployments) return null;
  const mine = (form: string) => (actionData?.form === form ? actionData : undefined);
  const recommendation = [...page.transitions].reverse().find((t) => t.igRecommendation);
  const err = (form: string, field: string) => mine(form)?.errors[`${form}-${field}`];
  const val = (form: string, field: string) => mine(form)?.values[field] ?? "";
  const hidden = (action: CaseAction) => (
    <>
      <input type="hidden" name="intent" value="transition" />
      <input type="hidden" name="action" value={action} />
      <input type="hidden" name="version" value={page.kase.version} />
    </>
  );

  return (
    <section aria-labelledby="actions-heading">
      <h2 id="actions-heading">What you can do</h2>
      {others.map((a) => {
        const form = formOf(a.action);
        switch (a.action) {
          case "request_changes":
            return (
              <Form method="post" className="sb-case-action" key={a.action}>
                {hidden(a.action)}
                <h3>Request changes</h3>
                <Textarea id={`${form}-note`} name="note" label="What needs to change?" hint="The authors see this note on the case. Be specific: which question, and what would satisfy you." defaultValue={val(form, "note")} error={err(form, "note")} />
                <Button variant="secondary" disabled={busy}>
                  Request changes
                </Button>
              </Form>
            );
          case "pass_to_board":
            return (
              <Form method="post" className="sb-case-action" key={a.action}>
                {hidden(a.action)}
                <h3>Pass to the board</h3>
                <Textarea
                  id={`${form}-igRecommendation`}
                  name="igRecommendation"
                  label="Your IG recommendation to the board"
                  hint="For example: recommend approval, subject to the agreement being signed and the DPIA completed before go-live."
                  defaultValue={val(form, "igRecommendation")}
                  error={err(form, "igRecommendation")}
                />
                <Button disabled={busy}>Pass to the board</Button>
              </Form>
            );
          case "submit":
            // Submitting goes through "Check your answers", the end of the task list (the POST stays for the API and scripts).
            return (
              <div className="sb-case-action" key={a.action}>
                <h3>Submit for IG review</h3>
                <p>Check your answers before you submit: you can change any section from there.</p>
                <Button href={`/cases/${encodeURIComponent(page.kase.reference)}/edit/check-answers`}>Check your answers and submit</Button>
              </div>
            );
          case "withdraw":
            return (
              <Details summary="Withdraw this case" key={a.action} open={mine(form) ? true : undefined}>
                <Form method="post">
                  {hidden(a.action)}
                  <Textarea id={`${form}-note`} name="note" label="Why are you withdrawing it?" hint="A withdrawn case cannot be reopened: you can start a new one." defaultValue={val(form, "note")} error={err(form, "note")} />
                  <Button variant="warning" disabled={busy}>
                    Withdraw this case
                  </Button>
                </Form>
              </Details>
            );
          default:
            return (
              <Form method="post" className="sb-case-action" key={a.action}>
                {hidden(a.action)}
                {a.action === "return_to_board" || a.action === "mark_implemented" ? (
                  <TextInput id={`${form}-note`} name="note" label="Note (optional)" defaultValue={val(form, "note")} error={err(form, "note")} />
                ) : null}
                <Button disabled={busy}>{a.label}</Button>
              </Form>
            );
        }
      })}
      {canDecide.length ? (
        <Form method="post" className="sb-case-action">
          <input type="hidden" name="intent" value="transition" />
          <input type="hidden" name="version" value={page.kase.version} />
          <h3>Record the board&apos;s decision</h3>
          {recommendation ? (
            <div className="nhsuk-inset-text">
              <span className="nhsuk-u-visually-hidden">Information: </span>
              <p>
                <strong>IG recommendation</strong> ({recommendation.actorName}, {formatDate(recommendation.at)}): {recommendation.igRecommendation}
              </p>
            </div>
          ) : null}
          <Radios
            id="decision-action"
            name="action"
            label="Decision"
            items={canDecide.map((a) => ({ value: a.action, label: a.label }))}
            defaultValue={mine("decision")?.values.action ?? null}
            error={err("decision", "action")}
            inline
          />
          <Textarea id="decision-rationale" name="rationale" label="Rationale" hint="Why the board decided this, as it will appear in the minutes and the board pack." defaultValue={val("decision", "rationale")} error={err("decision", "rationale")} />
          <DateInput id="decision-meetingDate" name="meetingDate" label="Board meeting date" hint="Give the meeting date, the minute reference, or both." defaultValue={val("decision", "meetingDate")} error={err("decision", "meetingDate")} />
          <TextInput id="decision-meetingReference" name="meetingReference" label="Minute reference" width={20} defaultValue={val("decision", "meetingReference")} error={err("decision", "meetingReference")} />
          <Textarea
            id="decision-interestDeclared"
            name="interestDeclared"
            label={canDecide[0]!.interestRequired ? "Declare your interest" : "Declare any interest (optional)"}
            hint={
              canDecide[0]!.interestRequired
                ? `Your organisation, ${page.sponsor?.name ?? "the sponsor"}, sponsors this case, so you must declare your interest. It is recorded with the decision.`
                : "Leave blank if you have no interest to declare."
            }
            rows={2}
            defaultValue={val("decision", "interestDeclared")}
            error={err("decision", "interestDeclared")}
          />
          <Button disabled={busy}>Record decision</Button>
        </Form>
      ) : null}
      {page.canCreateDeployments ? (
        <Form method="post" className="sb-case-action">
          <input type="hidden" name="intent" value="create-deployments" />
          <h3>Plan the roll-out</h3>
          <p>
            {page.deploymentsToCreate === 1
              ? "Create a planned deployment for the proposed service below that has none yet"
              : `Create a planned deployment for each of the ${page.deploymentsToCreate} proposed services below that have none yet`}
            , planned to go live on {formatDate(page.kase.targetGoLive) || "the case's target date"}.
          </p>
          <Button disabled={busy}>Create planned deployments</Button>
        </Form>
      ) : null}
    </section>
  );
}

function Proposal({ page }: { page: CaseData }) {
  const { kase, answers } = page;
  return (
    <>
      <h3>What and why</h3>
      <SummaryList
        rows={[
          { key: "Summary", value: textOr(kase.summary) },
          { key: "Purpose", value: wordsOr(answers.purpose) },
          { key: "Target go-live", value: kase.targetGoLive ? formatDate(kase.targetGoLive) : notGiven },
          {
            key: "Written by",
            value: (
              <ul className="nhsuk-list">
                {page.authors.map((a) => (
                  <li key={a.userId}>
                    {a.name} ({a.organisationName}){a.role === "co_author" ? ", co-author" : ""}
                  </li>
                ))}
              </ul>
            ),
          },
        ]}
      />
      <h3>Who shares with whom</h3>
      <SummaryList
        rows={[
          { key: "Sponsoring organisation", value: page.sponsor ? `${page.sponsor.name} (${page.sponsor.odsCode})` : notGiven },
          {
            key: "Partner organisations",
            value: page.partners.length ? (
              <ul className="nhsuk-list">
                {page.partners.map((p) => (
                  <li key={p.id}>
                    {p.name} ({p.odsCode})
                  </li>
                ))}
              </ul>
            ) : (
              notGiven
            ),
          },
          { key: "Direction", value: wordsOr(answers.direction) },
          { key: "Systems", value: wordsOr(answers.systems) },
        ]}
      />
      <h3>Information and involvement</h3>
      <SummaryList
        rows={[
          { key: "Data items", value: textOr(kase.dataItems) },
          { key: "Benefit to local people", value: textOr(kase.benefit) },
          { key: "Clinician involvement", value: textOr(kase.clinicianInvolvement) },
          { key: "Patient and public involvement", value: textOr(kase.publicInvolvement) },
        ]}
      />
      <h3>Lawful basis, consent and DPIA</h3>
      <SummaryList
        rows={[
          { key: "UK GDPR Article 6", value: wordsOr(answers.article6Basis) },
          { key: "UK GDPR Article 9", value: wordsOr(answers.article9Condition) },
          { key: "Common law", value: wordsOr(answers.commonLawBasis) },
          { key: "Consent model", value: wordsOr(answers.consentModel) },
          { key: "DPIA needed", value: kase.dpiaNeeded === null ? notGiven : kase.dpiaNeeded ? "Yes" : "No" },
          { key: "DPIA state", value: wordsOr(answers.dpiaStatus) },
        ]}
      />
      <h3>Risks</h3>
      {kase.risks?.length ? (
        <Table
          caption="Risks, scored likelihood × impact (each 1 to 5)"
          captionSize="s"
          head={["Risk", { content: "Likelihood", format: "numeric" }, { content: "Impact", format: "numeric" }, { content: "Score", format: "numeric" }, "Mitigation"]}
          rows={kase.risks.map((r) => [r.description || "Not given yet", r.likelihood ?? "–", r.impact ?? "–", r.score ?? "–", r.mitigation || "Not given yet"])}
        />
      ) : (
        <p>No risks listed yet.</p>
      )}
      <h3>The Caldicott principles</h3>
      <SummaryList rows={page.caldicott.map((c) => ({ key: `${c.key}. ${c.principle}`, value: textOr(c.answer) }))} />
    </>
  );
}

const DEPLOYMENT_STATUS_LABELS: Record<string, string> = { planned: "Planned", in_progress: "In progress", live: "Live", paused: "Paused", withdrawn: "Withdrawn" };

function Deployments({ page }: { page: CaseData }) {
  return (
    <section aria-labelledby="deployments">
      <h2 id="deployments">Services and deployments</h2>
      {page.proposed.length ? (
        <Table
          caption={`Services this case proposed, and their deployments as at ${formatDate(page.reportingDate)}`}
          captionSize="s"
          head={["Service", "Capability", "Deployment"]}
          rows={page.proposed.map((p) => [
            `${p.serviceName} (${p.organisationName})`,
            p.capabilityName,
            p.deploymentId ? (
              <span key="d">
                {DEPLOYMENT_STATUS_LABELS[p.deploymentStatus ?? ""] ?? "No status yet"}
                {p.plannedGoLive ? `, planned go-live ${formatDate(p.plannedGoLive)}` : ""}
              </span>
            ) : (
              "Not created yet"
            ),
          ])}
        />
      ) : (
        <p>This case names no particular services.</p>
      )}
    </section>
  );
}

function Timeline({ transitions }: { transitions: CaseData["transitions"] }) {
  return (
    <ol className="sb-timeline">
      {transitions.map((t) => (
        <li className="sb-timeline__item" key={t.id}>
          <h3 className="nhsuk-heading-s nhsuk-u-margin-bottom-1">{t.label}</h3>
          <p className="sb-timeline__meta nhsuk-body-s">
            {/* One clock: a step is dated in the programme's calendar (the reporting date on the day it was taken), so no time of day. */}
            {t.actorName}, <span data-testid="step-date">{formatDate(t.at)}</span> · version {t.caseVersion}
          </p>
          {t.note || t.igRecommendation || t.rationale || t.meetingDate || t.meetingReference || t.interestDeclared ? (
            <SummaryList
              noLastRowBorder
              rows={[
                t.note ? { key: "Note", value: textOr(t.note) } : null,
                t.igRecommendation ? { key: "IG recommendation", value: textOr(t.igRecommendation) } : null,
                t.rationale ? { key: "Rationale", value: textOr(t.rationale) } : null,
                t.meetingDate || t.meetingReference ? { key: "Board meeting", value: [t.meetingDate ? formatDate(t.meetingDate) : null, t.meetingReference].filter(Boolean).join(", ") } : null,
                t.interestDeclared ? { key: "Interest declared", value: textOr(t.interestDeclared) } : null,
              ]}
            />
          ) : null}
          {t.changes.length ? (
            <Details summary={`What the authors changed before this step (${t.changes.length})`}>
              <DifferencesTable differences={t.changes} caption={`Answers changed before: ${t.label}`} />
            </Details>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function Comments({ page, actionData }: { page: CaseData; actionData?: ActionResult }) {
  const mine = actionData?.form === "comment" ? actionData : undefined;
  return (
    <section aria-labelledby="comments">
      <h2 id="comments">Comments</h2>
      {page.comments.length ? null : <p>No comments yet.</p>}
      {page.comments.map((c) => (
        <div className="sb-comment" key={c.id}>
          <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">
            <strong>{c.authorName}</strong>, {formatDateTime(c.createdAt)}
            {c.editedAt && !c.deletedAt ? ` (changed ${formatDateTime(c.editedAt)})` : ""}
          </p>
          {c.deletedAt ? <p className="nhsuk-hint">Deleted by its author on {formatDateTime(c.deletedAt)}.</p> : <p className="sb-pre-wrap">{c.body}</p>}
          {c.canChange ? (
            <Details summary="Change or delete your comment (for 10 minutes after posting)">
              <Form method="post">
                <input type="hidden" name="commentId" value={c.id} />
                <Textarea
                  id={`edit-comment-${c.id}-body`}
                  name="body"
                  label="Your comment"
                  rows={3}
                  defaultValue={c.body}
                  error={actionData?.errors[`edit-comment-${c.id}-body`]}
                />
                <div className="nhsuk-button-group">
                  <Button name="intent" value="edit-comment" variant="secondary" small>
                    Save changes
                  </Button>
                  <Button name="intent" value="delete-comment" variant="warning" small>
                    Delete comment
                  </Button>
                </div>
              </Form>
            </Details>
          ) : null}
        </div>
      ))}
      <Form method="post">
        <input type="hidden" name="intent" value="comment" />
        <Textarea id="comment-body" name="body" label="Add a comment" hint="Everyone signed in to ShareBoard can read comments. Do not include any patient's details." rows={3} defaultValue={mine?.values.body ?? ""} error={mine?.errors["comment-body"]} />
        <Button variant="secondary">Add comment</Button>
      </Form>
    </section>
  );
}
