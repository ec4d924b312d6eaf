import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BackLink, Button, DateInput, ErrorSummary, FileUpload, Radios, TextInput, Details } from "~/components/nhs";
import { ImportOutcomes } from "~/components/organisation/import-outcomes";
import { formatDate } from "~/lib/dates";
import { ImportPreview } from "~/components/rollout/import-preview";
import { csvTextOf, CsvFileError, discardStagedUpload, readStagedUpload, readUploadForm, stageUpload } from "~/lib/csv-upload.server";
import { MAX_UPLOAD_LABEL } from "~/lib/upload-limits";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { applyOrganisationImport, ImportDateError, planOrganisationImport, summarisePlan, type ImportSummary } from "~/models/organisation-import.server";
import { ImportOptionsSchema, type ImportOptions } from "~/models/organisations.schema";
import { listOrganisations } from "~/models/organisations.server";
import { asAtRangeMessage, resolveAsAt } from "~/models/settings.server";

export const meta: MetaFunction = () => [{ title: "Import organisations – ShareBoard" }];

const KIND = "organisations";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, "programme", context);
  const { asAt, reportingDate } = resolveAsAt(new URLSearchParams());
  const ccg = listOrganisations({ asAt, type: "ccg", page: 1, pageSize: 1 }).rows[0];
  return { defaultCommissioner: ccg?.odsCode ?? "", reportingDate };
}

type ActionData =
  | { errors: Record<string, string>; values: Record<string, string>; preview?: undefined }
  | { preview: ImportSummary; stageId: string; fileName: string; errors?: undefined; values: Record<string, string> };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "programme", context);
  const upload = await readUploadForm(request);
  if (!upload.ok) return data<ActionData>({ errors: { file: upload.message }, values: {} }, { status: 400 });
  const form = upload.form;
  const values = Object.fromEntries(Object.entries(formToObject(form)).filter(([, v]) => typeof v === "string")) as Record<string, string>;

  if (form.get("intent") === "confirm") {
    const stageId = String(form.get("stageId") ?? "");
    const staged = readStagedUpload<ImportOptions>({ id: stageId, userId: user.id, kind: KIND });
    if (!staged) return data<ActionData>({ errors: { file: "The uploaded file has expired or was not found: upload it again" }, values: {} }, { status: 400 });
    try {
      const result = applyOrganisationImport({ actor: actorFor(user, request, context), text: staged.text, options: staged.options, fileName: staged.fileName });
      discardStagedUpload(stageId);
      const message =
        result.added + result.updated === 0
          ? `Nothing changed: every line of ${staged.fileName} is already up to date, skipped or rejected.`
          : `Imported ${staged.fileName}: ${result.added} organisations added, ${result.updated} updated, ${result.skippedTotal} lines skipped, ${result.rejectedTotal} rejected.`;
      return redirectWithFlash("/organisations", message);
    } catch (error) {
      if (error instanceof CsvFileError) return data<ActionData>({ errors: { file: error.message }, values: {} }, { status: 400 });
      if (error instanceof ImportDateError) return data<ActionData>({ errors: { effectiveOn: error.message }, values: {} }, { status: 400 });
      throw error;
    }
  }

  const options = parseWith(ImportOptionsSchema, form);
  const file = await csvTextOf(form.get("file"));
  const errors: Record<string, string> = { ...(options.ok ? {} : options.errors) };
  if (!file.ok) errors.file = file.message;
  const { reportingDate } = resolveAsAt(new URLSearchParams());
  const effectiveOnProblem = options.ok ? asAtRangeMessage(options.data.effectiveOn ?? reportingDate, reportingDate) : null;
  if (effectiveOnProblem) errors.effectiveOn = effectiveOnProblem;
  if (effectiveOnProblem) return data<ActionData>({ errors, values }, { status: 400 });
  if (!options.ok || !file.ok) return data<ActionData>({ errors, values }, { status: 400 });
  try {
    const summary = summarisePlan(planOrganisationImport({ text: file.text, options: options.data }));
    const stageId = stageUpload({ userId: user.id, kind: KIND, text: file.text, options: options.data, fileName: file.fileName });
    return data<ActionData>({ preview: summary, stageId, fileName: file.fileName, values });
  } catch (error) {
    if (error instanceof CsvFileError) return data<ActionData>({ errors: { file: error.message }, values }, { status: 400 });
    if (error instanceof ImportDateError) return data<ActionData>({ errors: { effectiveOn: error.message }, values }, { status: 400 });
    throw error;
  }
}

export default function ImportOrganisations() {
  const { defaultCommissioner, reportingDate } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const values: Record<string, string> = actionData?.values ?? {};
  const previewing = navigation.state !== "idle" && navigation.formData?.get("intent") === "preview";
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/organisations">Organisations</BackLink>
        <ErrorSummary errors={errors} />
        <h1>Import organisations</h1>
        {actionData?.preview ? (
          <ImportPreview preview={actionData.preview} stageId={actionData.stageId} fileName={actionData.fileName} noun="organisations" cancelHref="/organisations/import">
            <p>
              The file&apos;s facts take effect on <strong>{formatDate(actionData.preview.effectiveOn)}</strong>: new practices join the partnership on that
              date, so no figure as at an earlier date changes.
            </p>
            <ImportOutcomes preview={actionData.preview} />
          </ImportPreview>
        ) : (
          <>
            <p>Upload a file to see what it would change. Nothing is saved until you confirm.</p>
            <Details summary="Which files can I use?">
              <p>
                <strong>epraccur.csv</strong> as published by NHS ODS: GP practices, 27 columns, no header row. Practices outside the commissioner
                you choose, other prescribing settings (walk-in centres, out of hours) and, unless you include them, closed practices are skipped.
                Locality is not in epraccur: an existing practice keeps its locality. A dormant practice (status D) is
                imported as dormant and is not counted as active; a closed one (C) leaves the partnership on its close date.
              </p>
              <p>
                <strong>A simple CSV</strong> whose first line is the header <code>ods_code,name,type,locality,list_size</code>. Type is one of
                gp_practice, acute_trust, mental_health_trust, community_provider, hospice, local_authority, ccg, private_provider, other. An empty
                locality or list size leaves the existing value as it is.
              </p>
            </Details>
            <Form method="post" encType="multipart/form-data" noValidate>
              <input type="hidden" name="intent" value="preview" />
              <FileUpload id="file" name="file" label="CSV file" hint={`Up to ${MAX_UPLOAD_LABEL}`} accept=".csv,text/csv" error={errors.file} />
              <TextInput
                id="commissionerCode"
                name="commissionerCode"
                label="Commissioner code to keep (epraccur only)"
                hint="Only practices with this commissioner (column 15) are imported, for example 02H. Leave empty to keep every commissioner."
                width={5}
                code
                defaultValue={values.commissionerCode ?? defaultCommissioner}
                error={errors.commissionerCode}
              />
              <DateInput
                id="effectiveOn"
                name="effectiveOn"
                label="Date the file's facts take effect"
                hint={`New practices join the partnership on this date and status changes start on it, so figures for earlier dates do not change. From 1 January 2000 to the reporting date, ${formatDate(reportingDate)}.`}
                defaultValue={values.effectiveOn || reportingDate}
                error={errors.effectiveOn}
              />
              <Radios
                id="includeClosed"
                name="includeClosed"
                label="Include closed practices? (epraccur only)"
                inline
                small
                defaultValue={values.includeClosed ?? "no"}
                items={[
                  { value: "no", label: "No" },
                  { value: "yes", label: "Yes" },
                ]}
              />
              <Button type="submit" disabled={previewing}>
                {previewing ? "Checking the file…" : "Check the file"}
              </Button>
            </Form>
          </>
        )}
      </div>
    </div>
  );
}
