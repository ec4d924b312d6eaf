import { z } from "zod";
import { checkDate } from "~/lib/date-field";

const number = (label: string, min: number, max: number, whole = true) =>
  z
    .string()
    .trim()
    .min(1, { error: `Enter the ${label}` })
    .refine((v) => /^-?\d+(\.\d+)?$/.test(v), { error: `The ${label} must be a number` })
    .transform(Number)
    .refine((n) => !whole || Number.isInteger(n), { error: `The ${label} must be a whole number` })
    .refine((n) => n >= min && n <= max, { error: `The ${label} must be between ${min} and ${max}` });

/** The admin settings form. */
export const SettingsFormSchema = z.object({
  partnership_name: z.string().trim().min(1, { error: "Enter the partnership's name" }).max(120, { error: "Name must be 120 characters or fewer" }),
  reporting_date: z
    .string()
    .trim()
    .superRefine(checkDate("the reporting date", { required: false })),
  opt_in_target_percent: number("opt-in target", 0, 100, false),
  maturity_low_threshold_percent: number("low maturity threshold", 0, 100, false),
  case_sla_working_days: number("business case service level", 1, 250),
  indemnity_warning_days: number("indemnity warning period", 1, 365),
  agreement_review_notice_days: number("agreement review notice period", 1, 365),
});
