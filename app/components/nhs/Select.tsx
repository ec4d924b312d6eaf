import { forwardRef, type SelectHTMLAttributes } from "react";
import { ErrorMessage } from "./ErrorMessage";
import { Hint } from "./Hint";
import { Label } from "./Label";
import type { FieldProps } from "./TextInput";
import { cx, fieldState } from "./utils";

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface SelectProps extends FieldProps, Omit<SelectHTMLAttributes<HTMLSelectElement>, "id" | "name"> {
  options: readonly SelectOption[];
  /**
   * Add a first option with an empty value. A string is its text;
   * `true` uses "Select an option".
   */
  emptyOption?: string | boolean;
}

/** Select (nhsuk-select) with label, hint and inline error message. */
// Pure: a page importing the components barrel without using Select does not load it.
export const Select = /* @__PURE__ */ forwardRef<HTMLSelectElement, SelectProps>(function Select(
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
    options,
    emptyOption,
    className,
    "aria-describedby": ariaDescribedBy,
    ...rest
  },
  ref,
) {
  const state = fieldState(id, { hint, error, describedBy: ariaDescribedBy });
  const emptyText = emptyOption === true ? "Select an option" : emptyOption || undefined;
  return (
    <div className={cx("nhsuk-form-group", state.invalid && "nhsuk-form-group--error", formGroupClassName)}>
      <Label htmlFor={id} size={labelSize} isPageHeading={isPageHeading} headingLevel={headingLevel} className={labelClassName}>
        {label}
      </Label>
      {state.hintId ? <Hint id={state.hintId}>{hint}</Hint> : null}
      {state.errorId ? <ErrorMessage id={state.errorId}>{state.message}</ErrorMessage> : null}
      <select
        ref={ref}
        className={cx("nhsuk-select", state.invalid && "nhsuk-select--error", className)}
        id={id}
        name={name}
        aria-describedby={state.describedBy}
        aria-invalid={state.invalid || undefined}
        {...rest}
      >
        {emptyText !== undefined ? <option value="">{emptyText}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value} disabled={option.disabled}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
});
