/**
 * `shequ report population [--by street|community|grid] [--format table|csv|json]`:
 * households and residents per street, community or grid, from the registry's
 * own counting query (never from an import's tallies).
 *
 * The table is for people (headers in the chosen language, a total line); CSV
 * and JSON are for programs, so their field names are the same in every
 * language: `code,name,scope_path,households,residents`.
 */
import { Registry, type PopulationRow } from "@shequ/core"
import { type Command, Option } from "commander"
import { stringify } from "csv-stringify/sync"
import { cliActor, type Common, districtOf, type Shell, withKernel } from "../internal/shell.js"
import { formatTable } from "../internal/table.js"

type Level = "street" | "community" | "grid"
type Format = "table" | "csv" | "json"

interface PopulationOptions extends Common {
  readonly district?: string
  readonly by: Level
  readonly format: Format
}

const render = (shell: Shell, rows: ReadonlyArray<PopulationRow>, format: Format): string => {
  switch (format) {
    case "json":
      return `${JSON.stringify(rows, null, 2)}\n`
    case "csv":
      return stringify(
        rows.map((r) => [r.code, r.name, r.scopePath, r.households, r.residents]),
        { header: true, columns: ["code", "name", "scope_path", "households", "residents"] }
      )
    case "table": {
      const { columns, total } = shell.t
      const sum = (pick: (r: PopulationRow) => number) => String(rows.reduce((n, r) => n + pick(r), 0))
      const lines = formatTable(
        [columns.code, columns.name, columns.households, columns.residents],
        [
          ...rows.map((r) => [r.code, r.name, String(r.households), String(r.residents)]),
          ["", total, sum((r) => r.households), sum((r) => r.residents)]
        ],
        ["left", "left", "right", "right"]
      )
      return `${lines.join("\n")}\n`
    }
  }
}

export const reportCommand = (program: Command, shell: Shell): void => {
  const { t } = shell
  const report = program.command("report").description(t.reportGroup)
  shell
    .withCommon(report.command("population").description(t.reportPopulation))
    .option("--district <code>", t.district)
    .addOption(new Option("--by <level>", t.by).choices(["street", "community", "grid"]).default("community"))
    .addOption(new Option("--format <format>", t.format).choices(["table", "csv", "json"]).default("table"))
    .action(async (options: PopulationOptions) => {
      await withKernel(shell, { ...options, mustExist: true }, async (kernel) => {
        const district = await districtOf(shell, kernel, options.district)
        const rows = await kernel.exec(Registry.queries.population({ district, by: options.by }), cliActor)
        process.stdout.write(render(shell, rows, options.format))
      })
    })
}
