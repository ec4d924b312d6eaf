import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BackLink, Button, ErrorSummary, FileUpload } from "~/components/nhs";
import { ImportPreview } from "~/components/rollout/import-preview";
import { csvTextOf, CsvFileError, discardStagedUpload, readStagedUpload, readUploadForm, stageUpload } from "~/lib/csv-upload.server";
import { MAX_UPLOAD_LABEL } from "~/lib/upload-limits";
import { redirectWithFlash } from "~/lib/flash.server";
import { actorFor, requireRole } from "~/lib/session.server";
import { applyUsageImport, planUsageImport, summariseUsagePlan, USAGE_COLUMNS, type UsageImportSummary } from "~/models/usage-import.server";

export const meta: MetaFunction = () => [{ title: "Import usage figures – ShareBoard" }];

const KIND = "usage";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, "programme", context);
  return { columns: USAGE_COLUMNS };
}

type ActionData = { errors: Record<string, string>; preview?: undefined } | { preview: UsageImportSummary; stageId: string; fileName: string; errors?: undefined };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "programme", context);
  const upload = await readUploadForm(request);
  if (!upload.ok) return data<ActionData>({ errors: { file: upload.message } }, { status: 400 });
  const form = upload.form;
  try {
    if (form.get("intent") === "confirm") {
      const stageId = String(form.get("stageId") ?? "");
      const staged = readStagedUpload<null>({ id: stageId, userId: user.id, kind: KIND });
      if (!staged) return data<ActionData>({ errors: { file: "The uploaded file has expired or was not found: upload it again" } }, { status: 400 });
      const result = applyUsageImport({ actor: actorFor(user, request, context), text: staged.text, fileName: staged.fileName });
      discardStagedUpload(stageId);
      return redirectWithFlash("/rollout", `Imported ${staged.fileName}: ${result.added} monthly figures added, ${result.updated} updated, ${result.rejectedTotal} lines rejected.`);
    }
    const file = await csvTextOf(form.get("file"));
    if (!file.ok) return data<ActionData>({ errors: { file: file.message } }, { status: 400 });
    const summary = summariseUsagePlan(planUsageImport({ text: file.text }));
    const stageId = stageUpload({ userId: user.id, kind: KIND, text: file.text, options: null, fileName: file.fileName });
    return data<ActionData>({ preview: summary, stageId, fileName: file.fileName });
  } catch (error) {
    if (error instanceof CsvFileError) return data<ActionData>({ errors: { file: error.message } }, { status: 400 });
    throw error;
  }
}

export default function ImportUsage() {
  const { columns } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const checking = navigation.state !== "idle" && navigation.formData?.get("intent") === "preview";
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/rollout">Roll-out</BackLink>
        <ErrorSummary errors={errors} />
        <h1>Import usage figures</h1>
        {actionData?.preview ? (
          <ImportPreview
            preview={{ ...actionData.preview, skippedTotal: actionData.preview.unchanged, skipped: actionData.preview.unchanged ? [{ reason: "already up to date (no change)", count: actionData.preview.unchanged, lines: [] }] : [] }}
            stageId={actionData.stageId}
            fileName={actionData.fileName}
            noun="monthly figures"
            cancelHref="/rollout/usage/import"
          />
        ) : (
          <>
            <p>
              Upload monthly record views per deployment as CSV with the header <code>{columns.join(",")}</code>: the organisation&apos;s ODS
              code, the service name, the capability code (for example mig_view), the month as YYYY-MM and the number of views. A month already
              recorded is replaced. You will see what changes before anything is saved.
            </p>
            <Form method="post" encType="multipart/form-data" noValidate>
              <input type="hidden" name="intent" value="preview" />
              <FileUpload id="file" name="file" label="CSV file" hint={`Up to ${MAX_UPLOAD_LABEL}`} accept=".csv,text/csv" error={errors.file} />
              <Button type="submit" disabled={checking}>
                {checking ? "Checking the file…" : "Check the file"}
              </Button>
            </Form>
          </>
        )}
      </div>
    </div>
  );
}
