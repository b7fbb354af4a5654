/**
 * `shequ`: migrate a database, run the scheduled jobs.
 */
import { makeKernel, planMigrations, type Kernel, type Locale } from "@shequ/core"
import { Command, Option } from "commander"
import { localeOf, messagesFor, type Messages } from "./messages.js"
import { loadPlugins } from "./plugins.js"
import { openStorage } from "./storage.js"

interface Common {
  readonly db: string
  readonly schema?: string
  readonly plugin: ReadonlyArray<string>
  readonly lang?: string
}

// --help is printed before options are parsed, so its language comes from the argument list itself.
const requested = process.argv.find((arg, i, all) => all[i - 1] === "--lang" || arg.startsWith("--lang="))
const locale: Locale = localeOf(requested?.replace(/^--lang=/, ""))
const t: Messages = messagesFor(locale)

const withCommon = (command: Command) =>
  command
    .requiredOption("--db <path|url>", t.db)
    .option("--schema <name>", t.schema)
    .option("--plugin <module>", t.plugin, (value: string, all: Array<string>) => [...all, value], [])
    .addOption(new Option("--lang <locale>", t.lang).choices(["zh-CN", "en"]))

const say = (line: string) => process.stdout.write(`${line}\n`)
// `shequ migrate --dry-run | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0)
  throw error
})

/** Prints a kernel error in the chosen language, with its code; anything else as it is. */
const report = (error: unknown) => {
  const text = (error as { text?: Record<Locale, string> }).text
  const code = (error as { code?: string }).code
  process.stderr.write(
    `${text && code ? `[${code}] ${text[locale]}` : String(error instanceof Error ? error.message : error)}\n`
  )
  process.exitCode = 1
}

const withKernel = async (options: Common & { readonly citus?: boolean }, work: (kernel: Kernel) => Promise<void>) => {
  const plugins = await loadPlugins(options.plugin, t.noPlugin)
  const { storage } = openStorage({
    db: options.db,
    ...(options.schema ? { schema: options.schema } : {}),
    citus: options.citus === true
  })
  let kernel: Kernel
  try {
    kernel = await makeKernel({ storage, plugins, locale })
  } catch (error) {
    await storage.close()
    throw error
  }
  try {
    await work(kernel)
  } finally {
    await kernel.close()
  }
}

const program = new Command("shequ").description(t.description)

withCommon(program.command("migrate").description(t.migrate))
  .option("--dry-run", t.dryRun)
  .option("--citus", t.citus)
  .action(async (options: Common & { readonly dryRun?: boolean; readonly citus?: boolean }) => {
    if (options.dryRun) {
      const plugins = await loadPlugins(options.plugin, t.noPlugin)
      const { storage } = openStorage({ db: options.db, ...(options.schema ? { schema: options.schema } : {}) })
      try {
        const planned = await planMigrations({ storage, plugins })
        if (planned.length === 0) say(`-- ${t.nothing}`)
        for (const migration of planned) {
          say(`-- ${migration.id}`)
          for (const statement of migration.statements) {
            say(`${statement.sql};`)
            if (statement.parameters.length > 0) say(`-- parameters: ${JSON.stringify(statement.parameters)}`)
          }
        }
      } finally {
        await storage.close()
      }
      return
    }
    await withKernel(options, async (kernel) => {
      say(kernel.applied.length === 0 ? t.nothing : `${t.applied}: ${kernel.applied.join(", ")}`)
    })
  })

withCommon(program.command("tick").description(t.tick))
  .option("--at <datetime>", t.at)
  .action(async (options: Common & { readonly at?: string }) => {
    const at = options.at === undefined ? new Date() : new Date(options.at)
    if (Number.isNaN(at.getTime())) throw new Error(t.badTime(options.at ?? ""))
    await withKernel(options, async (kernel) => {
      const result = await kernel.tick(at)
      for (const { district, job } of result.ran) say(`${t.ran}: ${district} ${job}`)
      for (const { district, job } of result.skipped) say(`${t.skipped}: ${district} ${job}`)
    })
  })

program.parseAsync().catch(report)
