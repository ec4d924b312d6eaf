import { z } from "zod";
import { ORGANISATION_TYPES } from "../../db/schema/enums";
import { evidenceField, formatScore, scoreField, type FrameworkScale } from "./maturity.labels";
import { isIsoDate, formatDate } from "~/lib/dates";
import { requiredIsoDate } from "~/lib/date-field";
import { parseWith } from "~/lib/forms";
import { parseTableQuery } from "~/lib/table-query";
import { MATURITY_SORTS } from "./maturity.labels";

// Inputs of the maturity pages. Frameworks are data, so the assessment form's schema is built
// from the framework it scores against. Isomorphic: no server imports.

export * from "./maturity.labels";

function scoreSchema(framework: FrameworkScale, dimensionName: string) {
  const range = `from ${formatScore(framework.scaleMin)} to ${formatScore(framework.scaleMax)}`;
  return z
    .string({ error: `Enter a score for ${dimensionName}, ${range}` })
    .trim()
    .min(1, { error: `Enter a score for ${dimensionName}, ${range}` })
    .transform((text, ctx) => {
      if (!/^-?\d+(\.\d+)?$/.test(text)) {
        ctx.addIssue({ code: "custom", message: `Enter the score for ${dimensionName} as a number ${range}` });
        return z.NEVER;
      }
      const value = Number(text);
      if (framework.wholeNumbers && !Number.isInteger(value)) {
        ctx.addIssue({ code: "custom", message: `Enter the score for ${dimensionName} as a whole number ${range}: ${framework.name} has no part levels` });
        return z.NEVER;
      }
      if (value < framework.scaleMin || value > framework.scaleMax) {
        ctx.addIssue({ code: "custom", message: `The score for ${dimensionName} must be ${range}` });
        return z.NEVER;
      }
      return value;
    });
}

/**
 * The assessment form for one framework: every dimension scored within its scale (whole numbers
 * where the framework says so) with its evidence, the date (not after the reporting date) and the assessor.
 */
export function assessmentSchemaFor(framework: FrameworkScale, reportingDate: string) {
  const shape: Record<string, z.ZodType> = {
    organisation: z.string({ error: "Choose the organisation assessed" }).trim().min(1, { error: "Choose the organisation assessed" }),
    assessedOn: requiredIsoDate("the date of the assessment")
      .refine((d) => !isIsoDate(d) || d <= reportingDate, { error: `The date of the assessment must be on or before the reporting date, ${formatDate(reportingDate)}` }),
    assessor: z
      .string({ error: "Enter who carried out the assessment" })
      .trim()
      .min(1, { error: "Enter who carried out the assessment" })
      .max(200, { error: "Enter the assessor in 200 characters or fewer" }),
  };
  for (const dimension of framework.dimensions) {
    shape[scoreField(dimension.code)] = scoreSchema(framework, dimension.name);
    shape[evidenceField(dimension.code)] = z
      .string({ error: `Enter the evidence for the ${dimension.name} score` })
      .trim()
      .min(1, { error: `Enter the evidence for the ${dimension.name} score` })
      .max(2000, { error: `Enter the evidence for ${dimension.name} in 2,000 characters or fewer` });
  }
  return z.object(shape);
}

function requiredNumber(label: string) {
  return z
    .string({ error: `Enter the ${label}` })
    .trim()
    .min(1, { error: `Enter the ${label}` })
    .regex(/^-?\d+(\.\d+)?$/, { error: `Enter the ${label} as a number, for example 1` })
    .transform(Number);
}

/** An administrator's new framework: its scale and its dimensions, one per line. */
export const NewFrameworkSchema = z
  .object({
    name: z.string({ error: "Enter the framework's name" }).trim().min(1, { error: "Enter the framework's name" }).max(120, { error: "Enter a name of 120 characters or fewer" }),
    code: z
      .string({ error: "Enter a short code" })
      .trim()
      .toLowerCase()
      .min(1, { error: "Enter a short code, for example dma2019" })
      .regex(/^[a-z][a-z0-9_-]{1,29}$/, { error: "Enter a code of 2 to 30 lower-case letters, digits, hyphens or underscores, starting with a letter" }),
    description: z.string().trim().max(1000, { error: "Enter a description of 1,000 characters or fewer" }).optional().default(""),
    scaleMin: requiredNumber("lowest score"),
    scaleMax: requiredNumber("highest score"),
    wholeNumbers: z.enum(["yes", "no"], { error: "Say whether scores are whole numbers" }),
    dimensions: z
      .string({ error: "Enter the dimensions, one per line" })
      .transform((text) => text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean))
      .pipe(
        z
          .array(z.string().max(100, { error: "Enter each dimension in 100 characters or fewer" }))
          .min(1, { error: "Enter the dimensions, one per line" })
          .max(20, { error: "Enter 20 dimensions or fewer" })
          .refine((names) => new Set(names.map((n) => n.toLowerCase())).size === names.length, { error: "Each dimension must appear once: remove the repeated line" }),
      ),
  })
  .refine((f) => f.scaleMax > f.scaleMin, {
    error: "The highest score must be more than the lowest score",
    path: ["scaleMax"],
    // Checked whenever both numbers are valid, even if other fields have mistakes, so every error shows at once.
    when: (payload) => {
      const value = payload.value as { scaleMin?: unknown; scaleMax?: unknown };
      return typeof value.scaleMin === "number" && typeof value.scaleMax === "number";
    },
  });

export type NewFramework = z.infer<typeof NewFrameworkSchema>;

export const MaturityQuerySchema = z.object({
  framework: z.string().trim().max(30).optional().catch(undefined),
  organisationType: z.enum(ORGANISATION_TYPES).optional().catch(undefined),
  locality: z.string().trim().max(100).optional().catch(undefined),
});

/** The heat map's framework, filters and table page from the URL (the page, and the refresh after a change, ask the same). */
export function parseMaturityQuery(searchParams: URLSearchParams) {
  const query = parseWith(MaturityQuerySchema, searchParams);
  const organisationType = (query.ok && query.data.organisationType) || null;
  const locality = (query.ok && query.data.locality) || null;
  const table = parseTableQuery(searchParams, { sortable: MATURITY_SORTS, defaultSort: { id: "overall", desc: true }, pageSizeDefault: 50 });
  return { frameworkCode: query.ok ? query.data.framework : null, organisationType, locality, table };
}
