import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";

/** The error boundary of a case's edit pages: a case that cannot be changed now says why (409). */
export function CaseEditErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 409) {
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <h1>This case cannot be changed now</h1>
          <p>{String(error.data)}</p>
          <p>
            <Link to="/cases">Go back to business cases</Link>
          </p>
        </div>
      </div>
    );
  }
  return <GeneralErrorBoundary />;
}
