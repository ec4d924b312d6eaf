import type { HTMLAttributes, ReactNode } from "react";
import { ErrorMessage } from "./ErrorMessage";
import { Hint } from "./Hint";
import { Label, type LabelSize } from "./Label";
import { cx, fieldState, type FieldError, type HeadingLevel } from "./utils";

// The parts every NHS form field shares: the nhsuk-form-group around it (in error when the field
// is), and the hint and inline error message after its label or legend. Each field component
// (TextInput, Textarea, Select, FileUpload, DateInput, Radios, Checkboxes) puts its own control
// inside them, so the markup the design system asks for is written once.

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

const FIELD_KEYS = ["id", "name", "label", "hint", "error", "labelSize", "isPageHeading", "headingLevel", "labelClassName", "formGroupClassName"] as const satisfies readonly (keyof FieldProps)[];
// Every field prop listed: one left out would reach the control as a stray DOM attribute (a type error here).
const everyFieldKeyListed: Exclude<keyof FieldProps, (typeof FIELD_KEYS)[number]> extends never ? true : false = true;
void everyFieldKeyListed;

/** A field's own props apart from those meant for its control (type, value, onChange…). */
export function splitFieldProps<P extends FieldProps>(props: P): { field: FieldProps; control: Omit<P, keyof FieldProps> } {
  const field: Record<string, unknown> = {};
  const control: Record<string, unknown> = { ...(props as object) };
  for (const key of FIELD_KEYS) {
    field[key] = props[key];
    delete control[key];
  }
  return { field: field as unknown as FieldProps, control: control as Omit<P, keyof FieldProps> };
}

export type FieldState = ReturnType<typeof fieldState>;

/** The attributes every field's control takes from the field and its state. */
export function controlAttributes(field: Pick<FieldProps, "id" | "name">, state: FieldState) {
  return { id: field.id, name: field.name, "aria-describedby": state.describedBy, "aria-invalid": state.invalid || undefined };
}

/** The nhsuk-form-group wrapper, marked in error when the field is. */
export function FormGroup({ invalid, className, children, ...rest }: { invalid: boolean; children: ReactNode } & HTMLAttributes<HTMLDivElement>) {
  return (
    <div className={cx("nhsuk-form-group", invalid && "nhsuk-form-group--error", className)} {...rest}>
      {children}
    </div>
  );
}

/** The field's hint and error message (ids from fieldState), each only when there is one. */
export function FieldMessages({ state, hint }: { state: FieldState; hint: ReactNode }) {
  return (
    <>
      {state.hintId ? <Hint id={state.hintId}>{hint}</Hint> : null}
      {state.errorId ? <ErrorMessage id={state.errorId}>{state.message}</ErrorMessage> : null}
    </>
  );
}

/**
 * A single control in its form group, after its label (a heading's when it is the page's question),
 * hint and error message. `children` gets the field's state: its control takes `describedBy` and
 * `invalid` from it.
 */
export function LabelledField({
  field,
  describedBy,
  groupClassName,
  groupProps,
  children,
}: {
  field: FieldProps;
  /** The control's own aria-describedby, joined before the hint's and error's ids. */
  describedBy?: string;
  /** Classes on the form group before the field's own formGroupClassName. */
  groupClassName?: string;
  /** More attributes for the form group (a design-system module, for one). */
  groupProps?: HTMLAttributes<HTMLDivElement>;
  children: (state: FieldState) => ReactNode;
}) {
  const state = fieldState(field.id, { hint: field.hint, error: field.error, describedBy });
  return (
    <FormGroup invalid={state.invalid} className={cx(groupClassName, field.formGroupClassName)} {...groupProps}>
      <Label htmlFor={field.id} size={field.labelSize} isPageHeading={field.isPageHeading} headingLevel={field.headingLevel} className={field.labelClassName}>
        {field.label}
      </Label>
      <FieldMessages state={state} hint={field.hint} />
      {children(state)}
    </FormGroup>
  );
}
