import { forwardRef, type HTMLAttributes, type InputHTMLAttributes } from "react";
import { controlAttributes, LabelledField, splitFieldProps, type FieldProps } from "./FormGroup";
import { cx } from "./utils";

export interface FileUploadProps extends FieldProps, Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name" | "type"> {
  /**
   * Add data-module="nhsuk-file-upload" so nhsuk-frontend's script replaces
   * the native control with its drop zone. Off by default: the script moves
   * the input in the DOM, which React cannot reconcile if this component
   * re-renders (for example when an error message appears after a client-side
   * submission). The native input is fully styled without it.
   */
  enhanced?: boolean;
}

/** File upload (v10 nhsuk-file-upload markup) with label, hint and inline error message. */
// Pure: a page importing the components barrel without using FileUpload does not load it.
export const FileUpload = /* @__PURE__ */ forwardRef<HTMLInputElement, FileUploadProps>(function FileUpload(props, ref) {
  const { field, control } = splitFieldProps(props);
  const { enhanced = false, className, "aria-describedby": ariaDescribedBy, ...rest } = control;
  return (
    <LabelledField
      field={field}
      describedBy={ariaDescribedBy}
      groupClassName="nhsuk-file-upload"
      groupProps={{ "data-module": enhanced ? "nhsuk-file-upload" : undefined } as HTMLAttributes<HTMLDivElement>}
    >
      {(state) => <input ref={ref} className={cx("nhsuk-file-upload__input", className)} {...controlAttributes(field, state)} type="file" {...rest} />}
    </LabelledField>
  );
});
