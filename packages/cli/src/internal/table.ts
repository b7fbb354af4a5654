/**
 * A plain-text table for a terminal: columns padded to the widest cell, where
 * a Chinese character is two columns wide, as terminals draw it.
 */

// East Asian Wide and Fullwidth ranges (UAX #11), enough for the names a registry holds.
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u

/** The columns a string takes in a terminal. */
export const displayWidth = (text: string): number => {
  let width = 0
  for (const char of text) width += WIDE.test(char) ? 2 : 1
  return width
}

/** Which side a column is padded on: text to the left, numbers to the right. */
export type Align = "left" | "right"

/** A cell: its text, or its text drawn to stand out (bold red, for a terminal that shows colour). */
export type Cell = string | { readonly text: string; readonly strong: true }

const textOf = (cell: Cell | undefined): string =>
  cell === undefined ? "" : typeof cell === "string" ? cell : cell.text

/** The lines of a table: the header, a rule, the rows. */
export const formatTable = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<Cell>>,
  align: ReadonlyArray<Align>
): ReadonlyArray<string> => {
  const widths = header.map((cell, i) =>
    Math.max(displayWidth(cell), ...rows.map((row) => displayWidth(textOf(row[i]))))
  )
  const line = (cells: ReadonlyArray<Cell>) =>
    cells
      .map((cell, i) => {
        const text = textOf(cell)
        const pad = " ".repeat(widths[i]! - displayWidth(text))
        // The escape codes go around the text alone, so the padding keeps the columns straight.
        const drawn = typeof cell === "string" ? text : `\x1b[1;31m${text}\x1b[0m`
        return align[i] === "right" ? pad + drawn : drawn + pad
      })
      .join("  ")
      .trimEnd()
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)]
}
