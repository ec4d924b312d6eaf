import type { ReactNode } from "react";
import { BackLink, ErrorSummary } from "~/components/nhs";

/**
 * The frame of every page that changes one deployment (status, usage, plan, a correction): back
 * to the deployment, the error summary, and the heading captioned with what is deployed where.
 */
export function DeploymentFormPage({
  deployment,
  title,
  errors,
  children,
}: {
  deployment: { id: number; capabilityName: string; serviceName: string };
  title: string;
  errors: Record<string, string>;
  children: ReactNode;
}) {
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={`/rollout/deployments/${deployment.id}`}>Back to the deployment</BackLink>
        <ErrorSummary errors={errors} />
        <h1>
          <span className="nhsuk-caption-l">
            {deployment.capabilityName} at {deployment.serviceName}
          </span>
          {title}
        </h1>
        {children}
      </div>
    </div>
  );
}
