/**
 * `shequ report`: the figures a district reads, each from its module's own
 * query (never from an import's tallies), as a table, CSV or JSON.
 *
 * `report population [--by street|community|grid]`: households and residents
 * per street, community or grid. CSV and JSON fields:
 * `code,name,scope_path,households,residents`.
 */
import type { PopulationRow } from "@shequ/core"
import { Registry } from "@shequ/core"
import { type Command, Option } from "commander"
import { type Column, type Format, formatOption, render } from "../internal/output.js"
import { cliActor, type Common, districtOf, type Shell, withKernel } from "../internal/shell.js"
import { reportServicesCommand } from "./reportServices.js"
import { reportStampsCommand } from "./reportStamps.js"

type Level = "street" | "community" | "grid"

interface PopulationOptions extends Common {
  readonly district?: string
  readonly by: Level
  readonly format: Format
}

const populationColumns = (shell: Shell): ReadonlyArray<Column<PopulationRow>> => {
  const { columns } = shell.t
  return [
    { field: "code", header: columns.code, value: (r) => r.code },
    { field: "name", header: columns.name, value: (r) => r.name, label: true },
    { field: "scope_path", value: (r) => r.scopePath },
    { field: "households", header: columns.households, value: (r) => r.households, sum: true },
    { field: "residents", header: columns.residents, value: (r) => r.residents, sum: true }
  ]
}

export const reportCommand = (program: Command, shell: Shell): void => {
  const { t } = shell
  const report = program.command("report").description(t.reportGroup)
  shell
    .withCommon(report.command("population").description(t.reportPopulation))
    .option("--district <code>", t.district)
    .addOption(new Option("--by <level>", t.by).choices(["street", "community", "grid"]).default("community"))
    .addOption(formatOption(shell))
    .action(async (options: PopulationOptions) => {
      await withKernel(shell, { ...options, mustExist: true }, async (kernel) => {
        const district = await districtOf(shell, kernel, options.district)
        const rows = await kernel.exec(Registry.queries.population({ district, by: options.by }), cliActor)
        shell.io.stdout.write(render(shell, options.format, { columns: populationColumns(shell), rows, json: rows }))
      })
    })
  reportStampsCommand(report, shell)
  reportServicesCommand(report, shell)
}
