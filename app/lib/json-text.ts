// Loader data sent as JSON text: one string in the page's hydration data instead of thousands of
// values. Remix encodes every loader's data for the browser on every request (turbo-stream), value
// by value: for the national dashboard that was 170 µs of a 1.5 ms request, for the consent
// register 900 µs. A string of the same data costs a fraction of that, and the server keeps the
// text with the kept figure it was made from (keptText in data-version.server.ts), so it is written
// once until the figure changes. The page reads it back once (readJsonText).

declare const jsonOf: unique symbol;

/** A value's JSON text, typed by the value it reads back as. */
export type JsonText<T> = string & { readonly [jsonOf]?: T };

/** The value a JsonText was made from (plain data: what JSON keeps). */
export function readJsonText<T>(text: JsonText<T>): T {
  return JSON.parse(text) as T;
}
