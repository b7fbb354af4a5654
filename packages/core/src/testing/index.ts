/**
 * The conformance suite every storage adapter runs: an adapter is done when it
 * passes all of it. Call {@link conformance} from a vitest test file with a way
 * to make a fresh, empty database.
 *
 * @since 0.1.0
 */
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { Effect, Exit } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import * as Actor from "../Actor.js"
import { Core } from "../Core.js"
import * as Distribution from "../Distribution.js"
import { EventCycle, Forbidden, HandlerFailed, InvalidInput, KernelConfigError } from "../Errors.js"
import { isUuidV7 } from "../Ids.js"
import { makeKernel, planMigrations, type Kernel } from "../Kernel.js"
import type { Storage, StorageSpec, StorageTx } from "../Storage.js"
import { audit, counter, echo, lawless } from "./counter.js"
import { registryTests } from "./registry.js"
import { districtingTests } from "./registry-districting.js"
import { registryStaffTests } from "./registry-staff.js"
import { partyTests } from "./party.js"
import { stampsTests } from "./stamps.js"
import { servicesTests } from "./services.js"
import { proposalsTests } from "./proposals.js"
import { DISTRICT, GRID, run, setUp, type Task } from "./tasks.js"

/**
 * One empty database made for one test.
 *
 * @since 0.1.0
 */
export interface TestDatabase {
  /** A new handle on this database, as another process would open it. */
  readonly open: (options?: { readonly migrate?: "auto" | "verify" }) => Storage
  /** How a child process opens this database; absent where processes cannot share one (SQLite in memory). */
  readonly spec?: StorageSpec
  /** Objects the adapter left outside its own namespace (on PostgreSQL: tables in `public`). */
  readonly strays?: () => Promise<ReadonlyArray<string>>
  /**
   * Everything the database stores, as bytes: the database file and its
   * write-ahead log (SQLite), every row of every table of the schema as
   * `pg_dump` writes it (PostgreSQL). The suite greps it for numbers that must
   * never be stored in clear.
   */
  readonly dump?: () => Promise<Uint8Array>
  /** Removes the database. */
  readonly drop: () => Promise<void>
}

/**
 * How the suite reaches an adapter.
 *
 * @since 0.1.0
 */
export interface ConformanceOptions {
  readonly name: string
  /** Makes a new, empty database. */
  readonly database: () => Promise<TestDatabase>
  /**
   * Whether several processes can open one database (false for SQLite in memory):
   * concurrent writers then run in this process, and the kill tests, which need a
   * database that outlives its writer, are not part of the run.
   */
  readonly processes: boolean
  /** How many times each crash stage is tried (default 5). */
  readonly crashTrials?: number
  /**
   * The parts of the suite to run (default all): a runner may spread them over
   * several test files, which run in parallel.
   */
  readonly parts?: ReadonlyArray<ConformancePart>
}

/**
 * A part of the conformance suite: the kernel's own guarantees (migrations,
 * transactions, events, bulk writes, distribution rules, faults), the
 * registry, or the other core modules (party, stamps, services, proposals).
 *
 * @since 0.3.0
 */
export type ConformancePart = "kernel" | "registry" | "modules"

/**
 * Every row of every table, read through the storage itself: the dump of a
 * database that has no file or schema of its own to read (SQLite in memory).
 */
const dumpRows = async (storage: Storage): Promise<Uint8Array> => {
  const tx = await storage.begin("read")
  try {
    const parts: Array<string> = []
    for (const table of await storage.catalog(tx)) {
      const rows = await tx.db.selectFrom(table.name).selectAll().execute()
      parts.push(`-- ${table.name}`, ...rows.map((row) => JSON.stringify(row)))
    }
    return Buffer.from(parts.join("\n"), "utf8")
  } finally {
    await tx.rollback()
  }
}

const system = Actor.system("conformance")
/** The migrations of core's modules, in the order they run. */
const CORE_MIGRATIONS = [
  "core/0001_kernel",
  "core/0002_key",
  "registry/0001_places",
  "registry/0002_people",
  "registry/0003_tags",
  "registry/0004_staff",
  "registry/0005_import_staging",
  "party/0001_organisations",
  "party/0002_members",
  "party/0003_cells",
  "party/0004_stars",
  "party/0005_meetings",
  "party/0006_history",
  "stamps/0001_whitelist",
  "services/0001_service_desk",
  "proposals/0001_proposals"
]
const OTHER_GRID = "230503/230503001/230503001001/230503001001-02/"

const gridWorker = (grid: string): Actor.Actor => ({
  id: "worker-1",
  kind: "user",
  roles: [{ role: "grid_worker", district: DISTRICT, level: "grid", scopePath: grid }]
})

interface Message {
  readonly stage: string
  readonly [key: string]: unknown
}

const workerPath = new URL("./worker.js", import.meta.url)

/** Starts a writer process; `onMessage` sees each stage it reports. */
const startWorker = (
  spec: StorageSpec,
  task: Task,
  onMessage: (message: Message, kill: () => void) => void = () => {}
) => {
  const child = spawn(process.execPath, [workerPath.pathname, JSON.stringify({ spec, task })], {
    stdio: ["ignore", "pipe", "pipe"]
  })
  const messages: Array<Message> = []
  let stderr = ""
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
  const kill = () => child.kill("SIGKILL")
  createInterface({ input: child.stdout }).on("line", (line) => {
    const message = JSON.parse(line) as Message
    messages.push(message)
    onMessage(message, kill)
  })
  const exited = new Promise<{
    code: number | null
    signal: NodeJS.Signals | null
    messages: Array<Message>
    stderr: string
  }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, messages, stderr })))
  return exited
}

/** Runs tasks at once: in child processes where the database allows, in this process otherwise. */
const runAtOnce = async (
  db: TestDatabase,
  kernel: Kernel | undefined,
  tasks: ReadonlyArray<Task>
): Promise<ReadonlyArray<unknown>> => {
  if (db.spec) {
    const spec = db.spec
    const results = await Promise.all(tasks.map((task) => startWorker(spec, task)))
    for (const result of results) {
      expect(result.code, `a writer failed: ${JSON.stringify(result.messages)} ${result.stderr}`).toBe(0)
    }
    return results.map((r) => r.messages.find((m) => m.stage === "done")?.["result"])
  }
  return Promise.all(tasks.map((task) => run(kernel!, task, () => {})))
}

/** Runs `f` in a read transaction on a new handle of the database, then closes the handle. */
const reading = async <A>(db: TestDatabase, f: (tx: StorageTx, storage: Storage) => Promise<A>): Promise<A> => {
  const storage = db.open()
  try {
    const tx = await storage.begin("read")
    try {
      return await f(tx, storage)
    } finally {
      await tx.rollback()
    }
  } finally {
    await storage.close()
  }
}

const rowCount = (db: TestDatabase, table: string) =>
  reading(db, async (tx) => {
    const row = await tx.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow()
    return Number(row["n"])
  })

const tableNames = (db: TestDatabase) =>
  reading(db, async (tx, storage) => (await storage.catalog(tx)).map((t) => t.name))

const failure = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error("expected a rejection")
    },
    (error: unknown) => error
  )

/** Starts a kernel that must be refused; the storage is closed either way. */
const refusal = async (
  db: TestDatabase,
  plugins: Parameters<typeof makeKernel>[0]["plugins"],
  migrate?: "auto" | "verify"
): Promise<unknown> => {
  const storage = db.open(migrate ? { migrate } : undefined)
  try {
    return await failure(makeKernel({ storage, plugins }))
  } finally {
    await storage.close()
  }
}

/**
 * Registers the conformance suite for one adapter.
 *
 * @example
 * ```ts
 * import { conformance } from "@shequ/core/testing"
 * conformance({ name: "sqlite (file)", database: async () => fileDatabase() })
 * ```
 * @since 0.1.0
 */
export const conformance = (options: ConformanceOptions): void => {
  const runs = (part: ConformancePart) => options.parts === undefined || options.parts.includes(part)
  describe(`conformance: ${options.name}`, () => {
    const opened: Array<{ kernel?: Kernel; db: TestDatabase }> = []
    const fresh = async () => {
      const db = await options.database()
      const entry: { kernel?: Kernel; db: TestDatabase } = { db }
      opened.push(entry)
      return entry
    }
    afterEach(async () => {
      for (const entry of opened.splice(0)) {
        if (entry.db.strays) expect(await entry.db.strays(), "objects outside the storage's namespace").toEqual([])
        await entry.kernel?.close()
        await entry.db.drop()
      }
    })
    const counterKernel = async () => {
      const entry = await fresh()
      const kernel = await setUp(entry.db.open())
      entry.kernel = kernel
      await kernel.exec(
        counter.commands.create({ district: DISTRICT, name: "shared", kind: "visits", scopePath: GRID }),
        system
      )
      return { kernel, db: entry.db }
    }

    if (runs("kernel"))
      describe("migrations", () => {
        it("a new database gets each migration once, with the SHA-256 of its SQL, and a second start applies nothing", async () => {
          const { db } = await fresh()
          const first = await makeKernel({ storage: db.open(), plugins: [counter] })
          expect(first.applied).toEqual([...CORE_MIGRATIONS, "counter/0001_counter"])
          await first.close()
          const second = await makeKernel({ storage: db.open(), plugins: [counter] })
          expect(second.applied).toEqual([])
          const ledger = await reading(db, (tx) =>
            tx.db.selectFrom("shequ_migration").selectAll().orderBy("owner").execute()
          )
          expect(ledger.map((r) => `${r.owner}/${r.name}`).sort()).toEqual(
            [...CORE_MIGRATIONS, "counter/0001_counter"].sort()
          )
          for (const row of ledger) expect(row.checksum).toMatch(/^[0-9a-f]{64}$/)
          await second.close()
        })

        it("the plan lists pending migrations and their SQL without applying them", async () => {
          const { db } = await fresh()
          const planned = async () => {
            const storage = db.open()
            try {
              return await planMigrations({ storage, plugins: [counter] })
            } finally {
              await storage.close()
            }
          }
          const before = await planned()
          expect(before.map((m) => m.id)).toEqual([...CORE_MIGRATIONS, "counter/0001_counter"])
          expect(before[0]!.statements.some((s) => /create table .*core_event/i.test(s.sql))).toBe(true)
          expect(await tableNames(db)).toEqual([])
          await (await makeKernel({ storage: db.open(), plugins: [counter] })).close()
          expect(await planned()).toEqual([])
        })

        it("a plugin added to an existing database migrates alone", async () => {
          const { db } = await fresh()
          await (await makeKernel({ storage: db.open(), plugins: [counter] })).close()
          const later = await makeKernel({ storage: db.open(), plugins: [audit, counter] })
          expect(later.applied).toEqual(["audit/0001_audit"])
          expect(later.plugins).toEqual([
            "core",
            "registry",
            "party",
            "stamps",
            "services",
            "proposals",
            "counter",
            "audit"
          ])
          await later.close()
        })

        it("an applied migration that changed is refused at start, and nothing else is applied", async () => {
          const { db } = await fresh()
          await (await makeKernel({ storage: db.open(), plugins: [counter] })).close()
          const original = counter.spec.migrations![0]!
          const changed = {
            ...counter,
            spec: {
              ...counter.spec,
              migrations: [
                { name: original.name, up: (ctx: Parameters<typeof original.up>[0]) => original.up(ctx).slice(0, 2) }
              ]
            }
          }
          const error = await refusal(db, [changed, audit])
          expect(error).toBeInstanceOf(KernelConfigError)
          expect((error as KernelConfigError).code).toBe("CORE.MIGRATION_CHANGED")
          expect((error as KernelConfigError).subjects).toEqual(["counter/0001_counter"])
          expect(await tableNames(db)).not.toContain("audit_note")
        })

        it("`verify` refuses to start with pending migrations and creates nothing", async () => {
          const { db } = await fresh()
          const error = await refusal(db, [counter], "verify")
          expect((error as KernelConfigError).code).toBe("CORE.MIGRATIONS_PENDING")
          expect((error as KernelConfigError).subjects).toEqual([...CORE_MIGRATIONS, "counter/0001_counter"])
          expect(await tableNames(db)).toEqual([])
          await (await makeKernel({ storage: db.open(), plugins: [counter] })).close()
          const verified = await makeKernel({ storage: db.open({ migrate: "verify" }), plugins: [counter] })
          expect(verified.applied).toEqual([])
          await verified.close()
        })

        it("two processes starting on one new database: one migrates, the other waits and sees the schema", async () => {
          const { db } = await fresh()
          const results = db.spec
            ? await runAtOnce(db, undefined, [{ kind: "migrate" }, { kind: "migrate" }])
            : await Promise.all(
                [0, 1].map(async () => {
                  const kernel = await makeKernel({ storage: db.open(), plugins: [counter] })
                  await kernel.close()
                  return kernel.applied
                })
              )
          expect((results as ReadonlyArray<ReadonlyArray<string>>).filter((a) => a.length > 0)).toEqual([
            [...CORE_MIGRATIONS, "counter/0001_counter"]
          ])
          expect(await tableNames(db)).toContain("counter_counter")
        })

        it("a plugin whose table has no district_code is refused at start, naming the table, and nothing is applied", async () => {
          const { db } = await fresh()
          const error = await refusal(db, [counter, lawless])
          expect(error).toBeInstanceOf(KernelConfigError)
          expect((error as KernelConfigError).code).toBe("CORE.DISTRIBUTION_RULE")
          expect((error as KernelConfigError).subjects).toEqual(["lawless_thing"])
          expect((error as KernelConfigError).message).toContain("district_code")
          expect(await tableNames(db)).toEqual([])
        })

        it("missing and circular requirements and duplicate names are refused at start, naming the plugins", async () => {
          const { db } = await fresh()
          const missing = await refusal(db, [audit])
          expect((missing as KernelConfigError).code).toBe("CORE.PLUGIN_REQUIREMENT_MISSING")
          expect((missing as KernelConfigError).message).toContain("audit")
          expect((missing as KernelConfigError).message).toContain("counter")
          const a = {
            ...audit,
            name: "alpha",
            spec: { ...audit.spec, name: "alpha", requires: ["beta"], migrations: [] }
          }
          const b = {
            ...audit,
            name: "beta",
            spec: { ...audit.spec, name: "beta", requires: ["alpha"], migrations: [] }
          }
          const cycle = await refusal(db, [a, b])
          expect((cycle as KernelConfigError).code).toBe("CORE.PLUGIN_CYCLE")
          expect((cycle as KernelConfigError).subjects).toEqual(["alpha", "beta"])
          const twice = await refusal(db, [counter, counter])
          expect((twice as KernelConfigError).code).toBe("CORE.DUPLICATE_NAME")
          const clash = {
            ...counter,
            spec: { ...counter.spec, queries: { ...counter.spec.queries, increment: counter.spec.queries!.get } }
          }
          const duplicate = await refusal(db, [clash])
          expect((duplicate as KernelConfigError).code).toBe("CORE.DUPLICATE_NAME")
          expect((duplicate as KernelConfigError).subjects).toEqual(["counter.increment"])
        })
      })

    const registryDatabase = async () => {
      const entry = await fresh()
      return {
        open: () => entry.db.open(),
        track: (kernel: Kernel) => {
          entry.kernel = kernel
        },
        dump: entry.db.dump ?? (() => dumpRows(entry.db.open()))
      }
    }
    if (runs("registry"))
      describe("registry", () => {
        registryTests(registryDatabase)
        districtingTests(registryDatabase)
        registryStaffTests(registryDatabase)
      })
    if (runs("modules")) describe("party", () => partyTests(registryDatabase))
    if (runs("modules")) describe("stamps", () => stampsTests(registryDatabase))
    if (runs("modules")) describe("services", () => servicesTests(registryDatabase))
    if (runs("modules")) describe("proposals", () => proposalsTests(registryDatabase))

    if (runs("kernel"))
      describe("commands and transactions", () => {
        it("a command's writes, its handler's writes and its events commit together", async () => {
          const { kernel } = await counterKernel()
          const result = await kernel.exec(
            counter.commands.increment({ district: DISTRICT, name: "shared", by: 3 }),
            system
          )
          expect(result).toEqual({ value: 3 })
          const view = await kernel.exec(counter.queries.get({ district: DISTRICT, name: "shared" }), system)
          expect(view).toMatchObject({ value: 3, tallies: 1 })
          const events = await kernel.events.since({ district: DISTRICT, after: 0 })
          expect(events.map((e) => e.type)).toEqual([
            "core.district-registered",
            "counter.created",
            "counter.incremented"
          ])
          expect(events.map((e) => e.position)).toEqual([1, 2, 3])
          expect(events[2]).toMatchObject({
            actor: "system:conformance",
            cause: "counter.increment",
            payload: { by: 3 }
          })
          for (const event of events) expect(isUuidV7(event.id)).toBe(true)
        })

        it("a command that fails after writing leaves nothing behind", async () => {
          const { kernel } = await counterKernel()
          const error = await failure(
            kernel.exec(counter.commands.incrementThenFail({ district: DISTRICT, name: "shared" }), system)
          )
          expect((error as { code: string }).code).toBe("CORE.NOT_FOUND")
          expect(await kernel.exec(counter.queries.get({ district: DISTRICT, name: "shared" }), system)).toMatchObject({
            value: 0,
            tallies: 0
          })
          expect((await kernel.events.since({ district: DISTRICT, after: 0 })).map((e) => e.type)).not.toContain(
            "counter.incremented"
          )
        })

        it("a handler's failure rolls back the command and names the plugin and the handler", async () => {
          const { kernel } = await counterKernel()
          const error = await failure(
            kernel.exec(counter.commands.increment({ district: DISTRICT, name: "shared", poison: true }), system)
          )
          expect(error).toBeInstanceOf(HandlerFailed)
          expect(error).toMatchObject({
            plugin: "counter",
            handler: "counter.on(counter.incremented)",
            event: "counter.incremented"
          })
          expect(await kernel.exec(counter.queries.get({ district: DISTRICT, name: "shared" }), system)).toMatchObject({
            value: 0
          })
        })

        it("events a handler appends are dispatched too, and a cycle of handlers is refused and rolled back", async () => {
          const entry = await fresh()
          const kernel = await makeKernel({ storage: entry.db.open(), plugins: [counter, audit] })
          entry.kernel = kernel
          await kernel.exec(Core.commands.registerDistrict({ code: DISTRICT, name: "岭东区" }), system)
          await kernel.exec(
            counter.commands.create({ district: DISTRICT, name: "a", kind: "visits", scopePath: GRID }),
            system
          )
          const types = (await kernel.events.since({ district: DISTRICT, after: 0 })).map((e) => e.type)
          expect(types).toEqual(["core.district-registered", "counter.created", "audit.noted"])
          await kernel.close()

          entry.kernel = await makeKernel({ storage: entry.db.open(), plugins: [counter, audit, echo] })
          const error = await failure(
            entry.kernel.exec(
              counter.commands.create({ district: DISTRICT, name: "b", kind: "visits", scopePath: GRID }),
              system
            )
          )
          expect(error).toBeInstanceOf(EventCycle)
          expect((error as EventCycle).chain).toEqual([
            "audit.on(counter.created)",
            "echo.on(audit.noted)",
            "audit.on(counter.created)"
          ])
          const after = await entry.kernel.events.since({ district: DISTRICT, after: 0 })
          expect(after.map((e) => e.type)).toEqual(types)
        })

        it("bad input is refused whole, listing every problem in both languages, and nothing is written", async () => {
          const { kernel, db } = await counterKernel()
          const error = await failure(
            kernel.exec(
              counter.commands.create({ district: "2305", name: "", kind: "hugs" as "visits", scopePath: GRID }),
              system
            )
          )
          expect(error).toBeInstanceOf(InvalidInput)
          const problems = (error as InvalidInput).problems
          expect(problems.map((p) => p.path).sort()).toEqual(["district", "kind", "name"])
          expect(problems.find((p) => p.path === "district")).toMatchObject({ code: "CORE.DISTRICT_CODE" })
          for (const p of problems) {
            expect(p["zh-CN"].length).toBeGreaterThan(0)
            expect(p.en.length).toBeGreaterThan(0)
          }
          expect(await rowCount(db, "counter_counter")).toBe(1)
        })

        it("a grid worker cannot act on a counter of another grid", async () => {
          const { kernel } = await counterKernel()
          await kernel.exec(
            counter.commands.create({ district: DISTRICT, name: "next door", kind: "visits", scopePath: OTHER_GRID }),
            system
          )
          const mine = await kernel.exec(
            counter.commands.increment({ district: DISTRICT, name: "shared" }),
            gridWorker(GRID)
          )
          expect(mine).toEqual({ value: 1 })
          const error = await failure(
            kernel.exec(counter.commands.increment({ district: DISTRICT, name: "next door" }), gridWorker(GRID))
          )
          expect(error).toBeInstanceOf(Forbidden)
          expect(error).toMatchObject({ code: "CORE.FORBIDDEN", action: "counter.increment", scopePath: OTHER_GRID })
          const notAllowed = await failure(
            kernel.exec(
              counter.commands.create({ district: DISTRICT, name: "mine", kind: "visits", scopePath: GRID }),
              gridWorker(GRID)
            )
          )
          expect(notAllowed).toBeInstanceOf(Forbidden)
        })

        it("actorFor builds an actor from the roles granted to a user", async () => {
          const { kernel } = await counterKernel()
          const { id } = await kernel.exec(
            Core.commands.grantRole({
              district: DISTRICT,
              userId: "li.hua",
              role: "grid_worker",
              level: "grid",
              scopePath: GRID
            }),
            system
          )
          const actor = await kernel.actorFor("li.hua")
          expect(actor.roles).toEqual([{ role: "grid_worker", district: DISTRICT, level: "grid", scopePath: GRID }])
          expect(await kernel.exec(counter.commands.increment({ district: DISTRICT, name: "shared" }), actor)).toEqual({
            value: 1
          })
          await kernel.exec(Core.commands.revokeRole({ district: DISTRICT, grantId: id }), system)
          expect((await kernel.actorFor("li.hua")).roles).toEqual([])
        })

        it("the Effect face fails with the typed error; the Promise face rejects with the same value", async () => {
          const { kernel } = await counterKernel()
          const request = counter.commands.increment({ district: DISTRICT, name: "nowhere" })
          const exit = await Effect.runPromiseExit(kernel.run(request, system))
          expect(Exit.isFailure(exit)).toBe(true)
          const error = await failure(kernel.exec(request, system))
          expect(error).toMatchObject({ _tag: "NotFound", code: "CORE.NOT_FOUND", id: "nowhere" })
          expect(Object.getPrototypeOf(error).constructor.name).toBe("NotFound")
        })
      })

    if (runs("kernel"))
      describe("events and concurrency", () => {
        it("four concurrent writers and a polling reader: every event is seen exactly once, in position order", async () => {
          const { kernel, db } = await counterKernel()
          const before = (await kernel.events.since({ district: DISTRICT, after: 0 })).length
          const perWriter = 25
          const writers = runAtOnce(
            db,
            kernel,
            [0, 1, 2, 3].map((w) => ({ kind: "create-events" as const, count: perWriter, prefix: `w${w}` }))
          )
          const seen: Array<{ id: string; type: string; position: number }> = []
          let after = before
          let done = false
          void writers.then(() => (done = true))
          for (;;) {
            const finished = done
            const page = await kernel.events.since({ district: DISTRICT, after, limit: 17 })
            for (const event of page) seen.push({ id: event.id, type: event.type, position: event.position })
            if (page.length > 0) after = page[page.length - 1]!.position
            else if (finished) break
            else await new Promise((resolve) => setTimeout(resolve, 5))
          }
          await writers
          expect(seen.filter((e) => e.type === "counter.created")).toHaveLength(4 * perWriter)
          expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length)
          expect(seen.map((e) => e.position)).toEqual(Array.from({ length: seen.length }, (_, i) => before + i + 1))
        })

        it("four writers each adding 1 to one counter 100 times end at 400", async () => {
          const { kernel, db } = await counterKernel()
          await runAtOnce(
            db,
            kernel,
            [0, 1, 2, 3].map(() => ({ kind: "increment" as const, times: 100 }))
          )
          expect(await kernel.exec(counter.queries.get({ district: DISTRICT, name: "shared" }), system)).toMatchObject({
            value: 400,
            tallies: 400
          })
        })

        it("a job runs once for a given time, even when two ticks run at once", async () => {
          const { kernel, db } = await counterKernel()
          const at = new Date("2020-10-09T00:00:00Z")
          const [first, second] = await Promise.all([kernel.tick(at), kernel.tick(at)])
          // Core's own jobs (the service desk's sweep) run beside the plugin's: each once.
          const everyJob = [
            { district: DISTRICT, job: "counter.sweep" },
            { district: DISTRICT, job: "services.escalateOverdue" }
          ]
          const byJob = (a: { job: string }, b: { job: string }) => a.job.localeCompare(b.job)
          expect([...first!.ran, ...second!.ran].sort(byJob)).toEqual(everyJob)
          const third = await kernel.tick(at)
          expect(third.ran).toEqual([])
          expect([...third.skipped].sort(byJob)).toEqual(everyJob)
          await kernel.tick(new Date("2020-10-10T00:00:00Z"))
          expect(await rowCount(db, "counter_sweep")).toBe(2)
        })
      })

    if (runs("kernel"))
      describe("bulk writes", () => {
        const rows = (n: number, bad: ReadonlyArray<number> = []) =>
          Array.from({ length: n }, (_, i) => ({
            counter: "shared",
            value: bad.includes(i) ? "many" : i,
            note: i % 3 === 0 ? null : `第 ${i} 条\t"quoted"\n\\`,
            takenAt: new Date(Date.UTC(2020, 5, 1, 0, 0, i)).toISOString()
          }))

        it("rows stream through the fast path and one batch event names them", async () => {
          const { kernel, db } = await counterKernel()
          const result = await kernel.import(counter.imports.readings({ district: DISTRICT }, rows(5000)), system)
          expect(result).toEqual({ written: 5000, rejected: 0, problems: [] })
          expect(await rowCount(db, "counter_reading")).toBe(5000)
          const batch = (await kernel.events.since({ district: DISTRICT, after: 0 })).filter(
            (e) => e.type === "counter.readings-imported"
          )
          expect(batch).toHaveLength(1)
          expect(batch[0]!.payload).toMatchObject({ rows: 5000, rejected: 0 })
          const sample = await reading(db, (tx) =>
            tx.db.selectFrom("counter_reading").selectAll().where("value", "=", 1).executeTakeFirstOrThrow()
          )
          expect(sample["note"]).toBe(`第 1 条\t"quoted"\n\\`)
          expect(new Date(sample["taken_at"] as string).toISOString()).toBe("2020-06-01T00:00:01.000Z")
        })

        it("one bad row refuses the whole import, listing every bad row; good rows only when asked", async () => {
          const { kernel, db } = await counterKernel()
          const error = await failure(
            kernel.import(counter.imports.readings({ district: DISTRICT }, rows(3000, [7, 2999])), system)
          )
          expect(error).toBeInstanceOf(InvalidInput)
          expect((error as InvalidInput).problems.map((p) => p.path)).toEqual(["rows[7].value", "rows[2999].value"])
          expect(await rowCount(db, "counter_reading")).toBe(0)
          const partial = await kernel.import(
            counter.imports.readings({ district: DISTRICT }, rows(3000, [7, 2999])),
            system,
            {
              goodRowsOnly: true
            }
          )
          expect(partial).toMatchObject({ written: 2998, rejected: 2 })
          expect(await rowCount(db, "counter_reading")).toBe(2998)
        })

        it("a bulk write can skip or update rows whose key is taken", async () => {
          const { db } = await counterKernel()
          const storage = db.open()
          const write = async (kind: "ignore" | "update", values: ReadonlyArray<number>) => {
            const tx = await storage.begin("write")
            const written = await tx.bulkInsert({
              table: "counter_kind",
              columns: ["code", "label"],
              rows: values.map((v) => [`k${v}`, `label ${v} (${kind})`]),
              onConflict: kind === "ignore" ? { kind, key: ["code"] } : { kind, key: ["code"], set: ["label"] }
            })
            await tx.commit()
            return written
          }
          expect(await write("ignore", [1, 2, 3])).toBe(3)
          expect(await write("ignore", [2, 3, 4])).toBe(1)
          expect(await write("update", [3, 5])).toBe(2)
          await storage.close()
          const labels = await reading(db, (tx) =>
            tx.db
              .selectFrom("counter_kind")
              .select(["code", "label"])
              .where("code", "like", "k%")
              .orderBy("code")
              .execute()
          )
          expect(labels.map((r) => `${r.code}:${r.label}`)).toEqual([
            "k1:label 1 (ignore)",
            "k2:label 2 (ignore)",
            "k3:label 3 (update)",
            "k4:label 4 (ignore)",
            "k5:label 5 (update)"
          ])
        })
      })

    if (runs("kernel"))
      describe("distribution rules, read from the engine's catalogue", () => {
        it("every table keys on district_code first, joins district tables through it, and draws no ids from sequences", async () => {
          const entry = await fresh()
          const kernel = await makeKernel({ storage: entry.db.open(), plugins: [counter, audit] })
          entry.kernel = kernel
          await kernel.exec(Core.commands.registerDistrict({ code: DISTRICT, name: "岭东区" }), system)
          await kernel.exec(
            counter.commands.create({ district: DISTRICT, name: "shared", kind: "visits", scopePath: GRID }),
            system
          )
          await kernel.exec(counter.commands.increment({ district: DISTRICT, name: "shared" }), system)
          const storage = entry.db.open()
          const tx = await storage.begin("read")
          try {
            const tables = await storage.catalog(tx)
            const roles = Distribution.roles(
              tables,
              new Set(["counter_kind", "core_key", "proposals_state", "proposals_transition"]),
              new Set(["shequ_migration"])
            )
            expect(Distribution.check(roles)).toEqual([])
            const district = roles.filter((r) => r.kind === "district").map((r) => r.table)
            expect(district.map((t) => t.name).sort()).toEqual([
              "audit_note",
              "core_event",
              "core_event_position",
              "core_job_run",
              "core_role_grant",
              "counter_counter",
              "counter_reading",
              "counter_sweep",
              "counter_tally",
              "party_cell",
              "party_central_household",
              "party_check_in",
              "party_committee",
              "party_committee_community",
              "party_committee_community_history",
              "party_committee_unit",
              "party_meeting",
              "party_meeting_attendance",
              "party_member",
              "party_member_attachment",
              "party_neighbour",
              "party_organisation",
              "party_service",
              "party_setting",
              "party_star_item",
              "party_star_scheme",
              "party_star_score",
              "proposals_author",
              "proposals_change",
              "proposals_proposal",
              "proposals_support",
              "registry_building",
              "registry_building_grid",
              "registry_community",
              "registry_compound",
              "registry_district",
              "registry_dwelling",
              "registry_grid",
              "registry_grid_staff",
              "registry_household",
              "registry_household_tag",
              "registry_import_place",
              "registry_person",
              "registry_residence",
              "registry_resident_tag",
              "registry_restricted_tag",
              "registry_staff_duty",
              "registry_street",
              "registry_temporary_access",
              "services_accountability",
              "services_escalation",
              "services_menu_item",
              "services_note",
              "services_ownership",
              "services_request",
              "stamps_decision",
              "stamps_entry",
              "stamps_version"
            ])
            for (const table of district) {
              expect(table.primaryKey[0], table.name).toBe("district_code")
              for (const unique of table.uniqueKeys) expect(unique[0], table.name).toBe("district_code")
              if (table.columns.some((c) => c.name === "id")) {
                const ids = await tx.db.selectFrom(table.name).select("id").execute()
                for (const row of ids) expect(isUuidV7(String(row["id"])), `${table.name}.id`).toBe(true)
              }
            }
            const tally = tables.find((t) => t.name === "counter_tally")!
            expect(tally.foreignKeys).toEqual([
              {
                columns: ["district_code", "counter_id"],
                table: "counter_counter",
                references: ["district_code", "id"]
              }
            ])
            const counterTable = tables.find((t) => t.name === "counter_counter")!
            expect(counterTable.uniqueKeys).toEqual([["district_code", "name"]])
            expect(counterTable.foreignKeys).toEqual([
              { columns: ["kind"], table: "counter_kind", references: ["code"] }
            ])
          } finally {
            await tx.rollback()
            await storage.close()
          }
        })

        it("the rules catch what Citus would refuse", () => {
          const table = (name: string, patch: Partial<Parameters<typeof Distribution.check>[0][number]["table"]>) => ({
            name,
            columns: [
              { name: "district_code", type: "text", nullable: false, sequence: false },
              { name: "id", type: "uuid", nullable: false, sequence: false }
            ],
            primaryKey: ["district_code", "id"],
            uniqueKeys: [],
            foreignKeys: [],
            ...patch
          })
          const violations = Distribution.check([
            { kind: "district", table: table("a", { primaryKey: ["id"] }) },
            { kind: "district", table: table("b", { uniqueKeys: [["id", "district_code"]] }) },
            {
              kind: "district",
              table: table("c", { foreignKeys: [{ columns: ["a_id"], table: "a", references: ["id"] }] })
            },
            {
              kind: "district",
              table: table("d", { columns: [{ name: "id", type: "integer", nullable: false, sequence: true }] })
            },
            {
              kind: "reference",
              table: table("r", {
                foreignKeys: [{ columns: ["district_code", "id"], table: "a", references: ["district_code", "id"] }]
              })
            }
          ])
          expect(violations.map((v) => `${v.table}:${v.rule}`)).toEqual([
            "a:PRIMARY_KEY",
            "b:UNIQUE_KEY",
            "c:FOREIGN_KEY",
            "d:SEQUENCE",
            "d:DISTRICT_COLUMN",
            "r:FOREIGN_KEY"
          ])
        })
      })

    if (options.processes && runs("kernel")) {
      describe("faults", () => {
        const trials = options.crashTrials ?? 5
        it(`a writer killed before, during or after the commit leaves nothing or everything (${trials} kills per stage)`, async () => {
          const { db } = await fresh()
          const spec = db.spec!
          const rows = 4000
          await (await setUp(db.open())).close()
          const outcomes: Record<string, Array<number>> = { writing: [], written: [], committed: [] }
          for (const stage of Object.keys(outcomes)) {
            for (let trial = 0; trial < trials; trial++) {
              const before = await rowCount(db, "counter_reading")
              const result = await startWorker(spec, { kind: "import", rows }, (message, kill) => {
                if (message.stage === stage && (stage !== "writing" || Number(message["rows"]) >= rows / 2)) kill()
              })
              expect(result.signal, `the writer was killed at ${stage}: ${result.stderr}`).toBe("SIGKILL")
              const added = (await rowCount(db, "counter_reading")) - before
              expect([0, rows], `rows after a kill at ${stage}`).toContain(added)
              outcomes[stage]!.push(added)
            }
          }
          expect(outcomes["writing"]!.every((n) => n === 0)).toBe(true)
          expect(outcomes["committed"]!.every((n) => n === rows)).toBe(true)
          const total = Object.values(outcomes)
            .flat()
            .reduce((a, b) => a + b, 0)
          expect(total, "some kills must leave nothing and some everything").toBeGreaterThan(0)
          expect(total).toBeLessThan(rows * trials * 3)
          const check = await makeKernel({ storage: db.open(), plugins: [counter] })
          const batches = (await check.events.since({ district: DISTRICT, after: 0, limit: 10_000 })).filter(
            (e) => e.type === "counter.readings-imported"
          )
          await check.close()
          expect(batches.length * rows, "a batch event exists exactly when its rows do").toBe(total)
        })
      })
    }
  })
}
