/**
 * The bad-row report of an import: one CSV line per problem,
 * `row,column,code,message_zh,message_en`, sorted by row. It starts with a
 * UTF-8 BOM so that Excel and WPS, which the people fixing the file use, open
 * the Chinese reasons as text rather than mojibake.
 */
import { createWriteStream } from "node:fs"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import type { Problem } from "@shequ/core"
import { stringify } from "csv-stringify"

/** A problem as an import reports it, with its `row` (the file's line) and `column` when it is about a row. */
export type ReportedProblem = Problem

/** The report's columns, in order. */
export const reportColumns = ["row", "column", "code", "message_zh", "message_en"] as const

const byRow = (a: ReportedProblem, b: ReportedProblem) =>
  (a.row ?? Number.MAX_SAFE_INTEGER) - (b.row ?? Number.MAX_SAFE_INTEGER)

/** Writes the report to `file`, replacing it; an empty report is the header alone. */
export const writeReport = (file: string, problems: ReadonlyArray<ReportedProblem>): Promise<void> =>
  pipeline(
    Readable.from(
      // Array.prototype.sort is stable: problems of one row keep the kernel's order.
      [...problems].sort(byRow).map((p) => [p.row ?? "", p.column ?? "", p.code, p["zh-CN"], p.en])
    ),
    stringify({ header: true, columns: [...reportColumns], bom: true }),
    createWriteStream(file)
  )
