// Loader data sent as JSON text: one string in the page's hydration data instead of hundreds of
// values. Remix encodes every loader's data for the browser on every request (turbo-stream), value
// by value, and for the national dashboard that was 170 µs of a 1.5 ms request; a string of the
// same figures costs 30, and the server keeps the text with the figures it was made from
// (json-text.server.ts), so it is written once until they change.

declare const jsonOf: unique symbol;

/** A value's JSON text, typed by the value it reads back as. */
export type JsonText<T> = string & { readonly [jsonOf]?: T };

/** The value a JsonText was made from (plain data: what JSON keeps). */
export function readJsonText<T>(text: JsonText<T>): T {
  return JSON.parse(text) as T;
}
