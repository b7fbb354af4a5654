/**
 * `shequ`: set up a database, import base data, report, migrate, run the
 * scheduled jobs. Exit codes: 0 done; 1 data refused (or another failure);
 * 2 a usage error; 3 the database or the key failed.
 */
import type { Locale } from "@shequ/core"
import { Command, CommanderError } from "commander"
import { importCommand } from "./commands/import.js"
import { initCommand } from "./commands/init.js"
import { migrateCommand } from "./commands/migrate.js"
import { reportCommand } from "./commands/report.js"
import { tickCommand } from "./commands/tick.js"
import { Exit, exitCodeOf } from "./internal/exit.js"
import { makeShell } from "./internal/shell.js"
import { localeOf, messagesFor } from "./messages.js"

// --help is printed before options are parsed, so its language comes from the argument list itself.
const requested = process.argv.find((arg, i, all) => all[i - 1] === "--lang" || arg.startsWith("--lang="))
const locale: Locale = localeOf(requested?.replace(/^--lang=/, ""))
const shell = makeShell(locale, messagesFor(locale))
const { t } = shell

// `shequ migrate --dry-run | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0)
  throw error
})

// Set before the commands are added: subcommands inherit them.
const program = new Command("shequ")
  .description(t.description)
  .helpOption("-h, --help", t.help)
  .helpCommand("help [command]", t.helpCommand)
  .configureHelp({ styleTitle: (title) => t.titles[title] ?? title })
  // Commander's own errors (an unknown option, a missing argument) come back here as usage errors.
  .exitOverride()

initCommand(program, shell)
migrateCommand(program, shell)
importCommand(program, shell)
reportCommand(program, shell)
tickCommand(program, shell)

program.parseAsync().catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // Commander has printed its message already; `--help` itself is not an error.
    process.exitCode = error.exitCode === 0 ? Exit.ok : Exit.usage
    return
  }
  shell.warn(shell.describe(error))
  process.exitCode = exitCodeOf(error)
})
