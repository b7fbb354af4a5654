/**
 * `shequ report stamps [--community CODE] [--from DATE] [--to DATE]`: what the
 * whitelist granted and refused, by month, kind (stamp item, plaque, work),
 * code and requesting department. A refused count that rises month after month
 * for one item or one department is the old paperwork creeping back (防止反弹),
 * so on a terminal that shows colour every refusal stands out.
 *
 * CSV and JSON fields: `month,kind,code,department,granted,refused`.
 */
import { type StampFigures, Stamps } from "@shequ/core"
import type { Command } from "commander"
import { checkDates } from "../internal/dates.js"
import { UsageError } from "../internal/exit.js"
import { answer, type Column, type Format, formatOption, render } from "../internal/output.js"
import { cliActor, type Common, districtOf, type Shell, withKernel } from "../internal/shell.js"

interface StampsOptions extends Common {
  readonly district?: string
  readonly community?: string
  readonly from?: string
  readonly to?: string
  readonly format: Format
}

const stampsColumns = (shell: Shell): ReadonlyArray<Column<StampFigures>> => {
  const { stampColumns: header, kinds } = shell.t
  return [
    { field: "month", header: header.month, value: (l) => l.month, label: true },
    { field: "kind", header: header.kind, value: (l) => l.kind, shown: (l) => kinds[l.kind] },
    { field: "code", header: header.code, value: (l) => l.code },
    { field: "department", header: header.department, value: (l) => l.department },
    { field: "granted", header: header.granted, value: (l) => l.granted, sum: true },
    { field: "refused", header: header.refused, value: (l) => l.refused, sum: true, alert: true }
  ]
}

export const reportStampsCommand = (report: Command, shell: Shell): void => {
  const { t } = shell
  shell
    .withCommon(report.command("stamps").description(t.reportStamps))
    .option("--district <code>", t.district)
    .option("--community <code>", t.community)
    .option("--from <date>", t.stampsFrom)
    .option("--to <date>", t.stampsTo)
    .addOption(formatOption(shell))
    .action(async (options: StampsOptions) => {
      const { "--from": from, "--to": to } = checkDates(t, { "--from": options.from, "--to": options.to })
      // The query would answer an empty report; a period that ends before it starts is a slip to point out.
      if (from !== undefined && to !== undefined && from > to) throw new UsageError(t.backwardsPeriod(from, to))
      await withKernel(shell, { ...options, mustExist: true }, async (kernel) => {
        const district = await districtOf(shell, kernel, options.district)
        const lines = await answer(
          shell,
          kernel.exec(
            Stamps.queries.report({
              district,
              ...(options.community === undefined ? {} : { community: options.community }),
              ...(from === undefined ? {} : { from }),
              ...(to === undefined ? {} : { to })
            }),
            cliActor
          )
        )
        shell.io.stdout.write(
          render(shell, options.format, { columns: stampsColumns(shell), rows: lines, json: lines })
        )
      })
    })
}
