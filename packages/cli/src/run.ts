/**
 * `shequ`, run in the caller's process: the command line, the streams it
 * writes to and the environment it reads are given, and the exit code comes
 * back. The `shequ` bin runs it on the process's own; a host that embeds the
 * command, or a test, runs it on its own.
 */
import { Command, CommanderError } from "commander"
import { importCommand } from "./commands/import.js"
import { initCommand } from "./commands/init.js"
import { migrateCommand } from "./commands/migrate.js"
import { reportCommand } from "./commands/report.js"
import { tickCommand } from "./commands/tick.js"
import { Exit, exitCodeOf } from "./internal/exit.js"
import { colourful } from "./internal/output.js"
import { type Io, makeShell } from "./internal/shell.js"
import { localeOf, messagesFor } from "./messages.js"

/**
 * Runs `shequ` with `args` (the arguments after the command's name) and
 * resolves to its exit code: 0 done; 1 data refused (or another failure); 2 a
 * usage error; 3 the database or the key failed. Nothing is thrown: what fails
 * is said on `io.stderr`.
 *
 * @example
 * ```ts
 * import { runShequ } from "@shequ/cli"
 *
 * const code = await runShequ(["report", "population", "--db", "lingdong.db", "--format", "json"])
 * ```
 * @since 0.3.0
 */
export const runShequ = async (
  args: ReadonlyArray<string>,
  io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env }
): Promise<number> => {
  // --help is printed before options are parsed, so its language comes from the argument list itself.
  const requested = args.find((arg, i, all) => all[i - 1] === "--lang" || arg.startsWith("--lang="))
  const locale = localeOf(requested?.replace(/^--lang=/, ""), io.env)
  const shell = makeShell(locale, messagesFor(locale), io)
  const { t } = shell

  // Set before the commands are added: subcommands inherit them.
  const program = new Command("shequ")
    .description(t.description)
    .helpOption("-h, --help", t.help)
    .helpCommand("help [command]", t.helpCommand)
    .configureHelp({ styleTitle: (title) => t.titles[title] ?? title })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      getOutHasColors: () => colourful(io.env, io.stdout),
      getErrHasColors: () => colourful(io.env, io.stderr)
    })
    // Commander's own errors (an unknown option, a missing argument) come back here as usage errors.
    .exitOverride()

  initCommand(program, shell)
  migrateCommand(program, shell)
  importCommand(program, shell)
  reportCommand(program, shell)
  tickCommand(program, shell)

  try {
    await program.parseAsync([...args], { from: "user" })
    return shell.exitCode()
  } catch (error) {
    // Commander has printed its message already; `--help` itself is not an error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? Exit.ok : Exit.usage
    shell.warn(shell.describe(error))
    return exitCodeOf(error)
  }
}
