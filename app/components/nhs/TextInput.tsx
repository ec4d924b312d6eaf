import { forwardRef, type InputHTMLAttributes, type ReactNode } from "react";
import { controlAttributes, LabelledField, splitFieldProps, type FieldProps } from "./FormGroup";
import { cx } from "./utils";

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

export type { FieldProps };

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
export const TextInput = /* @__PURE__ */ forwardRef<HTMLInputElement, TextInputProps>(function TextInput(props, ref) {
  const { field, control } = splitFieldProps(props);
  const { type = "text", width, inputPrefix, inputSuffix, code, className, "aria-describedby": ariaDescribedBy, ...rest } = control;
  const hasAffix = inputPrefix !== undefined || inputSuffix !== undefined;
  return (
    <LabelledField field={field} describedBy={ariaDescribedBy}>
      {(state) => {
        const input = (
          <input
            ref={ref}
            className={cx("nhsuk-input", code && "nhsuk-input--code", state.invalid && "nhsuk-input--error", inputWidthClass(width), className)}
            {...controlAttributes(field, state)}
            type={type}
            {...rest}
          />
        );
        if (!hasAffix) return input;
        return (
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
        );
      }}
    </LabelledField>
  );
});
