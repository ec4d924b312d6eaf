import { type ActionFunctionArgs, type AppLoadContext, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { BackLink, Button, DateInput, ErrorSummary, InsetText, SummaryList, Tag, Textarea } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { redirectWithFlash } from "~/lib/flash.server";
import { handleForm } from "~/lib/form-action.server";
import { ROLE_LABELS } from "~/lib/permissions";
import { actorFor, refuse, requireRole, safeRedirect } from "~/lib/session.server";
import { useFormResult } from "~/lib/use-form-result";
import type { SignedInUser } from "~/models/users.server";
import {
  ACKNOWLEDGING_ROLES,
  AcknowledgementRuleError,
  acknowledgeException,
  exceptionToAcknowledge,
  reviewByBounds,
  withAcknowledgements,
} from "~/models/exception-acknowledgements.server";
import { AcknowledgeExceptionSchema } from "~/models/exception-acknowledgements.schema";
import { ACKNOWLEDGEMENT_MAX_MONTHS, acknowledgementText } from "~/models/exception-acknowledgements.labels";
import { EXCEPTION_KIND_LABELS, SEVERITY_COLOURS, SEVERITY_LABELS } from "~/models/exceptions.labels";
import { getReportingDate } from "~/models/settings.server";

export const meta: MetaFunction = () => [{ title: "Acknowledge an exception – ShareBoard" }];

const REFUSAL = "only the role that should act on this exception (an IG lead for their own organisation's) or the programme team may acknowledge it";

/** The exception on the reporting date, or 404; a 403 (audited) for someone who may not acknowledge it. */
function exceptionOr404(request: Request, user: SignedInUser, rawKey: string | undefined, context: AppLoadContext) {
  const today = getReportingDate();
  const found = rawKey ? exceptionToAcknowledge({ key: rawKey, asAt: today, user }) : null;
  if (!found) throw new Response("There is no such exception on the reporting date: it may have been dealt with already.", { status: 404 });
  if (!found.mayAcknowledge) refuse(user, request, REFUSAL, context);
  return { today, exception: found.exception };
}

const returnToOf = (value: FormDataEntryValue | string | null) => safeRedirect(value, "/exceptions");

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, ACKNOWLEDGING_ROLES, context);
  const { today, exception } = exceptionOr404(request, user, params.exceptionKey, context);
  const [withCurrent] = withAcknowledgements([exception], { asAt: today });
  return { today, exception: withCurrent!, latest: reviewByBounds(today).latest, returnTo: returnToOf(new URL(request.url).searchParams.get("returnTo")) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ACKNOWLEDGING_ROLES, context);
  const { exception } = exceptionOr404(request, user, params.exceptionKey, context);
  return handleForm(
    request,
    AcknowledgeExceptionSchema,
    (input, form) => {
      const { acknowledgement } = acknowledgeException({ actor: actorFor(user, request, context), user, key: exception.id, input });
      return redirectWithFlash(
        returnToOf(form.get("returnTo")),
        `"${exception.title}" is acknowledged until ${formatDate(acknowledgement.reviewBy)}. It is off the task list until then and stays, marked, on the exceptions page and in the board pack.`,
      );
    },
    { ruleErrors: [AcknowledgementRuleError] },
  );
}

export default function AcknowledgeException() {
  const { today, exception, latest, returnTo } = useLoaderData<typeof loader>();
  const { errors, values, submitting } = useFormResult();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={returnTo}>Back</BackLink>
        <ErrorSummary errors={errors} />
        <h1>
          <span className="nhsuk-caption-l">{EXCEPTION_KIND_LABELS[exception.kind]}</span>
          Acknowledge an exception
        </h1>
        <p>
          Say why this can wait and when you will look at it again. It leaves the task list until that date and stays on the exceptions page and in the
          board pack, marked as acknowledged. If it becomes more severe first, it comes back at once.
        </p>
        <SummaryList
          rows={[
            { key: "Exception", value: exception.title },
            { key: "Detail", value: exception.detail },
            { key: "Severity", value: <Tag color={SEVERITY_COLOURS[exception.severity]}>{SEVERITY_LABELS[exception.severity]}</Tag> },
            { key: "Who should act", value: ROLE_LABELS[exception.actionRole] },
          ]}
        />
        {exception.acknowledgement ? <InsetText>Already {acknowledgementText(exception.acknowledgement).replace(/^A/, "a")}. Acknowledging it again replaces this.</InsetText> : null}
        <Form method="post" noValidate>
          <input type="hidden" name="returnTo" value={returnTo} />
          <Textarea
            id="reason"
            name="reason"
            label="Why can this wait?"
            hint="For example: the borough rate is on target and the practice has a plan to raise its own"
            rows={4}
            defaultValue={values.reason ?? ""}
            error={errors.reason}
          />
          <DateInput
            id="reviewBy"
            name="reviewBy"
            label="Review by"
            hint={`After today, ${formatDate(today)}, and no later than ${formatDate(latest)} (${ACKNOWLEDGEMENT_MAX_MONTHS} months). It comes back to the task list on this date.`}
            defaultValue={values.reviewBy ?? ""}
            error={errors.reviewBy}
          />
          <Button type="submit" disabled={submitting}>
            Acknowledge exception
          </Button>
        </Form>
      </div>
    </div>
  );
}
