/**
 * Re-districting (调整社区布局、优化网格): a plan that creates grids, moves
 * buildings between grids, moves grids to another community and retires grids
 * left empty, applied as one command, all or nothing, with history.
 *
 * - A building's grid is kept as history (`registry_building_grid`): each move
 *   closes the building's open row on the effective date and opens the next, so
 *   the grid a resident lived in on any date is derived from where they lived
 *   (`registry_residence`, which a plan never touches) and this history.
 * - A grid moved to another community keeps its code (codes are unique in the
 *   district, and staff, reports and the paper records use them); only its
 *   community and its scope path change. A code that embeds the old community's
 *   code then no longer matches it; that is accepted, as in practice.
 * - The scope path of every scoped row, the registry's and every plugin's, and
 *   of the role grants under a moved grid, follows in the same transaction.
 *
 * @since 0.2.0
 */
import { Effect, Schema } from "effect"
import { scopePath } from "../Actor.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import type { Problem, Text } from "../Errors.js"
import * as Events from "../Events.js"
import { command } from "../Plugin.js"
import { CommunityCode, createGrid, GridCode, IsoDate } from "./Places.js"
import * as Rescope from "./Rescope.js"
import { endPost, openPosts } from "./Staff.js"

const Name = Schema.NonEmptyTrimmedString

/** A grid, by its code or by the names of its street, community and itself. @since 0.2.0 */
export const GridRef = Schema.Union(GridCode, Schema.Struct({ street: Name, community: Name, grid: Name }))

/** @since 0.2.0 */
export type GridRef = typeof GridRef.Type

/**
 * A re-districting plan. Grids are named by code or by names; the shapes the
 * `lingdong` example's generator writes (`{ street, community, grid, code }`
 * for a new grid, `{ compound, building, street, community, grid }` for a
 * move) are accepted as they are.
 *
 * @example
 * ```ts
 * Registry.commands.applyPlan({
 *   district: "230503",
 *   effectiveOn: "2020-07-01",
 *   createGrids: [{ community: "230503001001", code: "230503001001027", name: "第27网格" }],
 *   moveBuildings: [{ compound: "幸福家园", building: "1号楼", toGrid: "230503001001027" }],
 *   retireGrids: ["230503001001003"],
 *   moveGrids: [{ grid: "230503001001005", toCommunity: "230503001002" }]
 * })
 * ```
 * @since 0.2.0
 */
export const Plan = Schema.Struct({
  district: DistrictCode,
  effectiveOn: IsoDate,
  createGrids: Schema.optionalWith(
    Schema.Array(
      Schema.Union(
        Schema.Struct({ community: CommunityCode, code: GridCode, name: Name }),
        Schema.Struct({ street: Name, community: Name, grid: Name, code: GridCode })
      )
    ),
    { default: () => [] }
  ),
  moveBuildings: Schema.optionalWith(
    Schema.Array(
      Schema.Union(
        Schema.Struct({ compound: Name, building: Name, toGrid: GridRef }),
        Schema.Struct({ compound: Name, building: Name, street: Name, community: Name, grid: Name })
      )
    ),
    { default: () => [] }
  ),
  retireGrids: Schema.optionalWith(Schema.Array(GridRef), { default: () => [] }),
  moveGrids: Schema.optionalWith(Schema.Array(Schema.Struct({ grid: GridRef, toCommunity: CommunityCode })), {
    default: () => []
  })
})

/** @since 0.2.0 */
export type Plan = typeof Plan.Type

/**
 * Codes of the problems a plan can have; each is listed with the plan's path it
 * is at (`moveBuildings[3].toGrid`).
 *
 * @since 0.2.0
 */
export const PlanCode = {
  Refused: "REGISTRY.PLAN_REFUSED",
  Empty: "REGISTRY.PLAN_EMPTY",
  UnknownBuilding: "REGISTRY.PLAN_UNKNOWN_BUILDING",
  UnknownGrid: "REGISTRY.PLAN_UNKNOWN_GRID",
  UnknownCommunity: "REGISTRY.PLAN_UNKNOWN_COMMUNITY",
  GridExists: "REGISTRY.PLAN_GRID_EXISTS",
  GridRetired: "REGISTRY.PLAN_GRID_RETIRED",
  GridNotEmpty: "REGISTRY.PLAN_GRID_NOT_EMPTY",
  Twice: "REGISTRY.PLAN_TWICE",
  BeforeHistory: "REGISTRY.PLAN_BEFORE_HISTORY"
} as const

/**
 * A plan was refused: every problem found is listed, and nothing was written.
 *
 * @since 0.2.0
 */
export class PlanRefused extends Schema.TaggedError<PlanRefused>()("PlanRefused", {
  code: Schema.Literal(PlanCode.Refused),
  problems: Schema.Array(
    Schema.Struct({ path: Schema.String, code: Schema.String, "zh-CN": Schema.String, en: Schema.String })
  )
}) {
  get text(): Text {
    return {
      "zh-CN": `调整方案有 ${this.problems.length} 处问题，未作任何改动`,
      en: `The plan has ${this.problems.length} problem(s); nothing was changed`
    }
  }
  override get message() {
    return [`${this.text.en} / ${this.text["zh-CN"]}`, ...this.problems.map((p) => `${p.path}: ${p.en}`)].join("\n")
  }
}

interface GridRow {
  readonly id: string
  readonly code: string
  readonly name: string
  readonly scope_path: string
  readonly community_id: string
  readonly community: string
  readonly street: string
  readonly created_on: string
  readonly retired_on: string | null
}

interface CommunityRow {
  readonly id: string
  readonly code: string
  readonly name: string
  readonly scope_path: string
  readonly street: string
}

interface BuildingRow {
  readonly id: string
  readonly name: string
  readonly compound: string
  readonly grid_id: string
  readonly valid_from: string | null
}

const names = (street: string, community: string, grid: string) => `${street}\u0000${community}\u0000${grid}`

const describe = (ref: GridRef) => (typeof ref === "string" ? ref : `${ref.street} ${ref.community} ${ref.grid}`)

/** Reads the places a plan names, in a few set-based queries. */
const loadPlaces = (plan: Plan) =>
  Effect.gen(function* () {
    const grids = (yield* Db.use((db) =>
      db
        .selectFrom("registry_grid as g")
        .innerJoin("registry_community as c", (j) =>
          j.onRef("c.district_code", "=", "g.district_code").onRef("c.id", "=", "g.community_id")
        )
        .innerJoin("registry_street as s", (j) =>
          j.onRef("s.district_code", "=", "c.district_code").onRef("s.id", "=", "c.street_id")
        )
        .select([
          "g.id",
          "g.code",
          "g.name",
          "g.scope_path",
          "g.community_id",
          "g.created_on",
          "g.retired_on",
          "c.name as community",
          "s.name as street"
        ])
        .where("g.district_code", "=", plan.district)
        .execute()
    )) as ReadonlyArray<GridRow>
    const communities = (yield* Db.use((db) =>
      db
        .selectFrom("registry_community as c")
        .innerJoin("registry_street as s", (j) =>
          j.onRef("s.district_code", "=", "c.district_code").onRef("s.id", "=", "c.street_id")
        )
        .select(["c.id", "c.code", "c.name", "c.scope_path", "s.name as street"])
        .where("c.district_code", "=", plan.district)
        .execute()
    )) as ReadonlyArray<CommunityRow>
    const compounds = [...new Set(plan.moveBuildings.map((m) => m.compound))]
    const buildings =
      compounds.length === 0
        ? []
        : ((yield* Db.use((db) =>
            db
              .selectFrom("registry_building as b")
              .innerJoin("registry_compound as c", (j) =>
                j.onRef("c.district_code", "=", "b.district_code").onRef("c.id", "=", "b.compound_id")
              )
              .leftJoin("registry_building_grid as bg", (j) =>
                j
                  .onRef("bg.district_code", "=", "b.district_code")
                  .onRef("bg.building_id", "=", "b.id")
                  .on("bg.valid_to", "is", null)
              )
              .select(["b.id", "b.name", "c.name as compound", "b.grid_id", "bg.valid_from"])
              .where("b.district_code", "=", plan.district)
              .where("c.name", "in", compounds)
              .execute()
          )) as ReadonlyArray<BuildingRow>)
    return { grids, communities, buildings }
  })

/** What a valid plan changes, resolved to ids. */
interface Resolved {
  readonly create: ReadonlyArray<{ readonly community: CommunityRow; readonly code: string; readonly name: string }>
  readonly moveGrids: ReadonlyArray<{ readonly grid: GridRow; readonly community: CommunityRow }>
  /** Building id to the code of its new grid (which may be one the plan creates). */
  readonly moveBuildings: ReadonlyMap<string, string>
  readonly retire: ReadonlyArray<{ readonly grid: GridRow; readonly path: string }>
}

const problem = (path: string, code: string, text: Text): Problem => ({ path, code, ...text })

/** Checks the whole plan against the registry and lists every problem. */
const validate = (
  plan: Plan,
  places: Effect.Effect.Success<ReturnType<typeof loadPlaces>>
): { readonly problems: ReadonlyArray<Problem>; readonly resolved: Resolved } => {
  const problems: Array<Problem> = []
  const on = plan.effectiveOn
  const gridByCode = new Map(places.grids.map((g) => [g.code, g]))
  const gridByNames = new Map(places.grids.map((g) => [names(g.street, g.community, g.name), g]))
  const communityByCode = new Map(places.communities.map((c) => [c.code, c]))
  const communityByNames = new Map(places.communities.map((c) => [`${c.street}\u0000${c.name}`, c]))
  const unknownGrid = (path: string, ref: GridRef) =>
    problems.push(
      problem(path, PlanCode.UnknownGrid, {
        "zh-CN": `没有这个网格：${describe(ref)}`,
        en: `There is no grid ${describe(ref)}`
      })
    )
  const existing = (ref: GridRef) =>
    typeof ref === "string" ? gridByCode.get(ref) : gridByNames.get(names(ref.street, ref.community, ref.grid))

  if (plan.createGrids.length + plan.moveBuildings.length + plan.retireGrids.length + plan.moveGrids.length === 0) {
    problems.push(problem("", PlanCode.Empty, { "zh-CN": "调整方案没有任何内容", en: "The plan changes nothing" }))
  }

  // New grids: by code, and by names, so that moves can name them either way.
  const create: Array<Resolved["create"][number]> = []
  const createdCodes = new Set<string>()
  const createdByNames = new Map<string, string>()
  plan.createGrids.forEach((g, i) => {
    const path = `createGrids[${i}]`
    const isCode = !("street" in g)
    const community = isCode
      ? communityByCode.get(g.community)
      : communityByNames.get(`${g.street}\u0000${g.community}`)
    const name = isCode ? g.name : g.grid
    if (community === undefined) {
      problems.push(
        problem(`${path}.community`, PlanCode.UnknownCommunity, {
          "zh-CN": `没有这个社区：${g.community}`,
          en: `There is no community ${g.community}`
        })
      )
      return
    }
    const nameTaken = places.grids.some((x) => x.community_id === community.id && x.name === name)
    if (gridByCode.has(g.code) || createdCodes.has(g.code) || nameTaken) {
      problems.push(
        problem(`${path}.code`, PlanCode.GridExists, {
          "zh-CN": `网格已存在：${g.code} ${name}`,
          en: `There is already a grid ${g.code} or ${name} in ${community.name}`
        })
      )
      return
    }
    createdCodes.add(g.code)
    createdByNames.set(names(community.street, community.name, name), g.code)
    create.push({ community, code: g.code, name })
  })

  // Grids retired by the plan, checked for emptiness once the moves are known.
  const retiring = new Map<string, { readonly grid: GridRow; readonly path: string }>()
  plan.retireGrids.forEach((ref, i) => {
    const path = `retireGrids[${i}]`
    const grid = existing(ref)
    if (grid === undefined) return unknownGrid(path, ref)
    if (retiring.has(grid.id)) {
      problems.push(
        problem(path, PlanCode.Twice, {
          "zh-CN": `网格重复列出：${grid.code}`,
          en: `Grid ${grid.code} is listed twice`
        })
      )
      return
    }
    if (grid.retired_on !== null) {
      problems.push(
        problem(path, PlanCode.GridRetired, {
          "zh-CN": `网格 ${grid.code} 已于 ${grid.retired_on} 撤销`,
          en: `Grid ${grid.code} was retired on ${grid.retired_on}`
        })
      )
      return
    }
    if (on < grid.created_on) {
      problems.push(
        problem(path, PlanCode.BeforeHistory, {
          "zh-CN": `生效日期 ${on} 早于网格 ${grid.code} 的设立日期 ${grid.created_on}`,
          en: `The effective date ${on} is before grid ${grid.code} was created (${grid.created_on})`
        })
      )
    }
    retiring.set(grid.id, { grid, path })
  })

  // Grids moved to another community.
  const moveGrids: Array<Resolved["moveGrids"][number]> = []
  const movedGrids = new Set<string>()
  plan.moveGrids.forEach((m, i) => {
    const path = `moveGrids[${i}]`
    const grid = existing(m.grid)
    const community = communityByCode.get(m.toCommunity)
    if (grid === undefined) unknownGrid(`${path}.grid`, m.grid)
    if (community === undefined) {
      problems.push(
        problem(`${path}.toCommunity`, PlanCode.UnknownCommunity, {
          "zh-CN": `没有这个社区：${m.toCommunity}`,
          en: `There is no community ${m.toCommunity}`
        })
      )
    }
    if (grid === undefined || community === undefined) return
    if (movedGrids.has(grid.id)) {
      problems.push(
        problem(path, PlanCode.Twice, {
          "zh-CN": `网格重复列出：${grid.code}`,
          en: `Grid ${grid.code} is listed twice`
        })
      )
      return
    }
    movedGrids.add(grid.id)
    if (grid.retired_on !== null || retiring.has(grid.id)) {
      problems.push(
        problem(`${path}.grid`, PlanCode.GridRetired, {
          "zh-CN": `网格 ${grid.code} 已撤销或将被撤销，不能划入其他社区`,
          en: `Grid ${grid.code} is or will be retired: it cannot move to another community`
        })
      )
      return
    }
    if (grid.community_id === community.id) return
    const clash =
      places.grids.some((x) => x.community_id === community.id && x.name === grid.name) ||
      create.some((c) => c.community.id === community.id && c.name === grid.name)
    if (clash) {
      problems.push(
        problem(`${path}.grid`, PlanCode.GridExists, {
          "zh-CN": `社区 ${community.name} 已有名为 ${grid.name} 的网格`,
          en: `Community ${community.name} already has a grid named ${grid.name}`
        })
      )
      return
    }
    moveGrids.push({ grid, community })
  })

  // Buildings moved to another grid.
  const buildingByNames = new Map(places.buildings.map((b) => [`${b.compound}\u0000${b.name}`, b]))
  const moveBuildings = new Map<string, string>()
  const seen = new Set<string>()
  plan.moveBuildings.forEach((m, i) => {
    const path = `moveBuildings[${i}]`
    const ref: GridRef = "toGrid" in m ? m.toGrid : { street: m.street, community: m.community, grid: m.grid }
    const refPath = "toGrid" in m ? `${path}.toGrid` : `${path}.grid`
    const building = buildingByNames.get(`${m.compound}\u0000${m.building}`)
    if (building === undefined) {
      problems.push(
        problem(`${path}.building`, PlanCode.UnknownBuilding, {
          "zh-CN": `没有这栋楼：${m.compound} ${m.building}`,
          en: `There is no building ${m.building} in ${m.compound}`
        })
      )
    } else if (seen.has(building.id)) {
      problems.push(
        problem(path, PlanCode.Twice, {
          "zh-CN": `楼栋重复列出：${m.compound} ${m.building}`,
          en: `Building ${m.compound} ${m.building} is listed twice`
        })
      )
      return
    }
    if (building !== undefined) seen.add(building.id)
    const target = existing(ref)
    const createdCode =
      typeof ref === "string"
        ? createdCodes.has(ref)
          ? ref
          : undefined
        : createdByNames.get(names(ref.street, ref.community, ref.grid))
    if (target === undefined && createdCode === undefined) return unknownGrid(refPath, ref)
    if (target !== undefined && (target.retired_on !== null || retiring.has(target.id))) {
      problems.push(
        problem(refPath, PlanCode.GridRetired, {
          "zh-CN": `网格 ${target.code} 已撤销或将被撤销，不能迁入楼栋`,
          en: `Grid ${target.code} is or will be retired: no building can move into it`
        })
      )
      return
    }
    if (building === undefined) return
    if (target !== undefined && target.id === building.grid_id) return
    if (building.valid_from !== null && on <= building.valid_from) {
      problems.push(
        problem(path, PlanCode.BeforeHistory, {
          "zh-CN": `生效日期 ${on} 不晚于楼栋 ${m.compound} ${m.building} 划入现网格的日期 ${building.valid_from}`,
          en: `The effective date ${on} is not after ${m.compound} ${m.building} joined its grid (${building.valid_from})`
        })
      )
      return
    }
    moveBuildings.set(building.id, createdCode ?? target!.code)
  })

  return { problems, resolved: { create, moveGrids, moveBuildings, retire: [...retiring.values()] } }
}

/** How many buildings each of these grids holds now. */
const buildingCounts = (district: string, grids: ReadonlyArray<string>) =>
  grids.length === 0
    ? Effect.succeed(new Map<string, number>())
    : Effect.map(
        Db.use((db) =>
          db
            .selectFrom("registry_building")
            .select(["grid_id", (eb) => eb.fn.countAll<number>().as("n")])
            .where("district_code", "=", district)
            .where("grid_id", "in", grids)
            .groupBy("grid_id")
            .execute()
        ),
        (rows) => new Map(rows.map((r) => [String(r.grid_id), Number(r.n)]))
      )

const CHUNK = 500

export const applyPlan = command({
  input: Plan,
  target: (input) => ({ district: input.district, scopePath: scopePath(input.district) }),
  run: (plan) =>
    Effect.gen(function* () {
      const places = yield* loadPlaces(plan)
      const { problems, resolved } = validate(plan, places)
      const all = [...problems]
      // A retired grid must hold no building once the plan's moves are made.
      const counts = yield* buildingCounts(
        plan.district,
        resolved.retire.map((r) => r.grid.id)
      )
      const movedAway = new Map<string, number>()
      const gridOfBuilding = new Map(places.buildings.map((b) => [b.id, b.grid_id]))
      for (const id of resolved.moveBuildings.keys()) {
        const from = gridOfBuilding.get(id)!
        movedAway.set(from, (movedAway.get(from) ?? 0) + 1)
      }
      for (const { grid, path } of resolved.retire) {
        const left = (counts.get(grid.id) ?? 0) - (movedAway.get(grid.id) ?? 0)
        if (left > 0) {
          all.push(
            problem(path, PlanCode.GridNotEmpty, {
              "zh-CN": `网格 ${grid.code} 调整后仍有 ${left} 栋楼，不能撤销`,
              en: `Grid ${grid.code} would still hold ${left} building(s): it cannot be retired`
            })
          )
        }
      }
      if (all.length > 0) return yield* new PlanRefused({ code: PlanCode.Refused, problems: all })

      const on = plan.effectiveOn
      const created: Array<{ id: string; code: string }> = []
      for (const g of resolved.create) {
        const grid = yield* createGrid(plan.district, g.community, g.name, on, g.code)
        created.push({ id: grid.id, code: grid.code })
      }

      for (const { grid, community } of resolved.moveGrids) {
        yield* Db.use((db) =>
          db
            .updateTable("registry_grid")
            .set({ community_id: community.id })
            .where("district_code", "=", plan.district)
            .where("id", "=", grid.id)
            .execute()
        )
        yield* Rescope.rewritePrefix(plan.district, grid.scope_path, `${community.scope_path}${grid.code}/`)
      }

      // Buildings, grouped by their new grid, so each group is a handful of set-based statements.
      const gridIds = new Map([
        ...places.grids.map((g) => [g.code, g.id] as const),
        ...created.map((g) => [g.code, g.id] as const)
      ])
      const byGrid = new Map<string, Array<string>>()
      for (const [building, code] of resolved.moveBuildings) {
        const id = gridIds.get(code)!
        byGrid.set(id, [...(byGrid.get(id) ?? []), building])
      }
      for (const [grid, buildings] of byGrid) {
        for (let at = 0; at < buildings.length; at += CHUNK) {
          const ids = buildings.slice(at, at + CHUNK)
          yield* Db.use((db) =>
            db
              .updateTable("registry_building")
              .set({ grid_id: grid })
              .where("district_code", "=", plan.district)
              .where("id", "in", ids)
              .execute()
          )
          yield* Db.use((db) =>
            db
              .updateTable("registry_building_grid")
              .set({ valid_to: on })
              .where("district_code", "=", plan.district)
              .where("building_id", "in", ids)
              .where("valid_to", "is", null)
              .execute()
          )
          yield* Db.use((db) =>
            db
              .insertInto("registry_building_grid")
              .values(
                ids.map((id) => ({
                  district_code: plan.district,
                  building_id: id,
                  valid_from: on,
                  valid_to: null,
                  grid_id: grid
                }))
              )
              .execute()
          )
        }
      }
      const moved = [...resolved.moveBuildings.keys()]
      yield* Rescope.rescope(plan.district, { buildings: moved })

      const retired = resolved.retire.map((r) => r.grid.id)
      if (retired.length > 0) {
        yield* Db.use((db) =>
          db
            .updateTable("registry_grid")
            .set({ retired_on: on })
            .where("district_code", "=", plan.district)
            .where("id", "in", retired)
            .execute()
        )
        for (const post of yield* openPosts(plan.district, retired)) {
          yield* endPost(plan.district, post, on, "grid-retired")
        }
      }

      const result = {
        effectiveOn: on,
        createdGrids: created.map((g) => g.id),
        movedBuildings: moved,
        movedGrids: resolved.moveGrids.map((m) => m.grid.id),
        retiredGrids: retired
      }
      yield* Events.append({
        type: "registry.plan-applied",
        district: plan.district,
        scopePath: scopePath(plan.district),
        payload: {
          ...result,
          counts: {
            createdGrids: created.length,
            movedBuildings: moved.length,
            movedGrids: resolved.moveGrids.length,
            retiredGrids: retired.length
          }
        }
      })
      return result
    })
})
