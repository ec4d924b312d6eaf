/** A numeric command-line option of a bench script (`--runs 3`), or `fallback` when it is not given. */
export function numberOption(name: string, fallback: number) {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}
