import { z } from "zod";
import { dateProblem } from "./dates";
import { monthProblem } from "./month-field";

// Zod checks for dates typed into the NHS date input (combined by formToObject in forms.ts).

/** A superRefine check giving the NHS message for `what` ("the date of the change"). */
export function checkDate(what: string, { required = true }: { required?: boolean } = {}) {
  return (value: string | null | undefined, ctx: z.RefinementCtx) => {
    const message = dateProblem(value, what, { required });
    if (message) ctx.addIssue({ code: "custom", message });
  };
}

/** A date that must be given: an ISO `YYYY-MM-DD` string. */
export function requiredIsoDate(what: string) {
  return z.string({ error: `Enter ${what}` }).trim().superRefine(checkDate(what));
}

/** A date that may be left empty: ISO `YYYY-MM-DD`, or null when empty. */
export function optionalIsoDate(what: string) {
  return z
    .string()
    .trim()
    .optional()
    .superRefine(checkDate(what, { required: false }))
    .transform((v) => (v ? v : null));
}

/** A month that must be given, typed into the month input (see month-field.ts): a `YYYY-MM` string. */
export function requiredIsoMonth(what: string) {
  return z
    .string({ error: `Enter ${what}` })
    .trim()
    .superRefine((value, ctx) => {
      const message = monthProblem(value, what, { required: true });
      if (message) ctx.addIssue({ code: "custom", message });
    });
}
