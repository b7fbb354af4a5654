/**
 * Read latency at full size, after the kernel's import: a grid's roster and a
 * resident found by ID number, each through `kernel.exec` (input decoding,
 * policy, the actor's scope, the query, the result's mapping) and, for
 * comparison, the same SQL sent by the bare driver on the same database.
 *
 * A generated grid holds thousands of residents at 1,000,000, so the roster is
 * measured on a grid of about `rosterSize` residents made for the purpose the
 * way a district makes one: a re-districting plan, applied through the kernel,
 * creates a grid in the first community and moves into it whole buildings of
 * that community until it holds about that many residents.
 */
import { median, percentile } from "@shequ/bench-common"
import { Core, type Kernel, Registry, Secrets } from "@shequ/core"
import type { RawDb } from "./engine.js"
import { SYSTEM } from "./kernel.js"

export interface Latency {
  readonly medianMs: number
  readonly p99Ms: number
}

export interface QueryFigures {
  readonly grid: string
  readonly rosterRows: number
  readonly roster: Latency
  readonly lookup: Latency
  readonly bareRoster: Latency
  readonly bareLookup: Latency
  readonly runs: number
}

const GRID_WORKER = "bench-grid-worker"
const DISTRICT_OFFICE = "bench-district-office"

const latency = async (
  runs: number,
  warmup: number,
  once: (i: number) => unknown,
  check: (result: unknown, i: number) => void
): Promise<Latency> => {
  for (let i = 0; i < warmup; i++) check(await once(i), i)
  const ms: Array<number> = []
  for (let i = warmup; i < warmup + runs; i++) {
    const start = performance.now()
    const result = once(i)
    // The bare SQLite driver answers synchronously: awaiting it would time a microtask too.
    const value = result instanceof Promise ? await result : result
    ms.push(performance.now() - start)
    check(value, i)
  }
  return { medianMs: median(ms), p99Ms: percentile(ms, 99) }
}

/** Today in China, the day the places import dated the buildings' grids from. */
const todayInChina = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)

interface BuildingCount {
  readonly community: string
  readonly compound: string
  readonly building: string
  readonly residents: number
}

/** Whole buildings of one community summing to about `target` residents. */
const pickBuildings = (buildings: ReadonlyArray<BuildingCount>, target: number) => {
  const byCommunity = new Map<string, Array<BuildingCount>>()
  for (const b of buildings) byCommunity.set(b.community, [...(byCommunity.get(b.community) ?? []), b])
  for (const [community, list] of byCommunity) {
    const chosen: Array<BuildingCount> = []
    let sum = 0
    for (const b of list) {
      if (b.residents === 0 || sum + b.residents > target * 1.05) continue
      chosen.push(b)
      sum += b.residents
      if (sum >= target * 0.95) return { community, chosen, residents: sum }
    }
  }
  // A small district: its largest community whole.
  const [community, list] = [...byCommunity].sort((a, b) => b[1].length - a[1].length)[0]!
  return { community, chosen: list, residents: list.reduce((n, b) => n + b.residents, 0) }
}

export const measureQueries = async (
  kernel: Kernel,
  raw: RawDb,
  options: {
    readonly district: string
    readonly key: Uint8Array
    readonly idNumbers: ReadonlyArray<string>
    readonly runs: number
    readonly warmup: number
    readonly rosterSize: number
  }
): Promise<QueryFigures> => {
  const { district, runs, warmup } = options
  const counts = (await raw.prepare(
    `SELECT c.code AS community, cp.name AS compound, b.name AS building, count(p.id) AS residents
       FROM registry_building b
       JOIN registry_compound cp ON cp.district_code = b.district_code AND cp.id = b.compound_id
       JOIN registry_grid g ON g.district_code = b.district_code AND g.id = b.grid_id
       JOIN registry_community c ON c.district_code = g.district_code AND c.id = g.community_id
       LEFT JOIN registry_person p ON p.district_code = b.district_code AND p.building_id = b.id
      WHERE b.district_code = $1
      GROUP BY c.code, cp.name, b.name, g.code
      ORDER BY c.code, g.code, cp.name, b.name`
  )([district])) as ReadonlyArray<Record<string, unknown>>
  const picked = pickBuildings(
    counts.map((r) => ({
      community: String(r["community"]),
      compound: String(r["compound"]),
      building: String(r["building"]),
      residents: Number(r["residents"])
    })),
    options.rosterSize
  )
  const grid = `${picked.community}900`
  await kernel.exec(
    Registry.commands.applyPlan({
      district,
      effectiveOn: todayInChina(),
      createGrids: [{ community: picked.community, code: grid, name: "基准网格" }],
      moveBuildings: picked.chosen.map((b) => ({ compound: b.compound, building: b.building, toGrid: grid }))
    }),
    SYSTEM
  )
  const gridPath = (await raw.prepare("SELECT scope_path FROM registry_grid WHERE district_code = $1 AND code = $2")([
    district,
    grid
  ])) as ReadonlyArray<{ scope_path: string }>
  const grant = (userId: string, role: string, level: "district" | "grid", scopePath: string) =>
    kernel.exec(Core.commands.grantRole({ district, userId, role, level, scopePath }), SYSTEM)
  await grant(GRID_WORKER, "grid_worker", "grid", gridPath[0]!.scope_path)
  await grant(DISTRICT_OFFICE, "district_admin", "district", `${district}/`)
  const worker = await kernel.actorFor(GRID_WORKER)
  const office = await kernel.actorFor(DISTRICT_OFFICE)

  const rosterRows = (result: unknown) => {
    const n = (result as ReadonlyArray<unknown>).length
    if (n !== picked.residents) throw new Error(`the roster has ${n} rows, the grid ${picked.residents} residents`)
  }
  const roster = await latency(
    runs,
    warmup,
    () => kernel.exec(Registry.queries.roster({ district, grid }), worker),
    rosterRows
  )
  const bareRosterSql = raw.prepare(
    `SELECT p.id, p.name, p.sex, p.birth_date, p.relation, h.number, b.name AS building, d.unit, d.flat
       FROM registry_grid g
       JOIN registry_person p ON p.district_code = g.district_code AND p.scope_path = g.scope_path
       JOIN registry_household h ON h.district_code = p.district_code AND h.id = p.household_id
       JOIN registry_dwelling d ON d.district_code = h.district_code AND d.id = h.dwelling_id
       JOIN registry_building b ON b.district_code = d.district_code AND b.id = d.building_id
      WHERE g.district_code = $1 AND g.code = $2
      ORDER BY b.name, d.unit, d.flat, p.relation, p.id`
  )
  const bareRoster = await latency(runs, warmup, () => bareRosterSql([district, grid]), rosterRows)

  const numbers = options.idNumbers
  const number = (i: number) => numbers[i % numbers.length]!
  const found = (result: unknown, i: number) => {
    const hit = Array.isArray(result) ? result[0] : result
    if (hit === null || hit === undefined) throw new Error(`no resident has ID number #${i}`)
  }
  const lookup = await latency(
    runs,
    warmup,
    (i) => kernel.exec(Registry.queries.findByDocument({ district, number: number(i) }), office),
    found
  )
  // The bare look-up hashes the number with the kernel's own key service, as the kernel does per query.
  const keys = Secrets.make({ key: options.key })
  const bareLookupSql = raw.prepare(
    "SELECT id, name, scope_path FROM registry_person WHERE district_code = $1 AND document_hash = $2"
  )
  const bareLookup = await latency(
    runs,
    warmup,
    (i) => bareLookupSql([district, keys.hash("id_number", `resident_id_card:${number(i)}`)]),
    found
  )
  return { grid, rosterRows: picked.residents, roster, lookup, bareRoster, bareLookup, runs }
}
