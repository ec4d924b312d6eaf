import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BackLink, Button, ErrorSummary, FileUpload, InsetText, SummaryList, Table } from "~/components/nhs";
import { formatCount } from "~/components/consent/format";
import { formatMonth, monthOf } from "~/lib/dates";
import { discardUpload, receiveFileToDisk } from "~/lib/csv-upload.server";
import { redirectWithFlash } from "~/lib/flash.server";
import { parseWith } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { ConfirmUploadSchema } from "~/models/consent.schema";
import { MAX_UPLOAD_BYTES, MAX_UPLOAD_LABEL, NOT_CSV_MESSAGE, OPT_IN_CSV_HEADER, OPT_IN_CSV_NATIONAL_COLUMN } from "~/models/consent.labels";
import type { UploadPreview } from "~/models/opt-in-upload.server";
import { confirmOptInUploadOffThread, incomingUploadPath, previewOptInUploadFileOffThread, warmImportThread } from "~/models/opt-in-import.server";
import { getReportingDate } from "~/models/settings.server";

export const meta: MetaFunction = () => [{ title: "Upload a monthly opt-in return – ShareBoard" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, "programme", context);
  // Not awaited: the thread starts while the person chooses their file.
  void warmImportThread();
  return { reportingMonth: monthOf(getReportingDate()) };
}

type ActionData =
  | { step: "preview"; preview: Extract<UploadPreview, { ok: true }> }
  | { step: "upload"; errors: { file: string } }
  | { step: "confirm"; errors: { _confirm: string } };

/**
 * Reads the file part straight to a private file as it arrives (receiveFileToDisk: the server never
 * holds the file in memory), refusing oversized files, a missing file and files not named as CSV
 * with a message saying what to do. Whether the file is text is checked in the import thread.
 */
async function readReturnFile(request: Request): Promise<{ ok: true; name: string; filePath: string } | { ok: false; status: number; message: string }> {
  const tooLarge = { ok: false as const, status: 413, message: `The file is larger than ${MAX_UPLOAD_LABEL}: split it into smaller files (for example one per month) and upload each` };
  const declared = Number(request.headers.get("Content-Length") ?? 0);
  if (declared > MAX_UPLOAD_BYTES + 64 * 1024) return tooLarge;
  const filePath = incomingUploadPath();
  const received = await receiveFileToDisk(request, { field: "file", filePath, maxBytes: MAX_UPLOAD_BYTES });
  if (!received.ok) {
    if (received.reason === "too_large") return tooLarge;
    if (received.reason === "unreadable") return { ok: false, status: 400, message: "The upload could not be read: choose the file and try again" };
    return { ok: false, status: 400, message: "Choose a CSV file of opt-in returns to upload" };
  }
  if (!/\.(csv|txt)$/i.test(received.fileName)) {
    discardUpload(filePath);
    return { ok: false, status: 400, message: NOT_CSV_MESSAGE };
  }
  return { ok: true, name: received.fileName, filePath };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "programme", context);
  const contentType = request.headers.get("Content-Type") ?? "";
  if (contentType.startsWith("multipart/form-data")) {
    const file = await readReturnFile(request);
    if (!file.ok) return data<ActionData>({ step: "upload", errors: { file: file.message } }, { status: file.status });
    const preview = await previewOptInUploadFileOffThread({ userId: user.id, fileName: file.name, filePath: file.filePath });
    if (!preview.ok) return data<ActionData>({ step: "upload", errors: { file: preview.fileError } }, { status: 400 });
    return data<ActionData>({ step: "preview", preview }, { status: preview.rejectedCount ? 400 : 200 });
  }
  const parsed = parseWith(ConfirmUploadSchema, await request.formData());
  if (!parsed.ok) return data<ActionData>({ step: "confirm", errors: { _confirm: parsed.errors.uploadId ?? "Upload the file again" } }, { status: 400 });
  const result = await confirmOptInUploadOffThread({ actor: actorFor(user, request, context), userId: user.id, uploadId: parsed.data.uploadId });
  if (!result.ok) return data<ActionData>({ step: "confirm", errors: { _confirm: result.error } }, { status: 410 });
  return redirectWithFlash(
    "/consent",
    `Monthly returns imported: ${formatCount(result.added)} added, ${formatCount(result.replaced)} replaced${result.unchanged ? `, ${formatCount(result.unchanged)} unchanged` : ""}.`,
  );
}

export default function UploadReturns() {
  const { reportingMonth } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const importing = busy && navigation.formData?.has("uploadId");
  const checking = busy && !importing;
  const preview = actionData?.step === "preview" ? actionData.preview : null;
  const errors = actionData && "errors" in actionData ? actionData.errors : null;
  const rejected = preview && preview.rejectedCount > 0;

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <BackLink href="/consent">Back to consent</BackLink>
        <ErrorSummary
          errors={
            rejected
              ? [{ href: "#rejected", text: `${formatCount(preview.rejectedCount)} ${preview.rejectedCount === 1 ? "row was" : "rows were"} rejected: fix the file and upload it again. Nothing has been imported.` }]
              : errors
          }
        />
        <h1>Upload a monthly opt-in return</h1>
        {preview ? <Preview preview={preview} importing={Boolean(importing)} /> : null}
        {!preview || rejected || !preview.uploadId ? (
          <>
            {preview ? <h2>Upload {rejected ? "the corrected file" : "another file"}</h2> : null}
            <p>
              A CSV file with one row per practice and month. The first line must be the header:
            </p>
            <pre className="sb-code">{OPT_IN_CSV_HEADER.join(",")}</pre>
            <ul>
              <li>month as YYYY-MM, up to {formatMonth(reportingMonth)} (the reporting date's month)</li>
              <li>whole numbers, where opted_in + declined + not_asked equals registered</li>
              <li>a return for a practice and month already recorded replaces it; you will see the old and new figures first</li>
              <li>
                an optional last column <code>{OPT_IN_CSV_NATIONAL_COLUMN}</code> records the National Data Opt-out, which is kept apart from the
                local opt-in
              </li>
            </ul>
            <Form method="post" encType="multipart/form-data" noValidate>
              <FileUpload
                id="file"
                name="file"
                label="Return file"
                hint={`A .csv file of up to ${MAX_UPLOAD_LABEL}. Nothing is imported until you have checked the preview and confirmed.`}
                accept=".csv,text/csv"
                error={errors && "file" in errors ? errors.file : undefined}
              />
              <Button type="submit" disabled={busy}>
                {checking ? "Checking the file…" : "Check the file"}
              </Button>
            </Form>
          </>
        ) : null}
      </div>
    </div>
  );
}

function figures(f: { registered: number; optedIn: number; declined: number; notAsked: number }) {
  return `${formatCount(f.registered)} registered: ${formatCount(f.optedIn)} opted in, ${formatCount(f.declined)} declined, ${formatCount(f.notAsked)} not asked`;
}

function Preview({ preview, importing }: { preview: Extract<UploadPreview, { ok: true }>; importing: boolean }) {
  const nothingToDo = preview.rejectedCount === 0 && !preview.uploadId;
  const toImport = preview.toAdd + preview.toReplace;
  return (
    <section aria-labelledby="preview-heading">
      <h2 id="preview-heading">Check the file: {preview.fileName}</h2>
      <SummaryList
        rows={[
          { key: "Rows in the file", value: formatCount(preview.rows) },
          { key: "Months", value: preview.months ? (preview.months.first === preview.months.last ? formatMonth(preview.months.first) : `${formatMonth(preview.months.first)} to ${formatMonth(preview.months.last)}`) : "None" },
          { key: "New returns to add", value: <span data-testid="to-add">{formatCount(preview.toAdd)}</span> },
          { key: "Returns that replace an earlier return", value: <span data-testid="to-replace">{formatCount(preview.toReplace)}</span> },
          { key: "Unchanged (already recorded with the same figures)", value: <span data-testid="unchanged">{formatCount(preview.unchanged)}</span> },
          { key: "Rejected rows", value: <span data-testid="rejected">{formatCount(preview.rejectedCount)}</span> },
        ]}
      />
      {preview.rejectedCount ? (
        <>
          <h3 id="rejected">Rejected rows</h3>
          <Table
            caption={preview.rejectedCount > preview.rejected.length ? `The first ${preview.rejected.length} of ${formatCount(preview.rejectedCount)} rejected rows` : "Rows that cannot be imported, and why"}
            head={["Line", "ODS code", "Month", "Reason"]}
            rows={preview.rejected.map((r) => [String(r.line), r.odsCode, r.month, r.reason])}
            numericColumns={[0]}
          />
        </>
      ) : null}
      {preview.toReplace ? (
        <>
          <h3>Returns that will be replaced</h3>
          <Table
            caption={preview.toReplace > preview.replacements.length ? `The first ${preview.replacements.length} of ${formatCount(preview.toReplace)} replacements` : "The figures recorded now, and the figures in the file"}
            head={["Line", "Practice", "Month", "Recorded now", "In the file"]}
            rows={preview.replacements.map((r) => [String(r.line), r.odsCode, formatMonth(r.month), figures(r.before), figures(r.after)])}
            numericColumns={[0]}
          />
        </>
      ) : null}
      {nothingToDo ? (
        <InsetText>
          Every row matches what is already recorded: there is nothing to import. <Link to="/consent">Back to consent</Link>
        </InsetText>
      ) : null}
      {preview.uploadId ? (
        <Form method="post">
          <input type="hidden" name="uploadId" value={preview.uploadId} />
          <p>
            {toImport === 1
              ? "Confirming imports the return, or nothing if anything goes wrong."
              : `Confirming imports all ${formatCount(toImport)} returns together, or none if anything goes wrong.`}
          </p>
          <div className="nhsuk-button-group">
            <Button type="submit" disabled={importing} aria-live="polite">
              {importing ? "Importing…" : `Import ${formatCount(toImport)} ${toImport === 1 ? "return" : "returns"}`}
            </Button>
            <Link className="nhsuk-link" to="/consent/upload" reloadDocument>
              Cancel and upload a different file
            </Link>
          </div>
        </Form>
      ) : null}
    </section>
  );
}
