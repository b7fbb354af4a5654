/**
 * Re-districting and moves of people in the conformance suite: plans applied
 * with history, scope paths kept in step (the registry's rows, a plugin's rows
 * and role grants), and households that move, split, merge and lose members,
 * on every adapter.
 */
import { Effect, Schema } from "effect"
import { expect, it } from "vitest"
import * as Actor from "../Actor.js"
import { Core, DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import { CoreCode, NotFound } from "../Errors.js"
import * as Ids from "../Ids.js"
import { makeKernel } from "../Kernel.js"
import type { Migration } from "../Migration.js"
import { type CommandRequest, command, definePlugin, query } from "../Plugin.js"
import { Registry } from "../registry/Registry.js"
import type { Storage } from "../Storage.js"
import { type RegistryDatabase, residentId } from "./registry.js"
import { DISTRICT } from "./tasks.js"

const system = Actor.system("conformance")
const KEY = "a".repeat(64)

/** The places of the fixture: one street, two communities, three grids. @since 0.2.0 */
export const places = {
  street: "230503001",
  c1: "230503001001",
  c2: "230503001002",
  g1: "230503001001001",
  g2: "230503001001002",
  g3: "230503001002001",
  g4: "230503001001004"
} as const

/** The scope path of a grid of the fixture, under its community. @since 0.2.0 */
export const gridPath = (community: string, grid: string): string =>
  `${DISTRICT}/${places.street}/${community}/${grid}/`

const worker = (scopePath: string, role = "grid_worker"): Actor.Actor => ({
  id: `${role}@${scopePath}`,
  kind: "user",
  roles: [{ role, district: DISTRICT, level: "grid", scopePath }]
})

const visitTable: Migration = {
  name: "0001_visit",
  up: ({ db, types }) => [
    db.schema
      .createTable("districting_visits_visit")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("id", types.id, (c) => c.notNull())
      .addColumn("resident_id", types.id, (c) => c.notNull())
      .addColumn("note", "text", (c) => c.notNull())
      .addColumn("scope_path", types.scopePath, (c) => c.notNull())
      .addPrimaryKeyConstraint("districting_visits_visit_pk", ["district_code", "id"])
  ]
}

/**
 * A test plugin with a table scoped by resident: an elder's home visits. Its
 * rows must follow the resident through plans and moves without the plugin
 * doing anything.
 *
 * @since 0.2.0
 */
export const visits = definePlugin({
  name: "districting-visits",
  version: "0.0.0",
  migrations: [visitTable],
  scopedTables: { districting_visits_visit: { by: "resident", column: "resident_id" } },
  commands: {
    record: command({
      input: Schema.Struct({ district: DistrictCode, resident: Schema.UUID, note: Schema.String }),
      load: (input) =>
        Effect.flatMap(
          Db.use((db) =>
            db
              .selectFrom("registry_person")
              .select("scope_path")
              .where("district_code", "=", input.district)
              .where("id", "=", input.resident)
              .executeTakeFirst()
          ),
          (row) =>
            row === undefined
              ? Effect.fail(new NotFound({ code: CoreCode.NotFound, entity: "resident", id: input.resident }))
              : Effect.succeed(String(row.scope_path))
        ),
      target: (input, path) => ({ district: input.district, scopePath: path }),
      run: (input) =>
        Effect.gen(function* () {
          const id = yield* Ids.next
          yield* Db.use((db) =>
            db
              .insertInto("districting_visits_visit")
              // No scope path: the kernel writes the resident's.
              .values({ district_code: input.district, id, resident_id: input.resident, note: input.note })
              .execute()
          )
          return { id }
        })
    })
  },
  queries: {
    list: query({
      input: Schema.Struct({ district: DistrictCode }),
      target: (input) => ({ district: input.district }),
      run: (input) =>
        Effect.map(
          Db.use((db) =>
            db
              .selectFrom("districting_visits_visit")
              .select(["id", "resident_id", "note", "scope_path"])
              .where("district_code", "=", input.district)
              .orderBy("note")
              .execute()
          ),
          (rows) =>
            rows.map((r) => ({
              id: String(r.id),
              resident: String(r.resident_id),
              note: String(r.note),
              scopePath: String(r.scope_path)
            }))
        )
    })
  },
  policies: { record: ["grid_worker", "district_admin"], list: ["grid_worker", "district_admin"] }
})

/**
 * The fixture: grids G1, G2 (community C1) and G3 (C2); the resettlement
 * compound 幸福家园 with `buildings` buildings in G1; older housing 老街小区 in
 * G1 and G2; 长安小区 in G3. Households: H1 (张三 head, 李四 spouse, 张小 son)
 * in 幸福家园 1号楼, H2 (王五) in 幸福家园 2号楼, H3 (赵六) in 老街小区 1号楼,
 * all since 2020-01-01.
 *
 * @since 0.2.0
 */
export const districtingFixture = async (storage: Storage, buildings = 3) => {
  const kernel = await makeKernel({ storage, secrets: { key: KEY }, plugins: [visits] })
  const exec = <A, E>(request: CommandRequest<A, E>) => kernel.exec(request, system)
  await exec(Core.commands.registerDistrict({ code: DISTRICT, name: "岭东区" }))
  await exec(
    Registry.commands.registerStreet({
      district: DISTRICT,
      code: places.street,
      name: "中山街道",
      kind: "street_office"
    })
  )
  for (const [code, name] of [
    [places.c1, "博爱社区"],
    [places.c2, "长安社区"]
  ] as const) {
    await exec(Registry.commands.registerCommunity({ district: DISTRICT, street: places.street, code, name }))
  }
  for (const [community, code, name] of [
    [places.c1, places.g1, "第1网格"],
    [places.c1, places.g2, "第2网格"],
    [places.c2, places.g3, "第3网格"]
  ] as const) {
    await exec(Registry.commands.registerGrid({ district: DISTRICT, community, code, name, createdOn: "2019-01-01" }))
  }
  const building = (compound: string, name: string, grid: string) =>
    exec(Registry.commands.registerBuilding({ district: DISTRICT, compound, name, grid, since: "2019-06-01" }))
  for (let b = 1; b <= buildings; b++) await building("幸福家园", `${b}号楼`, places.g1)
  await building("老街小区", "1号楼", places.g1)
  await building("老街小区", "2号楼", places.g2)
  await building("长安小区", "1号楼", places.g3)
  const resident = (
    sequence: string,
    name: string,
    compound: string,
    buildingName: string,
    household: string,
    relation: string
  ) =>
    kernel.exec(
      Registry.commands.registerResident({
        district: DISTRICT,
        document: { type: "resident_id_card", number: residentId("230503", "19600101", sequence) },
        name,
        address: { compound, building: buildingName, unit: "1", flat: "101" },
        household,
        relation,
        movedIn: "2020-01-01"
      }),
      system
    )
  const zhang = await resident("111", "张三", "幸福家园", "1号楼", "H1", "户主")
  const li = await resident("222", "李四", "幸福家园", "1号楼", "H1", "配偶")
  const son = await resident("333", "张小", "幸福家园", "1号楼", "H1", "长子")
  const wang = await resident("444", "王五", "幸福家园", "2号楼", "H2", "户主")
  const zhao = await resident("555", "赵六", "老街小区", "1号楼", "H3", "户主")
  return { kernel, zhang, li, son, wang, zhao }
}

const names = (rows: ReadonlyArray<{ readonly name: string }>) => rows.map((r) => r.name).sort()

/** Re-districting and moves, registered inside the adapter's suite. */
export const districtingTests = (fresh: () => Promise<RegistryDatabase>) => {
  it("re-districting moves buildings into a new grid with history: a resident's grid on a past date is the old grid", async () => {
    const db = await fresh()
    const { kernel, zhang, wang } = await districtingFixture(db.open())
    db.track(kernel)
    await kernel.exec(
      Registry.commands.addTag({ district: DISTRICT, tag: "low_income", subject: zhang.household }),
      system
    )
    const result = await kernel.exec(
      Registry.commands.applyPlan({
        district: DISTRICT,
        effectiveOn: "2020-07-01",
        createGrids: [{ community: places.c1, code: places.g4, name: "第4网格" }],
        moveBuildings: [
          { compound: "幸福家园", building: "1号楼", toGrid: places.g4 },
          { compound: "幸福家园", building: "2号楼", toGrid: places.g4 },
          { compound: "幸福家园", building: "3号楼", toGrid: places.g4 }
        ]
      }),
      system
    )
    expect(result.movedBuildings).toHaveLength(3)
    expect(result.createdGrids).toHaveLength(1)
    const gridOf = (id: string, on: string) =>
      kernel.exec(Registry.queries.gridOf({ district: DISTRICT, resident: id, on }), system)
    expect(await gridOf(zhang.id, "2020-06-30")).toBe(places.g1)
    expect(await gridOf(zhang.id, "2020-07-01")).toBe(places.g4)
    expect(await gridOf(wang.id, "2019-12-31")).toBeNull()
    const roster = (grid: string, on?: string) =>
      kernel.exec(Registry.queries.roster({ district: DISTRICT, grid, ...(on === undefined ? {} : { on }) }), system)
    expect(names(await roster(places.g1))).toEqual(["赵六"])
    expect(names(await roster(places.g1, "2020-06-30"))).toEqual(["张三", "张小", "李四", "王五", "赵六"])
    expect(names(await roster(places.g4))).toEqual(["张三", "张小", "李四", "王五"])
    expect(names(await roster(places.g4, "2020-06-30"))).toEqual([])
    const record = await kernel.exec(Registry.queries.resident({ district: DISTRICT, id: zhang.id }), system)
    expect(record.scopePath).toBe(gridPath(places.c1, places.g4))
    // The household's tag went with it, and a worker of the new grid sees the household's members.
    const tags = await kernel.exec(Registry.queries.tagsByGrid({ district: DISTRICT }), system)
    expect(tags).toEqual([{ grid: places.g4, tag: "low_income", count: 1 }])
    const own = await kernel.exec(
      Registry.queries.roster({ district: DISTRICT, grid: places.g4 }),
      worker(gridPath(places.c1, places.g4))
    )
    expect(own).toHaveLength(4)
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    const applied = events.filter((e) => e.type === "registry.plan-applied")
    expect(applied).toHaveLength(1)
    expect(applied[0]!.payload).toMatchObject({
      counts: { createdGrids: 1, movedBuildings: 3, movedGrids: 0, retiredGrids: 0 }
    })
  })

  it("a plugin's row is given the scope path of the resident it names, by the kernel", async () => {
    const db = await fresh()
    const { kernel, zhang } = await districtingFixture(db.open())
    db.track(kernel)
    await kernel.exec(visits.commands.record({ district: DISTRICT, resident: zhang.id, note: "探访" }), system)
    expect(await kernel.exec(visits.queries.list({ district: DISTRICT }), system)).toEqual([
      expect.objectContaining({ resident: zhang.id, scopePath: gridPath(places.c1, places.g1) })
    ])
  })

  it("a plugin's visit row follows the resident to the new grid, and on when the household relocates", async () => {
    const db = await fresh()
    const { kernel, zhang } = await districtingFixture(db.open())
    db.track(kernel)
    await kernel.exec(visits.commands.record({ district: DISTRICT, resident: zhang.id, note: "探访" }), system)
    const seenBy = async (path: string) =>
      (await kernel.exec(visits.queries.list({ district: DISTRICT }), worker(path))).map((v) => v.note)
    expect(await seenBy(gridPath(places.c1, places.g1))).toEqual(["探访"])
    await kernel.exec(
      Registry.commands.applyPlan({
        district: DISTRICT,
        effectiveOn: "2020-07-01",
        createGrids: [{ community: places.c1, code: places.g4, name: "第4网格" }],
        moveBuildings: [{ compound: "幸福家园", building: "1号楼", toGrid: places.g4 }]
      }),
      system
    )
    expect(await seenBy(gridPath(places.c1, places.g1))).toEqual([])
    expect(await seenBy(gridPath(places.c1, places.g4))).toEqual(["探访"])
    await kernel.exec(
      Registry.commands.relocate({
        district: DISTRICT,
        household: zhang.household,
        to: { compound: "长安小区", building: "1号楼", unit: "2", flat: "202" },
        on: "2021-03-01"
      }),
      system
    )
    expect(await seenBy(gridPath(places.c1, places.g4))).toEqual([])
    expect(await seenBy(gridPath(places.c2, places.g3))).toEqual(["探访"])
    const gridOf = (on: string) =>
      kernel.exec(Registry.queries.gridOf({ district: DISTRICT, resident: zhang.id, on }), system)
    expect([await gridOf("2020-06-30"), await gridOf("2020-07-01"), await gridOf("2021-03-01")]).toEqual([
      places.g1,
      places.g4,
      places.g3
    ])
  })

  it("a plan with problems is refused whole, every problem listed, and nothing is written", async () => {
    const db = await fresh()
    const { kernel } = await districtingFixture(db.open())
    db.track(kernel)
    const before = await kernel.events.since({ district: DISTRICT, after: 0 })
    const refused = await kernel
      .exec(
        Registry.commands.applyPlan({
          district: DISTRICT,
          effectiveOn: "2019-03-01",
          createGrids: [{ community: places.c1, code: places.g4, name: "第4网格" }],
          moveBuildings: [
            { compound: "幸福家园", building: "99号楼", toGrid: places.g4 },
            { compound: "幸福家园", building: "1号楼", toGrid: "230503009009009" },
            { compound: "幸福家园", building: "2号楼", toGrid: places.g4 }
          ],
          retireGrids: [places.g2]
        }),
        system
      )
      .catch((e: unknown) => e)
    expect(refused).toMatchObject({ _tag: "PlanRefused", code: "REGISTRY.PLAN_REFUSED" })
    const problems = (refused as { problems: ReadonlyArray<{ path: string; code: string; en: string }> }).problems
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ["moveBuildings[0].building", "REGISTRY.PLAN_UNKNOWN_BUILDING"],
      ["moveBuildings[1].toGrid", "REGISTRY.PLAN_UNKNOWN_GRID"],
      ["moveBuildings[2]", "REGISTRY.PLAN_BEFORE_HISTORY"],
      ["retireGrids[0]", "REGISTRY.PLAN_GRID_NOT_EMPTY"]
    ])
    for (const p of problems) expect(p).toHaveProperty("zh-CN")
    const grids = await kernel.exec(Registry.queries.population({ district: DISTRICT, by: "grid" }), system)
    expect(grids.map((g) => g.code)).toEqual([places.g1, places.g2, places.g3])
    expect(await kernel.events.since({ district: DISTRICT, after: 0 })).toHaveLength(before.length)
  })

  it("a grid moved to another community keeps its code and takes its residents, plugin rows and role grants along", async () => {
    const db = await fresh()
    const { kernel, zhao } = await districtingFixture(db.open())
    db.track(kernel)
    await kernel.exec(
      Core.commands.grantRole({
        district: DISTRICT,
        userId: "grid-worker-1",
        role: "grid_worker",
        level: "grid",
        scopePath: gridPath(places.c1, places.g1)
      }),
      system
    )
    await kernel.exec(visits.commands.record({ district: DISTRICT, resident: zhao.id, note: "走访" }), system)
    await kernel.exec(
      Registry.commands.applyPlan({
        district: DISTRICT,
        effectiveOn: "2021-01-01",
        moveGrids: [
          { grid: places.g2, toCommunity: places.c2 },
          { grid: places.g1, toCommunity: places.c2 }
        ]
      }),
      system
    )
    const moved = gridPath(places.c2, places.g1)
    const record = await kernel.exec(Registry.queries.resident({ district: DISTRICT, id: zhao.id }), system)
    expect(record.scopePath).toBe(moved)
    const staff = await kernel.actorFor("grid-worker-1")
    expect(staff.roles.map((r) => r.scopePath)).toEqual([moved])
    expect((await kernel.exec(visits.queries.list({ district: DISTRICT }), staff)).map((v) => v.note)).toEqual(["走访"])
    expect(names(await kernel.exec(Registry.queries.roster({ district: DISTRICT, grid: places.g1 }), staff))).toEqual([
      "张三",
      "张小",
      "李四",
      "王五",
      "赵六"
    ])
    const byCommunity = await kernel.exec(Registry.queries.population({ district: DISTRICT, by: "community" }), system)
    expect(byCommunity.map((c) => [c.code, c.households, c.residents])).toEqual([
      [places.c1, 0, 0],
      [places.c2, 3, 5]
    ])
  })

  it("when the head dies and the eldest son takes over, his mother and brother are recorded as such, with history; his wife must be named", async () => {
    const db = await fresh()
    const { kernel, zhang, li, son } = await districtingFixture(db.open())
    db.track(kernel)
    const join = (sequence: string, birth: string, name: string, relation: string) =>
      kernel.exec(
        Registry.commands.registerResident({
          district: DISTRICT,
          document: { type: "resident_id_card", number: residentId("230503", birth, sequence) },
          name,
          address: { compound: "幸福家园", building: "1号楼", unit: "1", flat: "101" },
          household: "H1",
          relation,
          movedIn: "2020-01-01"
        }),
        system
      )
    // 张小 was born in 1960 (the fixture's date): his brother is younger, his wife is the family's only 儿媳.
    const brother = await join("777", "19650505", "张二", "次子")
    const wife = await join("888", "19620202", "陈媳", "儿媳")
    const death = (relations?: ReadonlyArray<{ resident: string; relation: string }>) =>
      kernel.exec(
        Registry.commands.registerDeath({
          district: DISTRICT,
          resident: zhang.id,
          on: "2021-03-01",
          newHead: son.id,
          ...(relations === undefined ? {} : { relations })
        }),
        system
      )
    const unnamed = await death().catch((e: unknown) => e)
    expect(unnamed).toMatchObject({ code: "REGISTRY.RELATION_TO_NEW_HEAD", subject: zhang.household })
    expect((unnamed as { reason: { en: string } }).reason.en).toContain(wife.id)
    const relation = async (id: string) =>
      (await kernel.exec(Registry.queries.resident({ district: DISTRICT, id }), system)).relation
    // Refused whole: the head is still alive and everyone's relation is as it was.
    expect(await Promise.all([zhang.id, li.id, son.id, brother.id, wife.id].map(relation))).toEqual([
      "02",
      "10",
      "22",
      "23",
      "38"
    ])
    const stranger = await death([{ resident: zhang.id, relation: "10" }]).catch((e: unknown) => e)
    expect(stranger).toMatchObject({ code: "REGISTRY.NOT_MEMBER", subject: zhang.id })
    await death([{ resident: wife.id, relation: "12" }])
    expect(await Promise.all([son.id, li.id, brother.id, wife.id].map(relation))).toEqual(["02", "52", "73", "12"])
    // The roster of a past date still shows the relations to the old head.
    const rosterOn = async (on: string) =>
      Object.fromEntries(
        (await kernel.exec(Registry.queries.roster({ district: DISTRICT, grid: places.g1, on }), system))
          .filter((r) => [li.id, brother.id].includes(r.id))
          .map((r) => [r.id, r.relation])
      )
    expect(await rosterOn("2021-02-28")).toEqual({ [li.id]: "10", [brother.id]: "23" })
    expect(await rosterOn("2021-03-01")).toEqual({ [li.id]: "52", [brother.id]: "73" })
  })

  it("a head cannot move out without a new head; a move out and a death end residences and keep the record", async () => {
    const db = await fresh()
    const { kernel, zhang, li, wang } = await districtingFixture(db.open())
    db.track(kernel)
    const headless = await kernel
      .exec(Registry.commands.moveOut({ district: DISTRICT, resident: zhang.id, on: "2021-05-01" }), system)
      .catch((e: unknown) => e)
    expect(headless).toMatchObject({ code: "REGISTRY.HEAD_LEAVES", subject: zhang.household })
    await kernel.exec(
      Registry.commands.moveOut({ district: DISTRICT, resident: zhang.id, on: "2021-05-01", newHead: li.id }),
      system
    )
    const heir = await kernel.exec(Registry.queries.resident({ district: DISTRICT, id: li.id }), system)
    expect(heir.relation).toBe("02")
    const gone = await kernel.exec(Registry.queries.resident({ district: DISTRICT, id: zhang.id }), system)
    expect([gone.household, gone.scopePath]).toEqual([null, gridPath(places.c1, places.g1)])
    const gridOf = (id: string, on: string) =>
      kernel.exec(Registry.queries.gridOf({ district: DISTRICT, resident: id, on }), system)
    expect([await gridOf(zhang.id, "2021-04-30"), await gridOf(zhang.id, "2021-05-01")]).toEqual([places.g1, null])
    const again = await kernel
      .exec(Registry.commands.moveOut({ district: DISTRICT, resident: zhang.id, on: "2021-06-01" }), system)
      .catch((e: unknown) => e)
    expect(again).toMatchObject({ code: "REGISTRY.NOT_RESIDENT" })
    await kernel.exec(
      Registry.commands.registerDeath({ district: DISTRICT, resident: wang.id, on: "2021-02-03" }),
      system
    )
    const roster = await kernel.exec(Registry.queries.roster({ district: DISTRICT, grid: places.g1 }), system)
    expect(names(roster)).toEqual(["张小", "李四", "赵六"])
    const pastRoster = await kernel.exec(
      Registry.queries.roster({ district: DISTRICT, grid: places.g1, on: "2021-01-01" }),
      system
    )
    expect(names(pastRoster)).toEqual(["张三", "张小", "李四", "王五", "赵六"])
    const counts = await kernel.exec(Registry.queries.population({ district: DISTRICT, by: "grid" }), system)
    expect(counts.map((c) => [c.code, c.households, c.residents])).toEqual([
      [places.g1, 2, 3],
      [places.g2, 0, 0],
      [places.g3, 0, 0]
    ])
    const types = (await kernel.events.since({ district: DISTRICT, after: 0 })).map((e) => e.type)
    expect(types.filter((t) => t === "registry.moved-out" || t === "registry.death-registered")).toEqual([
      "registry.moved-out",
      "registry.death-registered"
    ])
  })

  it("a newborn joins a household; the son splits off with his own household and it merges back", async () => {
    const db = await fresh()
    const { kernel, zhang, son } = await districtingFixture(db.open())
    db.track(kernel)
    const baby = await kernel.exec(
      Registry.commands.registerResident({
        district: DISTRICT,
        document: { type: "none" },
        name: "张宝",
        address: { compound: "幸福家园", building: "1号楼", unit: "1", flat: "101" },
        household: "H1",
        relation: "孙子",
        movedIn: "2021-01-10",
        reason: "birth"
      }),
      system
    )
    expect(baby.household).toBe(zhang.household)
    const split = await kernel.exec(
      Registry.commands.splitHousehold({
        district: DISTRICT,
        household: zhang.household,
        members: [
          { resident: son.id, relation: "户主" },
          { resident: baby.id, relation: "子" }
        ],
        number: "H1-2",
        on: "2021-06-01"
      }),
      system
    )
    const list = await kernel.exec(Registry.queries.roster({ district: DISTRICT, grid: places.g1 }), system)
    expect(list.filter((r) => r.household === "H1-2").map((r) => [r.name, r.relation])).toEqual([
      ["张小", "02"],
      ["张宝", "20"]
    ])
    const refused = await kernel
      .exec(
        Registry.commands.mergeHouseholds({
          district: DISTRICT,
          into: zhang.household,
          from: split.household,
          members: [{ resident: son.id, relation: "长子" }],
          on: "2022-01-01"
        }),
        system
      )
      .catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: "REGISTRY.RELATION_MISSING", subject: baby.id })
    await kernel.exec(
      Registry.commands.mergeHouseholds({
        district: DISTRICT,
        into: zhang.household,
        from: split.household,
        members: [
          { resident: son.id, relation: "长子" },
          { resident: baby.id, relation: "孙子" }
        ],
        on: "2022-01-01"
      }),
      system
    )
    const merged = await kernel.exec(Registry.queries.roster({ district: DISTRICT, grid: places.g1 }), system)
    expect(merged.filter((r) => r.name.startsWith("张")).map((r) => r.household)).toEqual(["H1", "H1", "H1"])
    const households = await kernel.exec(Registry.queries.population({ district: DISTRICT, by: "grid" }), system)
    expect(households[0]).toMatchObject({ code: places.g1, households: 3, residents: 6 })
  })
}
