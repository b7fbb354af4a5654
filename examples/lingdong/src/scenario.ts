/**
 * The Lingdong scenario: the district, its communities and grids, a grid worker
 * per grid, and a year of home visits recorded through the kernel, with the
 * refusals a real console meets (a worker outside their grid, a form filled in
 * wrong). Then 2020 replayed under the kernel's clock: the party organisation
 * with its cells, central households and members' check-ins, the meetings of
 * 三会一课 and the members' star rating, the stamp whitelist refusing the rest
 * of the old 90 items, and the service desk's year of requests, owned, closed,
 * overdue and escalated. Returns what happened, for the printer and for the
 * tests.
 */
import { Actor, Core, type DomainEvent, type Kernel, type PopulationRow, Registry } from "@shequ/core"
import { Effect, Random } from "effect"
import { type BaseDataResult, loadBaseData } from "./baseData.js"
import { type MeetingsResult, runMeetings } from "./meetings.js"
import { type PartyResult, runParty } from "./party.js"
import { runServices, type ServicesResult } from "./services.js"
import { appointStaff, type Places, staffIds } from "./staff.js"
import { runStamps, type StampsResult } from "./stamps.js"
import { runStars, type StarsResult } from "./stars.js"
import { visits } from "./visits.js"

/** Lingdong District, Shuangyashan (GB/T 2260). */
export const LINGDONG = "230503"

const VISITS_PER_GRID = 20
const COMPOUNDS = ["博爱", "惠民", "东湖"] as const
const PURPOSES = ["base-data", "elderly-check", "service-request"] as const

export interface ScenarioOptions {
  readonly seed: number
  /** 1 is the case's district (214 grids, about 59,000 residents); 0.1 a tenth of it. */
  readonly scale: number
}

export interface Grid {
  readonly code: string
  readonly scopePath: string
  readonly worker: string
}

export interface ScenarioResult {
  readonly baseData: BaseDataResult
  readonly grids: ReadonlyArray<Grid>
  readonly visits: number
  readonly seconds: number
  readonly refusals: ReadonlyArray<{ readonly what: string; readonly error: unknown }>
  readonly byCommunity: ReadonlyArray<{ readonly community: string; readonly visits: number }>
  /** The latest visits, as stored. */
  readonly recent: ReadonlyArray<{
    readonly household: string
    readonly purpose: string
    readonly worker: string
    readonly visitedAt: Date
  }>
  /** 2020 replayed: the staff appointed for it, then the party, meetings, stars, stamps and services stages. */
  readonly year: {
    readonly staff: { readonly seconds: number }
    readonly party: PartyResult
    readonly meetings: MeetingsResult
    readonly stars: StarsResult
    readonly stamps: StampsResult
    readonly services: ServicesResult
  }
  readonly eventCounts: ReadonlyMap<string, number>
  readonly lastEvents: ReadonlyArray<DomainEvent>
}

const system = Actor.system("lingdong")

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => new Error("the kernel accepted what it should have refused"),
    (error: unknown) => error
  )

/** The example's plugins, which the scenario's kernel is made with. */
export const plugins = [visits] as const

/**
 * Sets the district up: registers it, imports and re-districts its base data,
 * and appoints a grid worker to every grid as the registry has them after.
 */
export const setUp = async (
  kernel: Kernel,
  options: ScenarioOptions
): Promise<{ readonly baseData: BaseDataResult; readonly grids: ReadonlyArray<Grid> }> => {
  await kernel.exec(Core.commands.registerDistrict({ code: LINGDONG, name: "岭东区" }), system)
  await kernel.exec(
    Core.commands.grantRole({
      district: LINGDONG,
      userId: staffIds.districtOffice,
      role: "district_admin",
      level: "district",
      scopePath: `${LINGDONG}/`
    }),
    system
  )
  const baseData = await loadBaseData(kernel, options)
  const grids: ReadonlyArray<Grid> = (
    await kernel.exec(Registry.queries.population({ district: LINGDONG, by: "grid" }), system)
  ).map((row) => ({ code: row.code, scopePath: row.scopePath, worker: staffIds.gridWorker(row.code) }))
  for (const grid of grids) {
    const granted = await kernel.actorFor(grid.worker)
    if (granted.roles.length > 0) continue
    await kernel.exec(
      Core.commands.grantRole({
        district: LINGDONG,
        userId: grid.worker,
        role: "grid_worker",
        level: "grid",
        scopePath: grid.scopePath
      }),
      system
    )
  }
  return { baseData, grids }
}

/** Runs the scenario against a kernel made with {@link plugins}. */
export const run = async (kernel: Kernel, options: ScenarioOptions): Promise<ScenarioResult> => {
  const rng = Random.make(options.seed)
  const draw = (max: number) => Effect.runSync(rng.nextIntBetween(0, max))
  const { baseData, grids } = await setUp(kernel, options)

  const started = performance.now()
  const yearStart = Date.UTC(2020, 0, 1) - 8 * 3600_000
  let recorded = 0
  for (const grid of grids) {
    const worker = await kernel.actorFor(grid.worker)
    for (let v = 0; v < VISITS_PER_GRID; v++) {
      const compound = COMPOUNDS[draw(COMPOUNDS.length)]!
      await kernel.exec(
        visits.commands.record({
          district: LINGDONG,
          grid: grid.scopePath,
          household: `${compound}小区 ${draw(40) + 1}-${draw(4) + 1}-${draw(6) + 1}0${draw(4) + 1}`,
          purpose: PURPOSES[draw(PURPOSES.length)]!,
          visitedAt: new Date(yearStart + draw(365 * 24) * 3600_000).toISOString()
        }),
        worker
      )
      recorded++
    }
  }
  const seconds = (performance.now() - started) / 1000

  const [first, second] = grids
  const refusals: Array<{ what: string; error: unknown }> = []
  if (first && second) {
    refusals.push({
      what: `${first.worker} records a visit in grid ${second.code}`,
      error: await failureOf(
        kernel.exec(
          visits.commands.record({
            district: LINGDONG,
            grid: second.scopePath,
            household: "东湖小区 1-1-101",
            purpose: "base-data",
            visitedAt: "2020-06-01T09:00:00+08:00"
          }),
          await kernel.actorFor(first.worker)
        )
      )
    })
  }
  refusals.push({
    what: "a visit form filled in wrong",
    error: await failureOf(
      kernel.exec(
        visits.commands.record({
          district: "2305",
          grid: grids[0]!.scopePath,
          household: "",
          purpose: "chat" as "base-data",
          visitedAt: "2020-13-01"
        }),
        await kernel.actorFor(grids[0]!.worker)
      )
    )
  })

  const office = await kernel.actorFor(staffIds.districtOffice)
  const byCommunity = (await kernel.exec(visits.queries.byCommunity({ district: LINGDONG }), office)).map((row) => ({
    community: String(row["community"]),
    visits: Number(row["visits"])
  }))

  const recent = await kernel.exec(visits.queries.recent({ district: LINGDONG, limit: 5 }), office)

  const year = await replayYear(kernel, options)

  const eventCounts = new Map<string, number>()
  let after = 0
  let lastEvents: ReadonlyArray<DomainEvent> = []
  for (;;) {
    const page = await kernel.events.since({ district: LINGDONG, after, limit: 1000 })
    if (page.length === 0) break
    for (const event of page) eventCounts.set(event.type, (eventCounts.get(event.type) ?? 0) + 1)
    after = page[page.length - 1]!.position
    lastEvents = [...lastEvents, ...page].slice(-5)
  }

  return { baseData, grids, visits: recorded, seconds, refusals, byCommunity, recent, year, eventCounts, lastEvents }
}

/**
 * The district's places as the registry has them after re-districting: the
 * streets that have communities, the communities, the grids.
 */
export const placesOf = async (kernel: Kernel): Promise<Places> => {
  const population = (by: "street" | "community" | "grid"): Promise<ReadonlyArray<PopulationRow>> =>
    kernel.exec(Registry.queries.population({ district: LINGDONG, by }), system)
  const communities = await population("community")
  const streets = (await population("street")).filter((street) =>
    communities.some((community) => community.scopePath.startsWith(street.scopePath))
  )
  return { district: LINGDONG, streets, communities, grids: await population("grid") }
}

/** 2020 replayed, stage by stage, each timed. */
export const replayYear = async (kernel: Kernel, options: ScenarioOptions): Promise<ScenarioResult["year"]> => {
  const places = await placesOf(kernel)
  const started = performance.now()
  await appointStaff(kernel, LINGDONG, places)
  const staff = { seconds: (performance.now() - started) / 1000 }
  const party = await runParty(kernel, options, places)
  const meetings = await runMeetings(kernel, options, places)
  const stars = await runStars(kernel, places, meetings)
  const stamps = await runStamps(kernel, options, places)
  const services = await runServices(kernel, options, places)
  return { staff, party, meetings, stars, stamps, services }
}
