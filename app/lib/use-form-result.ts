import { useActionData, useNavigation } from "@remix-run/react";

type FormResult = { errors?: Record<string, string>; values?: Record<string, string> } | undefined;

/**
 * What a form page shows after its action refused a submission (see refusedForm): the errors by
 * field, what was typed (or `defaults` before any submission), and whether a submission is on its way.
 */
export function useFormResult(defaults: Record<string, string> = {}) {
  const actionData = useActionData() as FormResult;
  const navigation = useNavigation();
  return { errors: actionData?.errors ?? {}, values: actionData?.values ?? defaults, submitting: navigation.state === "submitting" };
}
