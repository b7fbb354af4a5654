/**
 * `shequ migrate [--dry-run]`: apply the pending migrations of core, its
 * modules (the registry…) and the plugins named, or print their SQL.
 */
import { planMigrations } from "@shequ/core"
import type { Command } from "commander"
import { loadPlugins } from "../plugins.js"
import { openStorage } from "../storage.js"
import { DatabaseError, UsageError } from "../internal/exit.js"
import { type Common, type Shell, withKernel } from "../internal/shell.js"

interface MigrateOptions extends Common {
  readonly dryRun?: boolean
  readonly citus?: boolean
}

export const migrateCommand = (program: Command, shell: Shell): void => {
  const { t, say } = shell
  shell
    .withCommon(program.command("migrate").description(t.migrate))
    .option("--dry-run", t.dryRun)
    .option("--citus", t.citus)
    .action(async (options: MigrateOptions) => {
      if (!options.dryRun) {
        await withKernel(shell, options, async (kernel) => {
          say(kernel.applied.length === 0 ? t.nothing : `${t.applied}: ${kernel.applied.join(", ")}`)
        })
        return
      }
      const plugins = await loadPlugins(options.plugin, t.noPlugin).catch((error: unknown) => {
        throw new UsageError(shell.describe(error))
      })
      let opened: ReturnType<typeof openStorage>
      try {
        opened = openStorage({ db: options.db, ...(options.schema ? { schema: options.schema } : {}) })
      } catch (error) {
        throw new DatabaseError(t.dbOpenFailed(options.db, shell.describe(error)))
      }
      try {
        const planned = await planMigrations({ storage: opened.storage, plugins })
        if (planned.length === 0) say(`-- ${t.nothing}`)
        for (const migration of planned) {
          say(`-- ${migration.id}`)
          for (const statement of migration.statements) {
            say(`${statement.sql};`)
            if (statement.parameters.length > 0) say(`-- parameters: ${JSON.stringify(statement.parameters)}`)
          }
        }
      } finally {
        await opened.storage.close()
      }
    })
}
