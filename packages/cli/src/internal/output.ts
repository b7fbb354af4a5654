/**
 * How every `shequ report` prints: a table for people (headers in the chosen
 * language, a total line), CSV and JSON for programs, whose field names are
 * the same in every language so a script does not break when `--lang` changes.
 */
import { InvalidInput, NotFound } from "@shequ/core"
import { Option } from "commander"
import { stringify } from "csv-stringify/sync"
import { UsageError } from "./exit.js"
import type { Io, Shell } from "./shell.js"
import { type Align, type Cell, formatTable } from "./table.js"

/** The `--format`s a report prints in. */
export const formats = ["table", "csv", "json"] as const

export type Format = (typeof formats)[number]

/** `--format table|csv|json`, table by default. */
export const formatOption = (shell: Shell): Option =>
  new Option("--format <format>", shell.t.format).choices(formats).default("table")

/** One column of a report. */
export interface Column<R> {
  /** Its name in CSV; absent: the table's alone. */
  readonly field?: string
  /** Its header in the table; absent: CSV's alone. */
  readonly header?: string
  readonly value: (row: R) => string | number
  /** How the table shows the value when not as it is (a level's name rather than its code). */
  readonly shown?: (row: R) => string
  /** A count: right-aligned, and summed on the total line. */
  readonly sum?: boolean
  /** The column in which the total line says "total". */
  readonly label?: boolean
  /** A count the reader must not miss: when not zero, it stands out on a terminal that shows colour. */
  readonly alert?: boolean
}

/** A report as the three formats print it. */
export interface Report<R> {
  readonly columns: ReadonlyArray<Column<R>>
  readonly rows: ReadonlyArray<R>
  /** What `--format json` prints. */
  readonly json: unknown
  /** Lines above the table, such as the period it covers. */
  readonly heading?: ReadonlyArray<string>
}

/**
 * Whether `stream` shows colour: never with `NO_COLOR` (no-color.org), always
 * with `FORCE_COLOR` other than `0`, else when it is a terminal that has colours.
 */
export const colourful = (env: NodeJS.ProcessEnv, stream: Io["stdout"]): boolean => {
  if (env["NO_COLOR"]) return false
  if (env["FORCE_COLOR"] !== undefined) return env["FORCE_COLOR"] !== "0"
  return stream.isTTY === true && stream.hasColors?.() === true
}

const table = <R>(shell: Shell, report: Report<R>): string => {
  const columns = report.columns.filter((c) => c.header !== undefined)
  const colour = colourful(shell.io.env, shell.io.stdout)
  const count = (column: Column<R>, n: number): Cell =>
    column.alert === true && colour && n > 0 ? { text: String(n), strong: true } : String(n)
  const total = columns.map((column): Cell => {
    if (column.label === true) return shell.t.total
    if (column.sum !== true) return ""
    const sum = report.rows.reduce((n, row) => n + Number(column.value(row)), 0)
    return count(column, sum)
  })
  const lines = formatTable(
    columns.map((c) => c.header!),
    [
      ...report.rows.map((row) =>
        columns.map((c): Cell =>
          c.sum === true ? count(c, Number(c.value(row))) : (c.shown ?? c.value)(row).toString()
        )
      ),
      total
    ],
    columns.map((c): Align => (c.sum === true ? "right" : "left"))
  )
  return `${[...(report.heading ?? []), ...lines].join("\n")}\n`
}

/** The report in the format asked for, ending with a newline. */
export const render = <R>(shell: Shell, format: Format, report: Report<R>): string => {
  switch (format) {
    case "json":
      return `${JSON.stringify(report.json, null, 2)}\n`
    case "csv": {
      const columns = report.columns.filter((c) => c.field !== undefined)
      return stringify(
        report.rows.map((row) => columns.map((c) => c.value(row))),
        { header: true, columns: columns.map((c) => c.field!) }
      )
    }
    case "table":
      return table(shell, report)
  }
}

/**
 * The answer of a report's query. What the query refuses of its input (a
 * period that ends before it starts, a community the district does not have)
 * is the user's to fix: a usage error, with the query's own reasons in the
 * chosen language.
 */
export const answer = <A>(shell: Shell, query: Promise<A>): Promise<A> =>
  query.catch((error: unknown) => {
    if (error instanceof InvalidInput) {
      throw new UsageError(error.problems.map((p) => `[${p.code}] ${p[shell.locale]}`).join("\n"))
    }
    if (error instanceof NotFound) throw new UsageError(shell.describe(error))
    throw error
  })
