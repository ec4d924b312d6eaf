/**
 * A label as it reads inside a sentence: "In progress" becomes "in progress", while an
 * acronym stays as it is ("IG review", "DPIA"). Used so that state codes ("ig_review") never
 * reach the page: take the label from the domain's *_LABELS map and pass it through this.
 */
export function inSentence(label: string) {
  return /^[A-Z][A-Z]/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}
