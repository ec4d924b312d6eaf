import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BackLink, Button, DateInput, ErrorSummary, Table, TextInput, Textarea } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { getPriority, recordEndorsement } from "~/models/milestones.server";
import { RolloutRuleError } from "~/models/rollout.server";
import { EndorsementSchema } from "~/models/rollout.schema";
import { getReportingDate } from "~/models/settings.server";

export const meta: MetaFunction = () => [{ title: "Record an endorsement – ShareBoard" }];

function priorityOr404(raw: string | undefined) {
  const id = Number(raw);
  const priority = Number.isInteger(id) && id > 0 ? getPriority({ id }) : null;
  if (!priority) throw new Response("Not found", { status: 404 });
  return priority;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, "board", context);
  return { priority: priorityOr404(params.priorityId), reportingDate: getReportingDate() };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "board", context);
  const priority = priorityOr404(params.priorityId);
  const form = await request.formData();
  const values = formToObject(form) as Record<string, string>;
  const parsed = parseWith(EndorsementSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  try {
    recordEndorsement({ actor: actorFor(user, request, context), priorityId: priority.id, input: parsed.data });
    return redirectWithFlash("/rollout/milestones", `The board's endorsement of "${priority.title}" on ${formatDate(parsed.data.endorsedOn)} has been recorded.`);
  } catch (error) {
    if (error instanceof RolloutRuleError) return data({ errors: { [error.field]: error.message }, values }, { status: 400 });
    throw error;
  }
}

export default function Endorse() {
  const { priority, reportingDate } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const values: Record<string, string> = actionData?.values ?? { endorsedOn: reportingDate };
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/rollout/milestones">Milestones and priorities</BackLink>
        <ErrorSummary errors={errors} />
        <h1>
          <span className="nhsuk-caption-l">{priority.title}</span>
          Record the board&apos;s endorsement
        </h1>
        <Form method="post" noValidate>
          <DateInput id="endorsedOn" name="endorsedOn" label="Date of the board meeting" hint={`On or before ${formatDate(reportingDate)}`} defaultValue={values.endorsedOn ?? ""} error={errors.endorsedOn} />
          <TextInput id="minuteReference" name="minuteReference" label="Minute reference" hint="For example, IM&T board minute 2016/11/4" defaultValue={values.minuteReference ?? ""} error={errors.minuteReference} />
          <Textarea id="note" name="note" label="Note (optional)" rows={3} defaultValue={values.note ?? ""} error={errors.note} />
          <Button type="submit" disabled={navigation.state === "submitting"}>
            Record endorsement
          </Button>
        </Form>
        {priority.endorsements.length ? (
          <Table
            caption="Earlier endorsements"
            captionSize="s"
            head={["Date", "Minute", "By"]}
            rows={priority.endorsements.map((e) => [formatDate(e.endorsedOn), e.minuteReference ?? "", e.endorsedBy ?? ""])}
          />
        ) : null}
      </div>
    </div>
  );
}
