import { useEffect, useRef, useState, type ReactNode } from "react";
import { cx, errorText } from "./utils";

export interface ErrorSummaryItem {
  /** Usually `#field-id`. Items without href are shown as plain text. */
  href?: string;
  text: ReactNode;
}

export type ErrorSummaryErrors =
  | Record<string, string | readonly string[] | null | undefined>
  | readonly ErrorSummaryItem[];

export interface ErrorSummaryProps {
  /**
   * Either a map of field id -> message(s) (each links to `#field-id`; keys
   * starting with "_" such as "_form" are listed without a link), or a list of
   * { href, text } items.
   */
  errors: ErrorSummaryErrors | null | undefined;
  /** Heading. Defaults to "There is a problem". */
  title?: ReactNode;
  description?: ReactNode;
  /** Move focus to the summary when it appears (default true). */
  autoFocus?: boolean;
  className?: string;
  id?: string;
}

/** Normalise the accepted error shapes into summary items. */
export function errorSummaryItems(errors: ErrorSummaryErrors | null | undefined): ErrorSummaryItem[] {
  if (!errors) return [];
  if (Array.isArray(errors)) {
    return (errors as readonly ErrorSummaryItem[]).filter(
      (item) => item && item.text !== undefined && item.text !== null && item.text !== "",
    );
  }
  const items: ErrorSummaryItem[] = [];
  for (const [key, value] of Object.entries(errors as Record<string, string | readonly string[] | null | undefined>)) {
    const text = errorText(value ?? undefined);
    if (!text) continue;
    items.push({ href: key.startsWith("_") ? undefined : `#${key}`, text });
  }
  return items;
}

/**
 * Error summary (v10 markup). Renders nothing when there are no errors.
 * Focus moves to it on mount (and whenever the list of errors changes), so it
 * works after client-side form submissions as well as full page loads.
 */
export function ErrorSummary({
  errors,
  title = "There is a problem",
  description,
  autoFocus = true,
  className,
  id,
}: ErrorSummaryProps) {
  const ref = useRef<HTMLDivElement>(null);
  const items = errorSummaryItems(errors);
  const signature = items.map((item) => `${item.href ?? ""}:${typeof item.text === "string" ? item.text : ""}`).join("|");
  const [dateFields, setDateFields] = useState<ReadonlyMap<string, string>>(new Map());

  useEffect(() => {
    if (autoFocus && items.length && ref.current) ref.current.focus();
    // A link to an NHS date input lands on its first box (day, or month for a month input); without JavaScript it goes to the group.
    const dates = items.flatMap((item) => {
      const id = item.href?.slice(1);
      const first = id ? document.getElementById(id)?.getAttribute("data-date-input") : null;
      return id && first != null ? [[id, first || "day"] as const] : [];
    });
    setDateFields(new Map(dates));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature, autoFocus]);

  if (!items.length) return null;

  return (
    <div
      ref={ref}
      className={cx("nhsuk-error-summary", className)}
      id={id}
      tabIndex={-1}
      data-module="nhsuk-error-summary"
      // Focus is handled here; stop nhsuk-frontend's script focusing it a second time.
      data-disable-auto-focus="true"
    >
      <div role="alert">
        <h2 className="nhsuk-error-summary__heading">{title}</h2>
        <div className="nhsuk-error-summary__body">
          {description ? <p>{description}</p> : null}
          <ul className="nhsuk-list nhsuk-error-summary__list">
            {items.map((item, index) => (
              <li key={`${item.href ?? ""}-${index}`}>{item.href ? <a href={item.href && dateFields.has(item.href.slice(1)) ? `${item.href}-${dateFields.get(item.href.slice(1))}` : item.href}>{item.text}</a> : item.text}</li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}
