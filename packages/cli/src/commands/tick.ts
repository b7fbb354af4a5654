/**
 * `shequ tick [--at TIME]`: run the plugins' scheduled jobs for a time, each
 * once for that time, from a host's scheduler.
 */
import type { Command } from "commander"
import { UsageError } from "../internal/exit.js"
import { type Common, type Shell, withKernel } from "../internal/shell.js"

export const tickCommand = (program: Command, shell: Shell): void => {
  const { t, say } = shell
  shell
    .withCommon(program.command("tick").description(t.tick))
    .option("--at <datetime>", t.at)
    .action(async (options: Common & { readonly at?: string }) => {
      const at = options.at === undefined ? new Date() : new Date(options.at)
      if (Number.isNaN(at.getTime())) throw new UsageError(t.badTime(options.at ?? ""))
      await withKernel(shell, options, async (kernel) => {
        const result = await kernel.tick(at)
        for (const { district, job } of result.ran) say(`${t.ran}: ${district} ${job}`)
        for (const { district, job } of result.skipped) say(`${t.skipped}: ${district} ${job}`)
      })
    })
}
