import { forwardRef, type SelectHTMLAttributes } from "react";
import { controlAttributes, LabelledField, splitFieldProps, type FieldProps } from "./FormGroup";
import { cx } from "./utils";

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
export const Select = /* @__PURE__ */ forwardRef<HTMLSelectElement, SelectProps>(function Select(props, ref) {
  const { field, control } = splitFieldProps(props);
  const { options, emptyOption, className, "aria-describedby": ariaDescribedBy, ...rest } = control;
  const emptyText = emptyOption === true ? "Select an option" : emptyOption || undefined;
  return (
    <LabelledField field={field} describedBy={ariaDescribedBy}>
      {(state) => (
        <select ref={ref} className={cx("nhsuk-select", state.invalid && "nhsuk-select--error", className)} {...controlAttributes(field, state)} {...rest}>
          {emptyText !== undefined ? <option value="">{emptyText}</option> : null}
          {options.map((option) => (
            <option key={option.value} value={option.value} disabled={option.disabled}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </LabelledField>
  );
});
