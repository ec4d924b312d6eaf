import { forwardRef, type InputHTMLAttributes, type ReactNode } from "react";
import { ErrorMessage } from "./ErrorMessage";
import { Hint } from "./Hint";
import { Label, type LabelSize } from "./Label";
import { cx, fieldState, type FieldError, type HeadingLevel } from "./utils";

/** Fixed character widths (nhsuk-input--width-N) or fluid widths (nhsuk-u-width-*). */
export type InputWidth =
  | 2
  | 3
  | 4
  | 5
  | 10
  | 20
  | 30
  | "full"
  | "three-quarters"
  | "two-thirds"
  | "one-half"
  | "one-third"
  | "one-quarter";

export function inputWidthClass(width: InputWidth | undefined): string | undefined {
  if (width === undefined) return undefined;
  return typeof width === "number" ? `nhsuk-input--width-${width}` : `nhsuk-u-width-${width}`;
}

/** Props shared by every labelled form field. */
export interface FieldProps {
  id: string;
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  /** Error message (or messages: the first is shown, or `true` for styling only). */
  error?: FieldError;
  labelSize?: LabelSize;
  /** Wrap the label in an h1 when the field is the page's only question. */
  isPageHeading?: boolean;
  headingLevel?: HeadingLevel;
  labelClassName?: string;
  /** Extra classes on the nhsuk-form-group wrapper. */
  formGroupClassName?: string;
}

export interface TextInputProps
  extends FieldProps,
    Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name" | "width" | "prefix"> {
  type?: "text" | "email" | "number" | "password" | "search" | "tel" | "url" | "date" | "time" | "datetime-local" | "month";
  width?: InputWidth;
  /** Prefix / suffix shown next to the input (for example "£" or "per item"). */
  inputPrefix?: ReactNode;
  inputSuffix?: ReactNode;
  /** Monospace styling for codes and reference numbers. */
  code?: boolean;
}

/** Text input (nhsuk-input) with label, hint and inline error message. */
// Pure: a page importing the components barrel without using TextInput does not load it.
export const TextInput = /* @__PURE__ */ forwardRef<HTMLInputElement, TextInputProps>(function TextInput(
  {
    id,
    name,
    label,
    hint,
    error,
    labelSize,
    isPageHeading,
    headingLevel,
    labelClassName,
    formGroupClassName,
    type = "text",
    width,
    inputPrefix,
    inputSuffix,
    code,
    className,
    "aria-describedby": ariaDescribedBy,
    ...rest
  },
  ref,
) {
  const state = fieldState(id, { hint, error, describedBy: ariaDescribedBy });
  const input = (
    <input
      ref={ref}
      className={cx(
        "nhsuk-input",
        code && "nhsuk-input--code",
        state.invalid && "nhsuk-input--error",
        inputWidthClass(width),
        className,
      )}
      id={id}
      name={name}
      type={type}
      aria-describedby={state.describedBy}
      aria-invalid={state.invalid || undefined}
      {...rest}
    />
  );
  const hasAffix = inputPrefix !== undefined || inputSuffix !== undefined;
  return (
    <div className={cx("nhsuk-form-group", state.invalid && "nhsuk-form-group--error", formGroupClassName)}>
      <Label htmlFor={id} size={labelSize} isPageHeading={isPageHeading} headingLevel={headingLevel} className={labelClassName}>
        {label}
      </Label>
      {state.hintId ? <Hint id={state.hintId}>{hint}</Hint> : null}
      {state.errorId ? <ErrorMessage id={state.errorId}>{state.message}</ErrorMessage> : null}
      {hasAffix ? (
        <div className="nhsuk-input-wrapper">
          {inputPrefix !== undefined ? (
            <div className="nhsuk-input-wrapper__prefix" aria-hidden="true">
              {inputPrefix}
            </div>
          ) : null}
          {input}
          {inputSuffix !== undefined ? (
            <div className="nhsuk-input-wrapper__suffix" aria-hidden="true">
              {inputSuffix}
            </div>
          ) : null}
        </div>
      ) : (
        input
      )}
    </div>
  );
});
