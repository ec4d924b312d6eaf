import type { ReactNode } from "react";
import { Form, useNavigation } from "@remix-run/react";
import { Button, SummaryList, Table, WarningCallout } from "~/components/nhs";

export type PreviewCounts = {
  added: number;
  updated: number;
  skippedTotal?: number;
  unchanged?: number;
  skipped?: { reason: string; count: number; lines: number[] }[];
  rejected: { line: number; odsCode?: string; reason: string }[];
  rejectedTotal: number;
};

/** What an import will do, and the button that does it (showing "Importing…" while it runs). */
export function ImportPreview({
  preview,
  stageId,
  fileName,
  noun,
  cancelHref,
  children,
}: {
  preview: PreviewCounts;
  stageId: string;
  fileName: string;
  noun: string;
  cancelHref: string;
  /** More detail, shown before the button (e.g. every line's outcome). */
  children?: ReactNode;
}) {
  const navigation = useNavigation();
  const importing = navigation.state !== "idle" && navigation.formData?.get("intent") === "confirm";
  const nothingToDo = preview.added + preview.updated === 0;
  return (
    <section aria-labelledby="preview-heading">
      <h2 id="preview-heading">Check the import of {fileName}</h2>
      <SummaryList
        rows={[
          { key: `New ${noun}`, value: <span data-testid="preview-added">{preview.added.toLocaleString("en-GB")}</span> },
          { key: `${noun[0]!.toUpperCase()}${noun.slice(1)} updated`, value: <span data-testid="preview-updated">{preview.updated.toLocaleString("en-GB")}</span> },
          { key: "Lines skipped", value: <span data-testid="preview-skipped">{(preview.skippedTotal ?? preview.unchanged ?? 0).toLocaleString("en-GB")}</span> },
          { key: "Lines rejected", value: <span data-testid="preview-rejected">{preview.rejectedTotal.toLocaleString("en-GB")}</span> },
        ]}
      />
      {preview.skipped?.length ? (
        <Table
          caption="Why lines were skipped"
          captionSize="s"
          head={["Reason", { content: "Lines", format: "numeric" }, "For example, lines"]}
          rows={preview.skipped.map((s) => [s.reason, { content: s.count.toLocaleString("en-GB"), format: "numeric" }, s.lines.join(", ")])}
        />
      ) : null}
      {preview.rejectedTotal ? (
        <>
          <WarningCallout heading="Rejected lines">
            <p>
              These lines will not be imported. Correct them in the file and import it again: lines already imported will not change.
              {preview.rejectedTotal > preview.rejected.length ? ` The first ${preview.rejected.length} of ${preview.rejectedTotal} are shown.` : ""}
            </p>
          </WarningCallout>
          <Table
            caption="Rejected lines"
            captionSize="s"
            head={["Line", "Code", "Reason"]}
            rows={preview.rejected.map((r) => [String(r.line), r.odsCode ?? "", r.reason])}
          />
        </>
      ) : null}
      {children}
      {nothingToDo ? (
        <p>There is nothing to import: every line is already up to date, skipped or rejected.</p>
      ) : (
        <Form method="post">
          <input type="hidden" name="intent" value="confirm" />
          <input type="hidden" name="stageId" value={stageId} />
          <div className="nhsuk-button-group">
            <Button type="submit" disabled={importing} aria-disabled={importing || undefined}>
              {importing ? "Importing…" : `Import ${(preview.added + preview.updated).toLocaleString("en-GB")} ${noun}`}
            </Button>
            <a className="nhsuk-link" href={cancelHref}>
              Cancel
            </a>
          </div>
          {importing ? (
            <p role="status" className="nhsuk-body-s">
              Importing the file: this takes a few seconds for a large file.
            </p>
          ) : null}
        </Form>
      )}
    </section>
  );
}
