import { saveDpia } from "~/models/agreement-changes.server";
import type { GovernanceUser } from "~/models/agreements.server";

/**
 * Records a completed, low-risk DPIA on the latest version of `reference`: an agreement is sent
 * for signature only once its DPIA allows it (app/models/agreements.schema.ts dpiaSigningProblem).
 */
export function recordCompletedDpia({ user, reference, completedOn = "2016-09-30" }: { user: GovernanceUser & { email: string }; reference: string; completedOn?: string }) {
  return saveDpia({
    actor: { userId: user.id, label: user.email },
    user,
    reference,
    input: { reference: `DPIA-${reference}`, status: "completed", notRequiredReason: null, completedOn, residualRisk: "low", icoConsultedOn: null, notes: null },
  });
}
