import type { JsonText } from "./json-text";

/** Each kept value's text, by the value (kept figures are the same object until their data changes). */
const texts = new WeakMap<object, string>();

/**
 * The JSON text of what `build` makes from `source`, made once per source object: pass a kept
 * figure (the figures cache hands out the same object until a table it read changes) and a pure
 * function of it, so the text is written again only when the figure is worked out again.
 */
export function jsonTextOf<S extends object, T>(source: S, build: (source: S) => T): JsonText<T> {
  let text = texts.get(source);
  if (text === undefined) {
    text = JSON.stringify(build(source));
    texts.set(source, text);
  }
  return text as JsonText<T>;
}
