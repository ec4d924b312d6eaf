import { isRouteErrorResponse, Link, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { lazy, Suspense } from "react";
import { ErrorSummary } from "~/components/nhs";

// Loaded when the as-at error is shown: this boundary is root's, so a static import would put the
// form, the NHS date input and date-fns (about 4.7 KiB gzipped) on every page's first load. The
// server waits for it (onAllReady) and the browser keeps the server's HTML until it arrives.
const AsAtForm = lazy(() => import("~/components/filter-form").then((module) => ({ default: module.AsAtForm })));

type AsAtProblem = { asAtError: string; asAt: string; earliest: string; reportingDate: string };
const isAsAtProblem = (data: unknown): data is AsAtProblem => typeof data === "object" && data !== null && typeof (data as AsAtProblem).asAtError === "string";

type RootData = { requestId: string | null; user: unknown } | undefined;

/** 403, 404 and unexpected errors, in the NHS style, each saying what to do next. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const root = useRouteLoaderData("root") as RootData;
  if (isRouteErrorResponse(error)) {
    if (error.status === 403) {
      return (
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-two-thirds">
            <h1>You do not have permission to see this page</h1>
            <p>Your account does not have the role this page needs. If you think it should, ask your ShareBoard administrator.</p>
            <p>
              <Link to="/">Go to your home page</Link>
            </p>
          </div>
        </div>
      );
    }
    if (error.status === 400 && isAsAtProblem(error.data)) {
      // An as-at date outside the range the product answers for: say so at the date field.
      return (
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-two-thirds">
            <ErrorSummary errors={{ asAt: error.data.asAtError }} />
            <h1>The figures cannot be shown as at that date</h1>
            <p>Choose a date from the start of 2000 to the reporting date.</p>
            <Suspense fallback={null}>
              <AsAtForm defaultValue={error.data.reportingDate} min={error.data.earliest} max={error.data.reportingDate} error={error.data.asAtError} />
            </Suspense>
          </div>
        </div>
      );
    }
    if (error.status === 404) {
      return (
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-two-thirds">
            <h1>Page not found</h1>
            <p>If you typed the web address, check it is correct.</p>
            <p>If you pasted the web address, check you copied the entire address.</p>
            <p>
              <Link to="/">Go to your home page</Link>
            </p>
          </div>
        </div>
      );
    }
    if (error.status === 409) {
      return (
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-two-thirds">
            <h1>This record changed while you were working on it</h1>
            <p>{typeof error.data === "string" ? error.data : "Someone else changed it first. Nothing you entered was saved."}</p>
            <p>Reload the page to see the current version, then make your change again.</p>
          </div>
        </div>
      );
    }
  }
  if (!isRouteErrorResponse(error)) console.error(error);
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <h1>Sorry, something went wrong</h1>
        <p>Try again later. If it keeps happening, tell your ShareBoard administrator and give them this reference:</p>
        <p>
          <strong>{root?.requestId ?? "no reference"}</strong>
        </p>
      </div>
    </div>
  );
}
