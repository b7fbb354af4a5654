/**
 * `shequ tick [--at TIME]`: run the plugins' scheduled jobs for a time, each
 * once for that time, from a host's scheduler (the service desk's sweep of
 * lapsed deadlines among them). It says the time it ran for, in Asia/Shanghai,
 * and for each district which jobs ran and which had already run for it.
 */
import type { Command } from "commander"
import { inShanghai, parseInstant } from "../internal/dates.js"
import { UsageError } from "../internal/exit.js"
import { type Common, type Shell, withKernel } from "../internal/shell.js"

export const tickCommand = (program: Command, shell: Shell): void => {
  const { t, say } = shell
  shell
    .withCommon(program.command("tick").description(t.tick))
    .option("--at <datetime>", t.at)
    .action(async (options: Common & { readonly at?: string }) => {
      const at = options.at === undefined ? new Date() : parseInstant(options.at)
      if (at === undefined) throw new UsageError(t.badTime(options.at ?? ""))
      await withKernel(shell, { ...options, mustExist: true }, async (kernel) => {
        const result = await kernel.tick(at)
        say(t.tickAt(inShanghai(result.at)))
        if (result.ran.length === 0 && result.skipped.length === 0) say(t.noJobs)
        for (const { district, job } of result.ran) say(t.ran(district, job))
        for (const { district, job } of result.skipped) say(t.skipped(district, job))
      })
    })
}
