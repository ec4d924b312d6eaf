/**
 * A label as it reads inside a sentence: "In progress" becomes "in progress", while an
 * acronym stays as it is ("IG review", "DPIA"). Used so that state codes ("ig_review") never
 * reach the page: take the label from the domain's *_LABELS map and pass it through this.
 */
export function inSentence(label: string) {
  return /^[A-Z][A-Z]/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

/** Names as they read in a sentence: "A", "A and B", "A, B and C". */
export function listInWords(names: readonly string[]) {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
