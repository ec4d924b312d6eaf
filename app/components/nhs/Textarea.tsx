import { forwardRef, type TextareaHTMLAttributes } from "react";
import { controlAttributes, LabelledField, splitFieldProps, type FieldProps } from "./FormGroup";
import { cx } from "./utils";

export interface TextareaProps extends FieldProps, Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id" | "name"> {}

/** Textarea (nhsuk-textarea) with label, hint and inline error message. */
// Pure: a page importing the components barrel without using Textarea does not load it.
export const Textarea = /* @__PURE__ */ forwardRef<HTMLTextAreaElement, TextareaProps>(function Textarea(props, ref) {
  const { field, control } = splitFieldProps(props);
  const { rows = 5, className, "aria-describedby": ariaDescribedBy, ...rest } = control;
  return (
    <LabelledField field={field} describedBy={ariaDescribedBy}>
      {(state) => <textarea ref={ref} className={cx("nhsuk-textarea", state.invalid && "nhsuk-textarea--error", className)} {...controlAttributes(field, state)} rows={rows} {...rest} />}
    </LabelledField>
  );
});
