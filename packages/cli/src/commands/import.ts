/**
 * `shequ import places FILE` and `shequ import residents FILE`: the registry's
 * bulk import of base data from CSV, streamed from disk.
 *
 * Every row is checked; the bad ones are listed by line (the header is line 1)
 * and column, with a code and both languages' reasons, in the `--report` CSV or,
 * without one, the first few on stderr. Nothing is written when any row is bad,
 * unless `--only-valid`. Exit codes: 0 every row imported; 1 rows (or the file's
 * header) refused; 2 a usage error; 3 the database or the key failed.
 */
import { createReadStream } from "node:fs"
import { stat } from "node:fs/promises"
import {
  Csv,
  type ImportRequest,
  type ImportResult,
  placeColumns,
  Registry,
  residentColumns,
  Vocabulary
} from "@shequ/core"
import { SingleBar } from "cli-progress"
import { type Command, InvalidArgumentError, Option } from "commander"
import { Exit, UsageError } from "../internal/exit.js"
import { writeReport, type ReportedProblem } from "../internal/report.js"
import { cliActor, type Common, districtOf, type Shell, withKernel } from "../internal/shell.js"

/** How many problems are printed to stderr when there is no `--report` file. */
const SHOWN = 10

interface ImportCommon extends Common {
  readonly district?: string
  readonly encoding: Csv.Encoding | "auto"
  readonly report?: string
  readonly dryRun?: boolean
  readonly onlyValid?: boolean
}

type Kind = "places" | "residents"

const columnsOf = { places: placeColumns, residents: residentColumns } as const

/** A file's problems found before any row was imported: its header, or CSV itself broken. */
const fileProblems = (error: unknown): ReadonlyArray<ReportedProblem> | undefined => {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (e instanceof Csv.CsvHeaderError) {
      return e.problems.map((p) => ({
        path: "",
        row: 1,
        column: p.column,
        code: p.code,
        "zh-CN": p["zh-CN"],
        en: p.en
      }))
    }
    const code = (e as { code?: unknown }).code
    // csv-parse's errors (`CSV_QUOTE_NOT_CLOSED`…) say where the parser stopped.
    if (typeof code === "string" && code.startsWith("CSV_")) {
      const line = (e as { lines?: unknown }).lines
      const message = e instanceof Error ? e.message : String(e)
      return [
        {
          path: "",
          ...(typeof line === "number" ? { row: line } : {}),
          code: `CSV.${code.slice(4)}`,
          "zh-CN": `CSV 格式错误：${message}`,
          en: `CSV is malformed: ${message}`
        }
      ]
    }
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

const problemsOf = (error: unknown): ReadonlyArray<ReportedProblem> | undefined => {
  const file = fileProblems(error)
  if (file !== undefined) return file
  if ((error as { code?: unknown }).code === "CORE.INVALID_INPUT") {
    return (error as { problems: ReadonlyArray<ReportedProblem> }).problems
  }
  return undefined
}

/** A progress bar on stderr when it is a terminal, from the bytes read against the file's size. */
const progressBar = (shell: Shell, size: number) => {
  if (shell.io.stderr.isTTY !== true || size === 0) return undefined
  const bar = new SingleBar({
    stream: shell.io.stderr,
    format: `${shell.t.importing} [{bar}] {percentage}% | {eta_formatted}`,
    hideCursor: true,
    clearOnComplete: true
  })
  bar.start(size, 0)
  return bar
}

const tagLabels: ReadonlyMap<string, Record<"zh-CN" | "en", string>> = new Map(
  Vocabulary.tags.map((tag) => [tag.code, tag.label])
)

/** What an import wrote, by kind, tags apart: `居民 118，户 40；标签：空巢老人 6` or `118 residents, 40 households; tags: …`. */
const countsLine = (shell: Shell, counts: Readonly<Record<string, number>> | undefined): string | undefined => {
  if (counts === undefined) return undefined
  const { locale, t } = shell
  const zh = locale === "zh-CN"
  const entries = Object.entries(counts)
  const kinds = entries
    .filter(([kind]) => !tagLabels.has(kind))
    .map(([kind, n]) => (zh ? `${t.counts[kind] ?? kind} ${n}` : `${kind}: ${n}`))
  const tags = entries
    .filter(([kind]) => tagLabels.has(kind))
    .map(([kind, n]) => `${tagLabels.get(kind)![locale]} ${n}`)
  if (kinds.length === 0 && tags.length === 0) return undefined
  const comma = zh ? "，" : ", "
  return [kinds.join(comma), ...(tags.length === 0 ? [] : [`${t.tagsWritten}${tags.join(comma)}`])]
    .filter((part) => part !== "")
    .join(zh ? "；" : "; ")
}

/** Prints the first problems, or writes them all to the report file. */
const tell = async (
  shell: Shell,
  kind: Kind,
  problems: ReadonlyArray<ReportedProblem>,
  reportFile: string | undefined
) => {
  const { t, warn, locale } = shell
  if (reportFile !== undefined) {
    await writeReport(reportFile, problems)
    if (problems.length > 0) warn(t.reportWritten(reportFile, problems.length))
    return
  }
  // In zh-CN a column is named by its zh-CN header (身份证号), as the user's spreadsheet most likely has it.
  const header = (column: string | undefined) =>
    column === undefined || locale !== "zh-CN"
      ? column
      : (columnsOf[kind].find((spec) => spec.name === column)?.aliases.find((a) => /[^\x20-\x7e]/.test(a)) ?? column)
  for (const p of problems.slice(0, SHOWN)) warn(t.problemLine(p.row, header(p.column), p[locale], p.code))
  if (problems.length > SHOWN) warn(t.moreProblems(problems.length - SHOWN))
}

const runImport = async (shell: Shell, kind: Kind, file: string, options: ImportCommon, create = false) => {
  const { t, say, warn } = shell
  const size = await stat(file).then(
    (s) => (s.isFile() ? s.size : undefined),
    () => undefined
  )
  if (size === undefined) throw new UsageError(t.fileMissing(file))

  await withKernel(shell, { ...options, mustExist: true }, async (kernel) => {
    const district = await districtOf(shell, kernel, options.district)
    const bar = progressBar(shell, size)
    const rows = Csv.readCsv(createReadStream(file), {
      columns: columnsOf[kind],
      encoding: options.encoding,
      ...(bar === undefined ? {} : { onProgress: (read: number) => bar.update(read) })
    })
    const importOptions = { goodRowsOnly: options.onlyValid === true, dryRun: options.dryRun === true }
    const run = <R, E>(request: ImportRequest<R, E>) => kernel.import(request, cliActor, importOptions)
    let result: ImportResult
    try {
      result = await (kind === "places"
        ? run(Registry.imports.places({ district, create }, rows))
        : run(Registry.imports.residents({ district }, rows)))
    } catch (error) {
      const problems = problemsOf(error)
      if (problems === undefined) throw error
      bar?.stop()
      await tell(shell, kind, problems, options.report)
      warn(
        fileProblems(error) === undefined
          ? `${t.refused(countRows(problems))}${shell.locale === "zh-CN" ? "，" : "; "}${t.nothingWritten}`
          : t.fileRefused
      )
      shell.exitWith(Exit.refused)
      return
    } finally {
      bar?.stop()
    }
    const problems: ReadonlyArray<ReportedProblem> = result.problems
    const counts = countsLine(shell, result.counts)
    if (result.rejected > 0) {
      await tell(shell, kind, problems, options.report)
      warn(t.refused(result.rejected))
      say(options.dryRun ? t.wouldWriteGoodRows(result.written) : t.goodRowsWritten(result.written))
      shell.exitWith(Exit.refused)
    } else {
      if (options.report !== undefined) await writeReport(options.report, [])
      say(options.dryRun ? t.wouldImport(result.written) : t.imported(result.written))
    }
    if (counts !== undefined) say(counts)
  })
}

/** The bad rows among problems: a row with three problems is one row refused. */
const countRows = (problems: ReadonlyArray<ReportedProblem>): number =>
  new Set(problems.map((p, i) => p.row ?? `#${i}`)).size

const parseEncoding = (shell: Shell) => (value: string) => {
  if (value.trim().toLowerCase() === "auto") return "auto"
  const encoding = Csv.parseEncoding(value)
  if (encoding === undefined) throw new InvalidArgumentError(shell.t.badEncoding)
  return encoding
}

export const importCommand = (program: Command, shell: Shell): void => {
  const { t } = shell
  const group = program.command("import").description(t.importGroup)
  const common = (command: Command) =>
    shell
      .withCommon(command)
      .option("--district <code>", t.district)
      .addOption(new Option("--encoding <name>", t.encoding).argParser(parseEncoding(shell)).default("auto"))
      .option("--report <file>", t.report)
      .option("--dry-run", t.importDryRun)

  common(group.command("places").description(t.importPlaces).argument("<file>", t.file))
    .option("--create", t.create)
    .option("--only-valid", t.onlyValid)
    .action(async (file: string, options: ImportCommon & { readonly create?: boolean }) => {
      await runImport(shell, "places", file, options, options.create === true)
    })

  common(group.command("residents").description(t.importResidents).argument("<file>", t.file))
    .requiredOption("--key-file <path>", t.keyFile)
    .option("--only-valid", t.onlyValid)
    .action(async (file: string, options: ImportCommon & { readonly keyFile: string }) => {
      await runImport(shell, "residents", file, options)
    })
}
