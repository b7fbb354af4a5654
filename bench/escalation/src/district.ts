/**
 * The district the requests belong to, built through the kernel as a host
 * would: the district registered, its places imported (2 streets, 4
 * communities, 12 grids, 24 buildings), 1,200 residents imported, and a
 * grid worker for each grid and a community worker for each community granted
 * their roles. All of it happens on 3 June 2024 by the kernel's clock, before
 * the year of requests the bench seeds.
 */
import { Actor, Core, type Kernel, Registry } from "@shequ/core"
import { Effect, TestClock, TestContext } from "effect"
import type { Engine } from "./engine.js"
import { DISTRICT, type Home } from "./fixture.js"

const SETUP_AT = Date.parse("2024-06-03T09:00:00+08:00")
const SYSTEM = Actor.system("bench")

const STREETS = ["中山街道", "胜利街道"]
/** Per street: its communities, each with its compound. */
const COMMUNITIES = [
  ["博爱社区", "新兴社区"],
  ["和平社区", "翠湖社区"]
]
const COMPOUNDS = ["博爱小区", "新兴小区", "和平小区", "翠湖小区"]
const GRIDS_PER_COMMUNITY = 3
const BUILDINGS_PER_GRID = 2
const FLATS_PER_BUILDING = 25

const surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
const given = ["秀英", "桂兰", "建国", "志强", "丽华", "淑珍", "海燕", "国庆", "玉梅", "德明", "春生", "红霞"]

/** A GB 11643 citizen ID number: area, birth date, sequence and the ISO 7064 MOD 11-2 check character. */
const idNumber = (area: string, birth: string, sequence: number) => {
  const body = `${area}${birth}${String(sequence).padStart(3, "0")}`
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = weights.reduce((total, weight, i) => total + weight * Number(body[i]), 0)
  return body + "10X98765432"[sum % 11]
}

/** Runs a kernel effect with the kernel's clock at the setup time. */
const atSetup = <A, E>(effect: Effect.Effect<A, E>): Promise<A> =>
  Effect.runPromise(TestClock.setTime(SETUP_AT).pipe(Effect.zipRight(effect), Effect.provide(TestContext.TestContext)))

export interface District {
  readonly homes: ReadonlyArray<Home>
  readonly streets: number
  readonly communities: number
  readonly grids: number
  readonly buildings: number
  readonly staff: number
}

const communityPath = (gridPath: string) => gridPath.split("/").slice(0, 3).join("/") + "/"
const lastCode = (path: string) => path.split("/").at(-2)!

export const buildDistrict = async (kernel: Kernel, engine: Engine): Promise<District> => {
  await atSetup(kernel.run(Core.commands.registerDistrict({ code: DISTRICT, name: "岭东区" }), SYSTEM))
  const places = STREETS.flatMap((street, s) =>
    COMMUNITIES[s]!.flatMap((community, c) =>
      Array.from({ length: GRIDS_PER_COMMUNITY }, (_, g) =>
        Array.from({ length: BUILDINGS_PER_GRID }, (_, b) => ({
          street,
          community,
          grid: `第${g + 1}网格`,
          compound: COMPOUNDS[s * COMMUNITIES[s]!.length + c]!,
          building: `${g * BUILDINGS_PER_GRID + b + 1}号楼`,
          flats: String(FLATS_PER_BUILDING)
        }))
      ).flat()
    )
  )
  const placed = await atSetup(
    kernel.runImport(Registry.imports.places({ district: DISTRICT, create: true, since: "2020-01-01" }, places), SYSTEM)
  )
  if (placed.rejected > 0) throw new Error(`the places import refused ${placed.rejected} rows`)

  // Two residents per flat, a couple, each flat its own household.
  const residents = places.flatMap((place, p) =>
    Array.from({ length: FLATS_PER_BUILDING * 2 }, (_, k) => {
      const n = p * FLATS_PER_BUILDING * 2 + k
      const flat = Math.floor(k / 2)
      const birth = new Date(Date.UTC(1945, 0, 1) + n * 19 * 86_400_000).toISOString().slice(0, 10).replaceAll("-", "")
      return {
        id_number: idNumber(DISTRICT, birth, 100 + (n % 800)),
        name: `${surnames[n % surnames.length]}${given[Math.floor(n / surnames.length) % given.length]}`,
        compound: place.compound,
        building: place.building,
        unit: "1",
        flat: `${Math.floor(flat / 4) + 1}0${(flat % 4) + 1}`,
        household: `H${p}-${flat}`,
        relation: k % 2 === 0 ? "户主" : "配偶"
      }
    })
  )
  const imported = await atSetup(
    kernel.runImport(Registry.imports.residents({ district: DISTRICT }, residents), SYSTEM)
  )
  if (imported.rejected > 0) throw new Error(`the residents import refused ${imported.rejected} rows`)

  const grids = await engine.all("SELECT code, scope_path FROM registry_grid WHERE district_code = $1 ORDER BY code", [
    DISTRICT
  ])
  const communities = [...new Set(grids.map((g) => communityPath(String(g["scope_path"]))))]
  const gridWorker = (gridPath: string) => `u-grid-${lastCode(gridPath)}`
  const communityWorker = (gridPath: string) => `u-community-${lastCode(communityPath(gridPath))}`
  for (const grid of grids) {
    const path = String(grid["scope_path"])
    await atSetup(
      kernel.run(
        Core.commands.grantRole({
          district: DISTRICT,
          userId: gridWorker(path),
          role: "grid_worker",
          level: "grid",
          scopePath: path
        }),
        SYSTEM
      )
    )
  }
  for (const path of communities) {
    await atSetup(
      kernel.run(
        Core.commands.grantRole({
          district: DISTRICT,
          userId: `u-community-${lastCode(path)}`,
          role: "community_worker",
          level: "community",
          scopePath: path
        }),
        SYSTEM
      )
    )
  }

  // Where `receive` finds a resident's home: their building's grid and scope path.
  const people = await engine.all(
    "SELECT p.id, b.grid_id, b.scope_path FROM registry_person p " +
      "JOIN registry_building b ON b.district_code = p.district_code AND b.id = p.building_id " +
      "WHERE p.district_code = $1 ORDER BY p.id",
    [DISTRICT]
  )
  const homes = people.map((p) => {
    const scopePath = String(p["scope_path"])
    return {
      residentId: String(p["id"]),
      gridId: String(p["grid_id"]),
      scopePath,
      gridWorker: gridWorker(scopePath),
      communityWorker: communityWorker(scopePath)
    }
  })
  if (homes.length !== residents.length) {
    throw new Error(`${homes.length} residents have a home, expected ${residents.length}`)
  }
  return {
    homes,
    streets: STREETS.length,
    communities: communities.length,
    grids: grids.length,
    buildings: places.length,
    staff: grids.length + communities.length
  }
}
