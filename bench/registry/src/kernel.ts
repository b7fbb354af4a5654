/**
 * The kernel path: a fresh database, `makeKernel` with a key, the district
 * registered and its buildings imported from the places file (creating the
 * streets, communities, grids and compounds), all untimed; then the timed
 * residents import, `kernel.import(Registry.imports.residents(...))` of
 * `Csv.readCsv` over the file, which checks every row, seals the numbers,
 * stages the rows, runs the rules across rows in SQL and settles dwellings,
 * households, residents, residences and tags in one transaction.
 */
import { Actor, Core, Csv, type Kernel, makeKernel, placeColumns, Registry, residentColumns } from "@shequ/core"
import type { KernelDb } from "./engine.js"

export const SYSTEM = Actor.system("bench")

export interface Opened {
  readonly kernel: Kernel
  /** The places import's result: buildings written. */
  readonly buildings: number
}

/** Opens a kernel on a fresh database and loads the district's places (untimed). */
export const openKernel = async (
  db: KernelDb,
  options: { readonly key: Uint8Array; readonly district: string; readonly places: string }
): Promise<Opened> => {
  const kernel = await makeKernel({ storage: db.storage, secrets: { key: options.key } })
  try {
    await kernel.exec(Core.commands.registerDistrict({ code: options.district, name: "岭东区" }), SYSTEM)
    const places = await kernel.import(
      Registry.imports.places(
        // The buildings joined their grids before the base-data year, so a re-districting plan may take effect today.
        { district: options.district, create: true, since: "2020-01-01" },
        Csv.readCsv(options.places, { columns: placeColumns })
      ),
      SYSTEM
    )
    if (places.rejected > 0) throw new Error(`the places import refused ${places.rejected} rows`)
    return { kernel, buildings: places.written }
  } catch (error) {
    await kernel.close()
    throw error
  }
}

export interface Imported {
  readonly written: number
  readonly ms: number
  /**
   * When the last chunk of the file had been read, from the start: every row
   * but those of the last 1 MiB had been parsed, checked, sealed and staged.
   * What follows is the rules across rows, the settling SQL and the commit.
   */
  readonly readMs: number
  readonly counts: Readonly<Record<string, number>>
}

/** The first `limit` items of a source: a warm-up imports the start of the file. */
export async function* take<A>(source: AsyncIterable<A>, limit: number): AsyncGenerator<A> {
  if (limit <= 0) return
  let n = 0
  for await (const item of source) {
    yield item
    if (++n >= limit) return
  }
}

/** The timed part: the residents file (or its first `limit` rows) through `kernel.import`. */
export const importResidents = async (
  kernel: Kernel,
  options: {
    readonly district: string
    readonly residents: string
    readonly bytes: number
    readonly limit?: number
    /** Called once, when the last chunk of the file has been read. */
    readonly onRead?: () => void
  }
): Promise<Imported> => {
  const profiling = process.execArgv.some((arg) => arg.startsWith("--cpu-prof"))
  const mark = () => (process.hrtime.bigint() / 1000n).toString()
  const from = profiling ? mark() : ""
  const start = performance.now()
  let readMs = Number.NaN
  const rows = Csv.readCsv(options.residents, {
    columns: residentColumns,
    // Called once per 1 MiB chunk: no cost per row.
    onProgress: (read) => {
      if (read >= options.bytes) {
        readMs = performance.now() - start
        options.onRead?.()
      }
    }
  })
  const result = await kernel.import(
    Registry.imports.residents(
      { district: options.district },
      options.limit === undefined ? rows : take(rows, options.limit)
    ),
    SYSTEM
  )
  const ms = performance.now() - start
  // For tools/profile-phases.mjs: the timed window on the profile's clock (monotonic, µs).
  if (profiling) console.log(`profile window (µs): ${from} ${mark()}`)
  if (result.rejected > 0) {
    const first = result.problems.slice(0, 3).map((p) => `line ${p.row} ${p.column}: ${p.code} ${p.en}`)
    throw new Error(`the kernel refused ${result.rejected} rows, e.g.\n${first.join("\n")}`)
  }
  return { written: result.written, ms, readMs, counts: result.counts ?? {} }
}
