import { z } from "zod";
import { isIsoDate } from "~/lib/dates";

// Shapes of the read API's queries and responses. The endpoints parse with them and
// /api/v1/openapi.json is generated from them, so the document cannot drift from the code.

export const AsAtParam = z
  .string()
  .refine(isIsoDate, { error: "must be a date as YYYY-MM-DD, for example 2016-07-31" })
  .optional()
  .describe("Compute every figure as it stood at the end of this date (YYYY-MM-DD). Defaults to the reporting date.");

const positiveInt = (name: string, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `${name} must be a whole number` })
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, { error: `${name} must be between 1 and ${max}` })
    .optional()
    .transform((n) => n ?? fallback);

export const PagingParams = {
  page: positiveInt("page", 1_000_000, 1).describe("Page number, from 1"),
  pageSize: positiveInt("pageSize", 500, 100).describe("Rows per page, 1 to 500 (default 100)"),
};

export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      asAt: z.string().describe("The as-at date the figures were computed for"),
      page: z.number().int(),
      pageSize: z.number().int(),
      total: z.number().int().describe("Rows matching the filters, on every page"),
      data: z.array(item),
    })
    .meta({ id: name });
}

export type ApiEndpoint = {
  path: string;
  summary: string;
  description?: string;
  query: z.ZodObject;
  response: z.ZodType;
};
