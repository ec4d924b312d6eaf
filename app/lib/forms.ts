import type { z } from "zod";

export type FieldErrors = Record<string, string>;

/** Parses form data (or search params) with one zod schema; errors are keyed by field name, first message each. */
export function parseWith<S extends z.ZodType>(schema: S, input: FormData | URLSearchParams | Record<string, unknown>) {
  const raw = input instanceof FormData || input instanceof URLSearchParams ? formToObject(input) : input;
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true as const, data: result.data as z.infer<S>, errors: {} as FieldErrors };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "form";
    errors[key] ??= issue.message;
  }
  return { ok: false as const, errors, data: undefined };
}

/** Repeated keys become arrays; everything else stays a string. */
export function formToObject(input: FormData | URLSearchParams) {
  const out: Record<string, unknown> = {};
  for (const key of new Set(input.keys())) {
    const values = input.getAll(key).filter((v) => typeof v === "string") as string[];
    out[key] = values.length > 1 || key.endsWith("[]") ? values : values[0];
  }
  return out;
}
