/**
 * The base record (底数): the case's first problem was that nobody knew who
 * lived where once 9,163 households had moved into 285 new buildings, placed
 * in a handful of old grids. This stage generates the district's two files,
 * registers its tree, imports the files through the bulk path, applies the
 * re-districting plan that gives the three compounds grids of their own, and
 * reads every count back from the registry's queries, before and after.
 */
import { createReadStream, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Actor, Csv, placeColumns, Registry, residentColumns, type Kernel, type PopulationRow } from "@shequ/core"
import { describeDistrict, redistrictingPlan, writePlaces, writeResidents } from "./generator/index.js"

const system = Actor.system("lingdong")

/** The grid size the example holds grids to: the case's grids hold about 110 households, the overloaded ones far more. */
export const GRID_HOUSEHOLDS = { min: 50, max: 500 } as const

/** The day the buildings are registered in their first grids. */
const REGISTERED_ON = "2019-06-01"

export interface Stage {
  readonly name: "generate" | "register" | "places" | "residents" | "redistrict"
  readonly seconds: number
  readonly rows?: number
}

/** The registry's counts at one moment. */
export interface Snapshot {
  readonly streets: ReadonlyArray<PopulationRow>
  readonly communities: ReadonlyArray<PopulationRow>
  readonly grids: number
  /** The grid with the most households. */
  readonly largest: { readonly name: string; readonly code: string; readonly households: number }
  /** Grids outside {@link GRID_HOUSEHOLDS}, largest first. */
  readonly outsideRange: ReadonlyArray<{ readonly name: string; readonly code: string; readonly households: number }>
}

export interface BaseDataResult {
  readonly stages: ReadonlyArray<Stage>
  readonly imported: Readonly<Record<string, number>>
  readonly plan: { readonly gridsCreated: number; readonly buildingsMoved: number }
  readonly before: Snapshot
  readonly after: Snapshot
  /** One resettled resident: the grid they lived in the day before the plan, and today's. */
  readonly followed?: { readonly resident: string; readonly before: string; readonly after: string }
}

const timed = async <A>(stages: Array<Stage>, name: Stage["name"], work: () => Promise<A>, rows?: (a: A) => number) => {
  const started = performance.now()
  const result = await work()
  const seconds = (performance.now() - started) / 1000
  const count = rows?.(result)
  stages.push(count === undefined ? { name, seconds } : { name, seconds, rows: count })
  return result
}

const snapshot = async (kernel: Kernel, district: string): Promise<Snapshot> => {
  const population = (by: "street" | "community" | "grid") =>
    kernel.exec(Registry.queries.population({ district, by }), system)
  const outside = await kernel.exec(Registry.queries.gridsOutsideRange({ district }), system)
  const grids = await population("grid")
  const largest = grids.reduce((a, b) => (b.households > a.households ? b : a))
  return {
    streets: (await population("street")).filter((row) => row.residents > 0),
    communities: await population("community"),
    grids: grids.length,
    largest: { name: largest.name, code: largest.code, households: largest.households },
    outsideRange: [...outside.grids]
      .sort((a, b) => b.households - a.households)
      .map(({ name, code, households }) => ({ name, code, households }))
  }
}

/** Runs the base-data stages for the generator's `seed` and `scale`. */
export const loadBaseData = async (
  kernel: Kernel,
  options: { readonly seed: number; readonly scale: number }
): Promise<BaseDataResult> => {
  const generator = { seed: options.seed, scale: options.scale }
  const tree = describeDistrict(generator)
  const district = tree.district.code
  const stages: Array<Stage> = []
  const dir = mkdtempSync(join(tmpdir(), "lingdong-"))
  try {
    const places = join(dir, "places.csv")
    const residents = join(dir, "residents.csv")
    await timed(
      stages,
      "generate",
      async () => (await writePlaces(generator, places)).rows + (await writeResidents(generator, residents)).rows
    )

    // The tree comes from the district's own records, with official codes and kinds; the files name places by name.
    await timed(stages, "register", async () => {
      await kernel.exec(
        Registry.commands.setGridHouseholdRange({ district, min: GRID_HOUSEHOLDS.min, max: GRID_HOUSEHOLDS.max }),
        system
      )
      for (const street of tree.streets) {
        await kernel.exec(
          Registry.commands.registerStreet({ district, code: street.code, name: street.name, kind: street.kind }),
          system
        )
        for (const community of street.communities) {
          await kernel.exec(
            Registry.commands.registerCommunity({
              district,
              street: street.code,
              code: community.code,
              name: community.name
            }),
            system
          )
          for (const grid of community.grids) {
            await kernel.exec(
              Registry.commands.registerGrid({
                district,
                community: community.code,
                code: grid.code,
                name: grid.name,
                createdOn: REGISTERED_ON
              }),
              system
            )
          }
        }
      }
    })
    await timed(
      stages,
      "places",
      () =>
        kernel.import(
          Registry.imports.places(
            { district, create: true, since: REGISTERED_ON },
            Csv.readCsv(createReadStream(places), { columns: placeColumns })
          ),
          system
        ),
      (result) => result.written
    )
    const imported = await timed(
      stages,
      "residents",
      () =>
        kernel.import(
          Registry.imports.residents(
            { district },
            Csv.readCsv(createReadStream(residents), { columns: residentColumns })
          ),
          system
        ),
      (result) => result.written
    )
    const before = await snapshot(kernel, district)

    const plan = redistrictingPlan(generator)
    await timed(stages, "redistrict", () => kernel.exec(Registry.commands.applyPlan({ district, ...plan }), system))
    const after = await snapshot(kernel, district)

    // A resettled resident of the first new grid, followed back to the day before the plan.
    const dayBefore = new Date(Date.parse(`${plan.effectiveOn}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
    const gridOn = (id: string, on: string) =>
      kernel.exec(Registry.queries.gridOf({ district, resident: id, on }), system)
    const newGrid = plan.createGrids[0]
    let followed: BaseDataResult["followed"]
    for (const resident of newGrid === undefined
      ? []
      : await kernel.exec(Registry.queries.roster({ district, grid: newGrid.code }), system)) {
      const then = await gridOn(resident.id, dayBefore)
      if (then === null) continue
      followed = { resident: resident.name, before: then, after: (await gridOn(resident.id, plan.effectiveOn)) ?? "" }
      break
    }
    return {
      stages,
      imported: imported.counts ?? {},
      plan: { gridsCreated: plan.createGrids.length, buildingsMoved: plan.moveBuildings.length },
      before,
      after,
      ...(followed === undefined ? {} : { followed })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
