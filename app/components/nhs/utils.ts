/**
 * Shared helpers for the NHS.UK design system components.
 * Pure functions only: safe to use during server rendering.
 */

/** Join class names, dropping falsy values. */
export function cx(...classes: Array<string | false | null | undefined>): string {
  return classes.filter(Boolean).join(" ");
}

/**
 * A field error as produced by form validation: a message, a list of
 * messages (the first is shown), or `true` for error styling without a message
 * (for example a date part highlighted while the message sits on the group).
 */
export type FieldError = string | readonly string[] | boolean | null | undefined;

/** The message to show for a field error, or undefined when there is none. */
export function errorText(error: FieldError): string | undefined {
  if (typeof error === "string") return error.trim() ? error : undefined;
  if (Array.isArray(error)) {
    const first = error.find((message) => typeof message === "string" && message.trim());
    return first || undefined;
  }
  return undefined;
}

/** True when a field should be styled as in error. */
export function hasError(error: FieldError): boolean {
  return error === true || errorText(error) !== undefined;
}

/** Join aria-describedby ids, returning undefined when there are none. */
export function describedBy(...ids: Array<string | false | null | undefined>): string | undefined {
  const joined = ids.filter(Boolean).join(" ").trim();
  return joined || undefined;
}

/**
 * Ids and state used by a form field: hint and error message ids follow the
 * nhsuk-frontend convention of `${id}-hint` and `${id}-error`.
 */
export function fieldState(
  id: string,
  options: { hint?: unknown; error?: FieldError; describedBy?: string },
) {
  const message = errorText(options.error);
  const showHint = options.hint !== undefined && options.hint !== null && options.hint !== false && options.hint !== "";
  const hintId = showHint ? `${id}-hint` : undefined;
  const errorId = message ? `${id}-error` : undefined;
  return {
    message,
    invalid: hasError(options.error),
    hintId,
    errorId,
    describedBy: describedBy(options.describedBy, hintId, errorId),
  };
}

export type HeadingLevel = 1 | 2 | 3 | 4 | 5 | 6;
export type HeadingTag = "h1" | "h2" | "h3" | "h4" | "h5" | "h6";

export function headingTag(level: HeadingLevel | undefined, fallback: HeadingLevel): HeadingTag {
  return `h${level ?? fallback}` as HeadingTag;
}
