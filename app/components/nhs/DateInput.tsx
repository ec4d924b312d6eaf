import { forwardRef } from "react";
import { TextInput, type TextInputProps } from "./TextInput";

export interface DateInputProps extends Omit<TextInputProps, "type" | "inputPrefix" | "inputSuffix"> {}

/**
 * Date field as a single native `<input type="date">` styled with nhsuk-input
 * (not the three-box nhsuk-date-input pattern). Values are ISO `YYYY-MM-DD`,
 * which is what the browser submits; pass `defaultValue` in the same format.
 */
export const DateInput = forwardRef<HTMLInputElement, DateInputProps>(function DateInput({ width = 10, ...props }, ref) {
  return <TextInput ref={ref} type="date" width={width} {...props} />;
});
