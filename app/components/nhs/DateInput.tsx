import type { ReactNode } from "react";
import { MONTH_PART_NAMES, monthPartsOf } from "~/lib/month-field";
import { datePartsOf, DATE_PART_NAMES, type DateParts } from "~/lib/dates";
import { FieldMessages, FormGroup } from "./FormGroup";
import { Legend, type LegendSize } from "./Legend";
import { cx, fieldState, type FieldError, type HeadingLevel } from "./utils";

export interface DateInputProps {
  id: string;
  /** The boxes are named `<name>-day`, `<name>-month` and `<name>-year`; formToObject joins them into `<name>`. */
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  /** ISO `YYYY-MM-DD`, or the combined value of a refused submission (what was typed is shown again). */
  defaultValue?: string | null;
  error?: FieldError;
  labelSize?: LegendSize;
  isPageHeading?: boolean;
  headingLevel?: HeadingLevel;
  formGroupClassName?: string;
  disabled?: boolean;
}

const PART_LABELS: Record<keyof DateParts, string> = { day: "Day", month: "Month", year: "Year" };

/**
 * Which boxes to mark in error: the empty ones when only some are filled in, the year when it
 * is not 4 numbers, otherwise all of them (as the NHS date input pattern asks).
 */
function partsInError<P extends keyof DateParts>(names: readonly P[], parts: Record<P, string> & { year: string }): ReadonlySet<P> {
  const empty = names.filter((name) => !parts[name].trim());
  if (empty.length > 0 && empty.length < names.length) return new Set(empty);
  if (empty.length === 0 && /^\d+$/.test(parts.year.trim()) && parts.year.trim().length !== 4) return new Set(["year" as P]);
  return new Set(names);
}

/**
 * The NHS date input: a fieldset whose legend is the question, with Day, Month and Year text
 * boxes (numeric keyboard on phones). The container has the field's `id` and the day box
 * `<id>-day`, where the error summary's link lands (see ErrorSummary).
 */
export function DateInput(props: DateInputProps) {
  return <PartsInput {...props} names={DATE_PART_NAMES} parts={datePartsOf(props.defaultValue)} />;
}

export interface MonthInputProps extends Omit<DateInputProps, "name" | "defaultValue"> {
  /** The boxes are named `<name>-month` and `<name>-year`; formToObject joins them into `<name>` as `YYYY-MM`. */
  name: string;
  /** `YYYY-MM`, or the combined value of a refused submission (what was typed is shown again). */
  defaultValue?: string | null;
}

/**
 * The NHS date input with Month and Year boxes only, for a month ("For example, 10 2016"). The
 * error summary's link lands on the month box, `<id>-month`.
 */
export function MonthInput(props: MonthInputProps) {
  return <PartsInput {...props} names={MONTH_PART_NAMES} parts={monthPartsOf(props.defaultValue)} />;
}

function PartsInput<P extends keyof DateParts>({
  id,
  name,
  label,
  hint,
  error,
  labelSize,
  isPageHeading,
  headingLevel,
  formGroupClassName,
  disabled,
  names,
  parts,
}: Omit<DateInputProps, "defaultValue"> & { names: readonly P[]; parts: Record<P, string> & { year: string } }) {
  const state = fieldState(id, { hint, error });
  const marked = state.invalid ? partsInError(names, parts) : new Set<P>();
  return (
    <FormGroup invalid={state.invalid} className={formGroupClassName}>
      <fieldset className="nhsuk-fieldset" role="group" aria-describedby={state.describedBy}>
        <Legend size={labelSize} isPageHeading={isPageHeading} headingLevel={headingLevel}>
          {label}
        </Legend>
        <FieldMessages state={state} hint={hint} />
        <div className="nhsuk-date-input" id={id} data-date-input={names[0]}>
          {names.map((part) => (
            <div className="nhsuk-date-input__item" key={part}>
              <div className="nhsuk-form-group">
                <label className="nhsuk-label nhsuk-date-input__label" htmlFor={`${id}-${part}`}>
                  {PART_LABELS[part]}
                </label>
                <input
                  className={cx(
                    "nhsuk-input nhsuk-date-input__input",
                    part === "year" ? "nhsuk-input--width-4" : "nhsuk-input--width-2",
                    marked.has(part) && "nhsuk-input--error",
                  )}
                  id={`${id}-${part}`}
                  name={`${name}-${part}`}
                  type="text"
                  inputMode="numeric"
                  defaultValue={parts[part]}
                  aria-invalid={marked.has(part) || undefined}
                  disabled={disabled}
                />
              </div>
            </div>
          ))}
        </div>
      </fieldset>
    </FormGroup>
  );
}
