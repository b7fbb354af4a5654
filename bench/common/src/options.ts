/**
 * A count given on the command line: an integer, written plainly, with `_`
 * between digits (`1_000_000`) or in exponent form (`1e6`); `undefined` when
 * it is none of these.
 */
export const parseCount = (text: string): number | undefined => {
  const n = Number(text.replaceAll("_", ""))
  return text.trim() !== "" && Number.isSafeInteger(n) ? n : undefined
}
