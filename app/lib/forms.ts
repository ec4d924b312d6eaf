import type { z } from "zod";
import { combineMonthParts } from "./month-field";
import { combineDateParts } from "./dates";

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

/**
 * Repeated keys become arrays; everything else stays a string. The three boxes of an NHS date
 * input (`x-day`, `x-month`, `x-year`) become one field `x`: the ISO date when they make a real
 * date, "" when all are empty, otherwise what was typed, which the date schemas refuse with the
 * NHS message (see combineDateParts and dateProblem in dates.ts). The two boxes of a month input
 * (`x-month`, `x-year`, no `x-day`) likewise become `x`: `YYYY-MM` when they make a real month (see
 * combineMonthParts in date-field.ts). A plain `x=YYYY-MM-DD` or `x=YYYY-MM`, as API clients and
 * tests send, is kept as it is.
 */
export function formToObject(input: FormData | URLSearchParams) {
  const out: Record<string, unknown> = {};
  const keys = new Set(input.keys());
  for (const key of keys) {
    const values = input.getAll(key).filter((v) => typeof v === "string") as string[];
    out[key] = values.length > 1 || key.endsWith("[]") ? values : values[0];
  }
  for (const name of dateInputNames(keys)) {
    out[name] = readDate(input, name);
    for (const part of DATE_PARTS) delete out[`${name}-${part}`];
  }
  for (const name of monthInputNames(keys)) {
    out[name] = combineMonthParts({ month: partOf(input, `${name}-month`), year: partOf(input, `${name}-year`) });
    delete out[`${name}-month`];
    delete out[`${name}-year`];
  }
  return out;
}

const DATE_PARTS = ["day", "month", "year"] as const;

/** Names `x` for which the input holds all three of `x-day`, `x-month` and `x-year`. */
function dateInputNames(keys: Set<string>) {
  return [...keys].filter((key) => key.endsWith("-day")).map((key) => key.slice(0, -"-day".length)).filter((name) => keys.has(`${name}-month`) && keys.has(`${name}-year`));
}

/** Names `x` for which the input holds `x-month` and `x-year` but no `x-day`: a month input. */
function monthInputNames(keys: Set<string>) {
  return [...keys].filter((key) => key.endsWith("-year")).map((key) => key.slice(0, -"-year".length)).filter((name) => keys.has(`${name}-month`) && !keys.has(`${name}-day`));
}

function partOf(input: FormData | URLSearchParams, key: string) {
  const value = input.get(key);
  return typeof value === "string" ? value : "";
}

/**
 * One date from a form or query: the NHS date input's three boxes combined (see formToObject),
 * or a plain `name=YYYY-MM-DD` when the boxes are absent; "" when there is neither.
 */
export function readDate(input: FormData | URLSearchParams, name: string): string {
  const part = (p: string) => {
    const value = input.get(`${name}-${p}`);
    return typeof value === "string" ? value : null;
  };
  const [day, month, year] = DATE_PARTS.map(part);
  if (day !== null || month !== null || year !== null) return combineDateParts({ day: day ?? "", month: month ?? "", year: year ?? "" });
  const plain = input.get(name);
  return typeof plain === "string" ? plain : "";
}
