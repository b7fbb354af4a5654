/**
 * `shequ report services [--from DATE] [--to DATE]`: the service desk's
 * figures for a period, by grid and level: requests received, open at the
 * period's end, done on time, done late, deadlines that lapsed (overdue, each
 * with its accountability record) and requests escalated. Without dates, the
 * current month so far in Asia/Shanghai.
 *
 * CSV fields: `grid,level,received,open,done_on_time,done_late,overdue,escalated`;
 * JSON: the query's answer, `{ from, to, rows, totals }`.
 */
import { Services, type ServicesReportRow } from "@shequ/core"
import type { Command } from "commander"
import { checkDates, dateInShanghai, firstOfMonth } from "../internal/dates.js"
import { answer, type Column, type Format, formatOption, render } from "../internal/output.js"
import { cliActor, type Common, districtOf, type Shell, withKernel } from "../internal/shell.js"

interface ServicesOptions extends Common {
  readonly district?: string
  readonly from?: string
  readonly to?: string
  readonly format: Format
}

const servicesColumns = (shell: Shell): ReadonlyArray<Column<ServicesReportRow>> => {
  const { serviceColumns: header, levels } = shell.t
  return [
    { field: "grid", header: header.grid, value: (r) => r.grid, label: true },
    { field: "level", header: header.level, value: (r) => r.level, shown: (r) => levels[r.level] },
    { field: "received", header: header.received, value: (r) => r.received, sum: true },
    { field: "open", header: header.open, value: (r) => r.open, sum: true },
    { field: "done_on_time", header: header.doneOnTime, value: (r) => r.doneOnTime, sum: true },
    { field: "done_late", header: header.doneLate, value: (r) => r.doneLate, sum: true },
    { field: "overdue", header: header.overdue, value: (r) => r.overdue, sum: true, alert: true },
    { field: "escalated", header: header.escalated, value: (r) => r.escalated, sum: true }
  ]
}

export const reportServicesCommand = (report: Command, shell: Shell): void => {
  const { t } = shell
  shell
    .withCommon(report.command("services").description(t.reportServices))
    .option("--district <code>", t.district)
    .option("--from <date>", t.servicesFrom)
    .option("--to <date>", t.servicesTo)
    .addOption(formatOption(shell))
    .action(async (options: ServicesOptions) => {
      const given = checkDates(t, { "--from": options.from, "--to": options.to })
      const to = given["--to"] ?? dateInShanghai(new Date())
      const from = given["--from"] ?? firstOfMonth(to)
      await withKernel(shell, { ...options, mustExist: true }, async (kernel) => {
        const district = await districtOf(shell, kernel, options.district)
        // A period that ends before it starts is refused by the query, in its own words.
        const figures = await answer(shell, kernel.exec(Services.queries.report({ district, from, to }), cliActor))
        shell.io.stdout.write(
          render(shell, options.format, {
            columns: servicesColumns(shell),
            rows: figures.rows,
            json: figures,
            heading: [t.period(figures.from, figures.to)]
          })
        )
      })
    })
}
