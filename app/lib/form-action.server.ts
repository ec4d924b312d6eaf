import { data } from "@remix-run/node";
import type { z } from "zod";
import { formToObject, parseWith, type FieldErrors } from "./forms";

// The shape every form action shares: read the posted form, parse it with its one schema, save,
// and on a refusal send the errors and what was typed back to the page (a 400).

export type FormValues = Record<string, string>;

/** A refused form: 400, with the errors by field and what was typed, for the page to show again. */
export function refusedForm(errors: FieldErrors, values: FormValues) {
  return data({ errors, values }, { status: 400 });
}

/** The posted form and what was typed (date and month boxes already joined, see formToObject). */
export async function readForm(request: Request) {
  const form = await request.formData();
  return { form, values: formToObject(form) as FormValues };
}

/** An error a model throws when a form breaks one of its rules, naming the field to show it at. */
type FieldRuleError = abstract new (...args: never[]) => Error & { field: string };

/**
 * Reads the posted form, parses it with `schema` and runs `save` with the parsed input. A schema
 * failure, or one of `ruleErrors` thrown by `save`, comes back as refusedForm; anything else is thrown.
 */
export async function handleForm<S extends z.ZodType, R>(
  request: Request,
  schema: S,
  save: (input: z.infer<S>, form: FormData) => R | Promise<R>,
  { ruleErrors = [] }: { ruleErrors?: FieldRuleError[] } = {},
) {
  const { form, values } = await readForm(request);
  const parsed = parseWith(schema, form);
  if (!parsed.ok) return refusedForm(parsed.errors, values);
  try {
    return await save(parsed.data, form);
  } catch (error) {
    if (error instanceof Error && ruleErrors.some((RuleError) => error instanceof RuleError)) return refusedForm({ [(error as Error & { field: string }).field]: error.message }, values);
    throw error;
  }
}

/** Throws the 404 a route's ErrorBoundary shows, for a record its address names that does not exist. */
export function notFound(message = "Not found"): never {
  throw new Response(message, { status: 404 });
}
