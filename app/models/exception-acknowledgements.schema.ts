import { z } from "zod";
import { requiredIsoDate } from "~/lib/date-field";

// Isomorphic: the form that acknowledges an exception. What an acknowledgement is, how it reads and
// the grouping of low-severity exceptions are in exception-acknowledgements.labels.ts (re-exported
// here), which the browser uses; the rules that read the database are in the .server.ts module.

export * from "./exception-acknowledgements.labels";

export const AcknowledgeExceptionSchema = z.object({
  reason: z
    .string({ error: "Enter why this exception can wait" })
    .trim()
    .min(1, { error: "Enter why this exception can wait" })
    .max(1000, { error: "Enter a reason of 1,000 characters or fewer" }),
  reviewBy: requiredIsoDate("the date by which it will be looked at again"),
});
export type AcknowledgeExceptionInput = z.infer<typeof AcknowledgeExceptionSchema>;
