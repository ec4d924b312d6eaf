import { Link } from "@remix-run/react";
import { WarningCallout } from "~/components/nhs";
import type { DeploymentStatus } from "../../../db/schema/enums";

const EXISTING_STATUS_WORDS: Record<DeploymentStatus, string> = {
  live: "is already live",
  planned: "is already planned",
  in_progress: "is already being set up",
  paused: "went live and is paused",
  withdrawn: "was withdrawn",
};

export type ExistingDeploymentView = { deploymentId: number; serviceName: string; organisationName: string; capabilityName: string; status: DeploymentStatus };

/** Says, without blocking, that a proposed service already has (or plans) the capability, with a link to that deployment. */
export function ExistingDeploymentsWarning({ existing, changeHref }: { existing: ExistingDeploymentView[]; changeHref?: string }) {
  if (!existing.length) return null;
  return (
    <WarningCallout heading={existing.length === 1 ? "This service already has what you propose" : "These services already have what you propose"}>
      <ul className="nhsuk-list nhsuk-list--bullet">
        {existing.map((d) => (
          <li key={d.deploymentId}>
            {d.capabilityName} at {d.serviceName} ({d.organisationName}) {EXISTING_STATUS_WORDS[d.status]}: <Link to={`/rollout/deployments/${d.deploymentId}`}>see that deployment</Link>.
          </li>
        ))}
      </ul>
      <p>
        You can still propose it, for example to extend who uses it or what is shared. If so, say so in the summary; if not, remove the service
        {changeHref ? (
          <>
            {" "}
            in <Link to={changeHref}>Systems and services</Link>
          </>
        ) : null}
        .
      </p>
    </WarningCallout>
  );
}
