/**
 * What every command shares: the language, the common options, opening a
 * kernel, finding the district.
 */
import { existsSync } from "node:fs"
import { Actor, Core, makeKernel, type Kernel, type Locale } from "@shequ/core"
import { type Command, Option } from "commander"
import type { Messages } from "../messages.js"
import { loadPlugins } from "../plugins.js"
import { isPostgres, openStorage } from "../storage.js"
import { codeOf, DatabaseError, UsageError } from "./exit.js"
import { readKeyFile } from "./keyFile.js"

/** The options every command that opens a database takes. */
export interface Common {
  readonly db: string
  readonly schema?: string
  readonly plugin: ReadonlyArray<string>
  readonly lang?: string
}

/**
 * Where a run of `shequ` writes and what environment it reads: the process's
 * own streams and environment, or a host's (or a test's) when it runs the
 * command in its own process.
 *
 * @since 0.3.0
 */
export interface Io {
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly hasColors?: () => boolean }
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly hasColors?: () => boolean }
  readonly env: NodeJS.ProcessEnv
}

/** The language, its messages, and the helpers built on them. */
export interface Shell {
  readonly locale: Locale
  readonly t: Messages
  readonly io: Io
  /** Sets the exit code the run ends with, for a command that finishes but must not report success. */
  readonly exitWith: (code: number) => void
  /** The exit code set so far. */
  readonly exitCode: () => number
  /** Adds `--db`, `--schema`, `--plugin` and `--lang`. */
  readonly withCommon: (command: Command) => Command
  /** A line to stdout. */
  readonly say: (line: string) => void
  /** A line to stderr. */
  readonly warn: (line: string) => void
  /** A kernel error's text in the chosen language, with its code; anything else as it is. */
  readonly describe: (error: unknown) => string
}

/** The system actor the command acts as; its acts are audited as `system:cli`. */
export const cliActor: Actor.Actor = Actor.system("cli")

export const makeShell = (locale: Locale, t: Messages, io: Io): Shell => {
  let exitCode = 0
  const describe = (error: unknown): string => {
    const text = (error as { text?: Record<Locale, string> } | undefined)?.text
    const code = (error as { code?: unknown } | undefined)?.code
    if (text !== undefined && typeof code === "string") return `[${code}] ${text[locale]}`
    return String(error instanceof Error ? error.message : error)
  }
  return {
    locale,
    t,
    io,
    exitWith: (code) => {
      exitCode = code
    },
    exitCode: () => exitCode,
    withCommon: (command) =>
      command
        .requiredOption("--db <path|url>", t.db)
        .option("--schema <name>", t.schema)
        .option("--plugin <module>", t.plugin, (value: string, all: Array<string>) => [...all, value], [])
        .addOption(new Option("--lang <locale>", t.lang).choices(["zh-CN", "en"])),
    say: (line) => io.stdout.write(`${line}\n`),
    warn: (line) => io.stderr.write(`${line}\n`),
    describe
  }
}

/** How a command opens its kernel. */
export interface KernelChoice extends Common {
  readonly citus?: boolean
  /** The key file, read (and must exist); absent: a kernel without a key. */
  readonly keyFile?: string
  /** The key itself (from `init`, which may have just made it). */
  readonly key?: string
  /** A SQLite file that does not exist is refused rather than created (every command but `init` and `migrate`). */
  readonly mustExist?: boolean
}

/**
 * Opens the storage and starts a kernel on it, as `choice` says; a failure to
 * open or connect is a {@link DatabaseError}, kernel start errors (`KeyMismatch`,
 * `StorageError`…) are passed through with their codes.
 */
export const openKernel = async (shell: Shell, choice: KernelChoice): Promise<Kernel> => {
  const { t, locale } = shell
  const plugins = await loadPlugins(choice.plugin, t.noPlugin).catch((error: unknown) => {
    throw new UsageError(shell.describe(error))
  })
  let key = choice.key
  if (key === undefined && choice.keyFile !== undefined) {
    const read = await readKeyFile(choice.keyFile, t)
    if (read.loose !== undefined) shell.warn(t.keyFileLoose(choice.keyFile, read.loose))
    key = read.key
  }
  if (choice.mustExist && !isPostgres(choice.db) && !existsSync(choice.db)) {
    throw new DatabaseError(t.dbMissing(choice.db))
  }
  if (choice.citus && !isPostgres(choice.db)) throw new UsageError(shell.t.citusNeedsPostgres)
  let opened: ReturnType<typeof openStorage>
  try {
    opened = openStorage({
      db: choice.db,
      ...(choice.schema ? { schema: choice.schema } : {}),
      citus: choice.citus === true
    })
  } catch (error) {
    throw new DatabaseError(t.dbOpenFailed(choice.db, shell.describe(error)))
  }
  try {
    return await makeKernel({
      storage: opened.storage,
      plugins,
      locale,
      ...(key === undefined ? {} : { secrets: { key } })
    })
  } catch (error) {
    await opened.storage.close().catch(() => undefined)
    if (codeOf(error) === undefined) throw new DatabaseError(t.dbOpenFailed(opened.where, shell.describe(error)))
    throw error
  }
}

/** Runs `work` with a kernel, closing it afterwards whatever happens. */
export const withKernel = async <A>(
  shell: Shell,
  choice: KernelChoice,
  work: (kernel: Kernel) => Promise<A>
): Promise<A> => {
  const kernel = await openKernel(shell, choice)
  try {
    return await work(kernel)
  } finally {
    await kernel.close()
  }
}

/**
 * The district a command acts on: the one `--district` names, or else the only
 * one the database holds. None, several, or an unknown one is a usage error.
 */
export const districtOf = async (shell: Shell, kernel: Kernel, named: string | undefined): Promise<string> => {
  const { t } = shell
  const all = await kernel.exec(Core.queries.districts({}), cliActor)
  const codes = all.map((d) => d.code).join(", ")
  if (named !== undefined) {
    if (!all.some((d) => d.code === named)) throw new UsageError(t.unknownDistrict(named, codes))
    return named
  }
  if (all.length === 0) throw new UsageError(t.noDistrict)
  if (all.length > 1) throw new UsageError(t.ambiguousDistrict(codes))
  return all[0]!.code
}
