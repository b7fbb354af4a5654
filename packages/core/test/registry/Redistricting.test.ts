import { describe, expect, it } from "vitest"
import { sqliteStorage } from "../../../adapters/sqlite/src/index.js"
import * as Actor from "../../src/Actor.js"
import { Forbidden } from "../../src/Errors.js"
import { Registry } from "../../src/registry/Registry.js"
import { residentId } from "../../src/testing/registry.js"
import { districtingFixture, gridPath, places, visits } from "../../src/testing/registry-districting.js"
import { DISTRICT } from "../../src/testing/tasks.js"

const system = Actor.system("test")
const worker = (scopePath: string): Actor.Actor => ({
  id: `grid_worker@${scopePath}`,
  kind: "user",
  roles: [{ role: "grid_worker", district: DISTRICT, level: "grid", scopePath }]
})
const fixture = (buildings = 3) => districtingFixture(sqliteStorage({ filename: ":memory:" }), buildings)
const names = (rows: ReadonlyArray<{ readonly name: string }>) => rows.map((r) => r.name).sort()

describe("re-districting", () => {
  it("re-districting moves 285 buildings of three compounds into new grids, with history", async () => {
    const { kernel, zhang } = await fixture(95)
    const compounds = ["幸福家园", "康乐小区", "安居小区"] as const
    for (const compound of compounds.slice(1)) {
      for (let b = 1; b <= 95; b++) {
        await kernel.exec(
          Registry.commands.registerBuilding({
            district: DISTRICT,
            compound,
            name: `${b}号楼`,
            grid: places.g2,
            since: "2019-06-01"
          }),
          system
        )
      }
    }
    // One household in the 10th building of each compound.
    const movers = []
    for (const [i, compound] of compounds.entries()) {
      movers.push(
        await kernel.exec(
          Registry.commands.registerResident({
            district: DISTRICT,
            document: { type: "resident_id_card", number: residentId("230503", "19700101", `90${i}`) },
            name: `居民${i}`,
            address: { compound, building: "10号楼", unit: "1", flat: "101" },
            household: `R${i}`,
            relation: "户主",
            movedIn: "2020-01-01"
          }),
          system
        )
      )
    }
    // The plan in the shape the lingdong generator writes: grids by street, community and grid names.
    const grid = (n: number) => ({ street: "中山街道", community: "博爱社区", grid: `第${n}网格` })
    const result = await kernel.exec(
      Registry.commands.applyPlan({
        district: DISTRICT,
        effectiveOn: "2020-07-01",
        createGrids: compounds.map((_, i) => ({ ...grid(5 + i), code: `23050300100100${5 + i}` })),
        moveBuildings: compounds.flatMap((compound, i) =>
          Array.from({ length: 95 }, (_, b) => ({ compound, building: `${b + 1}号楼`, ...grid(5 + i) }))
        ),
        retireGrids: []
      }),
      system
    )
    expect(result.movedBuildings).toHaveLength(285)
    expect(result.createdGrids).toHaveLength(3)
    const gridOf = (id: string, on: string) =>
      kernel.exec(Registry.queries.gridOf({ district: DISTRICT, resident: id, on }), system)
    expect(await gridOf(zhang.id, "2020-06-30")).toBe(places.g1)
    expect(await gridOf(zhang.id, "2020-07-01")).toBe("230503001001005")
    for (const [i, mover] of movers.entries()) {
      expect(await gridOf(mover.id, "2020-06-30")).toBe(i === 0 ? places.g1 : places.g2)
      expect(await gridOf(mover.id, "2020-07-01")).toBe(`23050300100100${5 + i}`)
    }
    const population = await kernel.exec(Registry.queries.population({ district: DISTRICT, by: "grid" }), system)
    expect(population.map((g) => [g.code, g.households, g.residents])).toEqual([
      [places.g1, 1, 1],
      [places.g2, 0, 0],
      ["230503001001005", 3, 5],
      ["230503001001006", 1, 1],
      ["230503001001007", 1, 1],
      [places.g3, 0, 0]
    ])
    const past = await kernel.exec(
      Registry.queries.roster({ district: DISTRICT, grid: places.g2, on: "2020-06-30" }),
      system
    )
    expect(names(past)).toEqual(["居民1", "居民2"])
    // A second plan dated on or before the first move is refused: history stays in order.
    const refused = await kernel
      .exec(
        Registry.commands.applyPlan({
          district: DISTRICT,
          effectiveOn: "2020-07-01",
          moveBuildings: [{ compound: "幸福家园", building: "1号楼", toGrid: places.g1 }]
        }),
        system
      )
      .catch((e: unknown) => e)
    expect(refused).toMatchObject({ problems: [{ code: "REGISTRY.PLAN_BEFORE_HISTORY" }] })
  }, 60_000)

  it("a grid a plan empties can be retired, and no building can then move into it", async () => {
    const { kernel } = await fixture()
    await kernel.exec(
      Registry.commands.applyPlan({
        district: DISTRICT,
        effectiveOn: "2020-07-01",
        moveBuildings: [{ compound: "老街小区", building: "2号楼", toGrid: places.g1 }],
        retireGrids: [places.g2]
      }),
      system
    )
    const refused = await kernel
      .exec(
        Registry.commands.applyPlan({
          district: DISTRICT,
          effectiveOn: "2021-01-01",
          moveBuildings: [{ compound: "老街小区", building: "1号楼", toGrid: places.g2 }],
          retireGrids: [places.g2]
        }),
        system
      )
      .catch((e: unknown) => e)
    expect(refused).toMatchObject({
      _tag: "PlanRefused",
      problems: [
        { path: "retireGrids[0]", code: "REGISTRY.PLAN_GRID_RETIRED" },
        { path: "moveBuildings[0].toGrid", code: "REGISTRY.PLAN_GRID_RETIRED" }
      ]
    })
  })

  it("a grid cannot move into a community that has a grid of the same name, nor a plan be empty", async () => {
    const { kernel } = await fixture()
    await kernel.exec(
      Registry.commands.registerGrid({
        district: DISTRICT,
        community: places.c2,
        code: "230503001002002",
        name: "第1网格"
      }),
      system
    )
    const clash = await kernel
      .exec(
        Registry.commands.applyPlan({
          district: DISTRICT,
          effectiveOn: "2021-01-01",
          moveGrids: [{ grid: places.g1, toCommunity: places.c2 }]
        }),
        system
      )
      .catch((e: unknown) => e)
    expect(clash).toMatchObject({ problems: [{ path: "moveGrids[0].grid", code: "REGISTRY.PLAN_GRID_EXISTS" }] })
    const empty = await kernel
      .exec(Registry.commands.applyPlan({ district: DISTRICT, effectiveOn: "2021-01-01" }), system)
      .catch((e: unknown) => e)
    expect(empty).toMatchObject({ problems: [{ code: "REGISTRY.PLAN_EMPTY" }] })
  })

  it("a grid worker may not apply a plan", async () => {
    const { kernel } = await fixture()
    const refused = await kernel
      .exec(
        Registry.commands.applyPlan({ district: DISTRICT, effectiveOn: "2021-01-01", retireGrids: [places.g2] }),
        worker(gridPath(places.c1, places.g1))
      )
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(Forbidden)
  })
})

describe("moves of people", () => {
  it("a person moves alone to another grid, forming a household there, and their plugin rows follow", async () => {
    const { kernel, son, zhang } = await fixture()
    await kernel.exec(visits.commands.record({ district: DISTRICT, resident: son.id, note: "回访" }), system)
    const moved = await kernel.exec(
      Registry.commands.relocate({
        district: DISTRICT,
        resident: son.id,
        to: { compound: "长安小区", building: "1号楼", flat: "501" },
        newHousehold: "H9",
        on: "2021-03-01"
      }),
      system
    )
    expect(moved.household).not.toBe(zhang.household)
    const g3 = worker(gridPath(places.c2, places.g3))
    expect((await kernel.exec(visits.queries.list({ district: DISTRICT }), g3)).map((v) => v.note)).toEqual(["回访"])
    const record = await kernel.exec(Registry.queries.resident({ district: DISTRICT, id: son.id }), g3)
    expect([record.household, record.relation]).toEqual(["H9", "02"])
    // The worker of the new grid sees them, but not the grid they came from.
    expect(
      await kernel.exec(Registry.queries.gridOf({ district: DISTRICT, resident: son.id, on: "2021-03-01" }), g3)
    ).toBe(places.g3)
    expect(
      await kernel.exec(Registry.queries.gridOf({ district: DISTRICT, resident: son.id, on: "2021-02-28" }), g3)
    ).toBeNull()
    expect(
      await kernel.exec(Registry.queries.gridOf({ district: DISTRICT, resident: son.id, on: "2021-02-28" }), system)
    ).toBe(places.g1)
  })

  it("a person joins an existing household of another dwelling, with their relation to its head", async () => {
    const { kernel, li, wang } = await fixture()
    await kernel.exec(
      Registry.commands.relocate({
        district: DISTRICT,
        resident: li.id,
        join: { household: "H2", relation: "配偶" },
        on: "2021-03-01"
      }),
      system
    )
    const roster = await kernel.exec(Registry.queries.roster({ district: DISTRICT, grid: places.g1 }), system)
    expect(roster.filter((r) => r.household === "H2").map((r) => [r.name, r.relation, r.building])).toEqual([
      ["王五", "02", "2号楼"],
      ["李四", "10", "2号楼"]
    ])
    const second = await kernel
      .exec(
        Registry.commands.relocate({
          district: DISTRICT,
          resident: li.id,
          join: { household: "H1", relation: "户主" },
          on: "2021-04-01"
        }),
        system
      )
      .catch((e: unknown) => e)
    expect(second).toMatchObject({ code: "REGISTRY.SECOND_HEAD" })
    expect(wang.household).toBeDefined()
  })

  it("a move dated before the current residence began, or into the same dwelling, is refused", async () => {
    const { kernel, zhang } = await fixture()
    const early = await kernel
      .exec(
        Registry.commands.relocate({
          district: DISTRICT,
          household: zhang.household,
          to: { compound: "长安小区", building: "1号楼", flat: "501" },
          on: "2019-12-31"
        }),
        system
      )
      .catch((e: unknown) => e)
    expect(early).toMatchObject({ code: "REGISTRY.DATE_BEFORE_RESIDENCE" })
    const same = await kernel
      .exec(
        Registry.commands.relocate({
          district: DISTRICT,
          household: zhang.household,
          to: { compound: "幸福家园", building: "1号楼", unit: "1", flat: "101" },
          on: "2021-01-01"
        }),
        system
      )
      .catch((e: unknown) => e)
    expect(same).toMatchObject({ code: "REGISTRY.SAME_DWELLING" })
  })

  it("a grid worker cannot move a household into another worker's grid", async () => {
    const { kernel, zhang } = await fixture()
    const refused = await kernel
      .exec(
        Registry.commands.relocate({
          district: DISTRICT,
          household: zhang.household,
          to: { compound: "长安小区", building: "1号楼", flat: "501" },
          on: "2021-01-01"
        }),
        worker(gridPath(places.c1, places.g1))
      )
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(Forbidden)
  })

  it("a household splits only with one head and someone left behind", async () => {
    const { kernel, zhang, li, son } = await fixture()
    const twoHeads = await kernel
      .exec(
        Registry.commands.splitHousehold({
          district: DISTRICT,
          household: zhang.household,
          members: [
            { resident: son.id, relation: "户主" },
            { resident: li.id, relation: "户主" }
          ],
          on: "2021-01-01"
        }),
        system
      )
      .catch((e: unknown) => e)
    expect(twoHeads).toMatchObject({ code: "REGISTRY.ONE_HEAD" })
    const everyone = await kernel
      .exec(
        Registry.commands.splitHousehold({
          district: DISTRICT,
          household: zhang.household,
          members: [
            { resident: son.id, relation: "户主" },
            { resident: li.id, relation: "母亲" },
            { resident: zhang.id, relation: "父亲" }
          ],
          on: "2021-01-01"
        }),
        system
      )
      .catch((e: unknown) => e)
    expect(everyone).toMatchObject({ code: "REGISTRY.HOUSEHOLD_EMPTY" })
    const headLeaves = await kernel
      .exec(
        Registry.commands.splitHousehold({
          district: DISTRICT,
          household: zhang.household,
          members: [{ resident: zhang.id, relation: "户主" }],
          on: "2021-01-01"
        }),
        system
      )
      .catch((e: unknown) => e)
    expect(headLeaves).toMatchObject({ code: "REGISTRY.HEAD_LEAVES" })
  })
})
