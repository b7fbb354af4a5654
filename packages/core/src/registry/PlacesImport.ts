/**
 * The places import: one row per building, naming its street, community, grid
 * and compound. A street, community, grid or compound the registry does not
 * know is an error, so that a typo does not found a new street, unless the
 * import is asked to create them (`create`), as for a district's first load.
 * Places are few (a district has hundreds of buildings), so the rules run over
 * the staged rows in memory.
 *
 * @since 0.2.0
 */
import { Effect, Schema } from "effect"
import { scopePath } from "../Actor.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import * as Ids from "../Ids.js"
import type { Problem, Text } from "../Errors.js"
import { type ImportBatch, importer, problemAt, refuseRow, type RowProblem } from "../Plugin.js"
import type { ColumnSpec } from "./Csv.js"
import {
  compoundId,
  createCommunity,
  createGrid,
  createStreet,
  IsoDate,
  type PlaceRow,
  todayInChina
} from "./Places.js"
import type { StreetKind } from "./Vocabulary.js"

/**
 * The columns of a places file, with the zh-CN headers of the template.
 *
 * @since 0.2.0
 */
export const placeColumns: ReadonlyArray<ColumnSpec> = [
  { name: "street", aliases: ["街道", "街道（乡镇）", "乡镇"], required: true },
  { name: "community", aliases: ["社区"], required: true },
  { name: "grid", aliases: ["网格"], required: true },
  { name: "compound", aliases: ["小区"], required: true },
  { name: "building", aliases: ["楼栋", "楼号"], required: true },
  { name: "flats", aliases: ["套数", "户数"], required: false }
]

const Cell = Schema.optional(Schema.String)

/** One row of a places file as written. @since 0.2.0 */
export const PlaceImportRow = Schema.Struct({
  street: Cell,
  community: Cell,
  grid: Cell,
  compound: Cell,
  building: Cell,
  flats: Cell
})

/** @since 0.2.0 */
export type PlaceImportRow = typeof PlaceImportRow.Type

/**
 * The codes of the places import's refusals.
 *
 * @since 0.2.0
 */
export const PlacesImportCode = {
  Required: "REGISTRY.REQUIRED",
  Flats: "REGISTRY.FLATS",
  UnknownStreet: "REGISTRY.UNKNOWN_STREET",
  UnknownCommunity: "REGISTRY.UNKNOWN_COMMUNITY",
  CommunityElsewhere: "REGISTRY.COMMUNITY_ELSEWHERE",
  UnknownGrid: "REGISTRY.UNKNOWN_GRID",
  UnknownCompound: "REGISTRY.UNKNOWN_COMPOUND",
  BuildingElsewhere: "REGISTRY.BUILDING_ELSEWHERE",
  DuplicateBuilding: "REGISTRY.BUILDING_DUPLICATE_IN_FILE"
} as const

const Meta = Schema.Struct({
  district: DistrictCode,
  /** Create the streets, communities, grids and compounds the registry does not know yet. */
  create: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  /** The day the buildings joined their grids; today in China by default. */
  since: Schema.optional(IsoDate)
})

type Meta = typeof Meta.Type

interface Staged {
  readonly line: number
  readonly street: string
  readonly community: string
  readonly grid: string
  readonly compound: string
  readonly building: string
  readonly flats: number | null
}

/** The rows that passed, kept from `check` for `settle`. */
export interface PlacesImportContext {
  readonly batch: string
  good: ReadonlyArray<Staged>
}

const required: Text = { "zh-CN": "缺少必填项", en: "is required" }

const toRow = (row: PlaceImportRow, meta: Meta, _id: string, context: PlacesImportContext, line: number) => {
  const problems: Array<RowProblem> = []
  const cells = (["street", "community", "grid", "compound", "building"] as const).map((column) => {
    const value = (row[column] ?? "").trim()
    if (value === "") problems.push({ column, code: PlacesImportCode.Required, ...required })
    return value
  })
  const flatsCell = (row.flats ?? "").trim()
  const flats = flatsCell === "" ? null : Number(flatsCell)
  if (flats !== null && !(Number.isInteger(flats) && flats > 0)) {
    problems.push({
      column: "flats",
      code: PlacesImportCode.Flats,
      "zh-CN": "套数应为正整数",
      en: "The number of flats is a positive whole number"
    })
  }
  if (problems.length > 0) return refuseRow(problems)
  return [meta.district, context.batch, line, ...cells, flats]
}

// Kinds by what the name says: 镇 and 乡 are townships, 林场 a forest farm; a
// street office otherwise. A district that names them otherwise registers its
// streets first, and the import then finds them.
const kindOf = (name: string): StreetKind =>
  /林场$/.test(name) ? "forest_farm" : /[镇乡]$/.test(name) ? "township" : "street_office"

interface Known {
  readonly streets: ReadonlyArray<PlaceRow>
  readonly communities: ReadonlyArray<PlaceRow & { readonly street_id: string }>
  readonly grids: ReadonlyArray<PlaceRow & { readonly community_id: string }>
  readonly compounds: ReadonlyMap<string, string>
  /** `compound\u0000building` -> grid id. */
  readonly buildings: ReadonlyMap<string, string>
}

const known = (district: string) =>
  Effect.gen(function* () {
    const select = <P>(table: string, extra: ReadonlyArray<string> = []) =>
      Db.use(
        (db) =>
          db
            .selectFrom(table)
            .select(["id", "code", "name", "scope_path", ...extra])
            .where("district_code", "=", district)
            .execute() as Promise<unknown> as Promise<ReadonlyArray<P>>
      )
    const streets = yield* select<PlaceRow>("registry_street")
    const communities = yield* select<Known["communities"][number]>("registry_community", ["street_id"])
    const grids = yield* select<Known["grids"][number]>("registry_grid", ["community_id"])
    const compoundRows = (yield* Db.use((db) =>
      db.selectFrom("registry_compound").select(["id", "name"]).where("district_code", "=", district).execute()
    )) as ReadonlyArray<{ id: string; name: string }>
    const buildingRows = (yield* Db.use((db) =>
      db
        .selectFrom("registry_building as b")
        .innerJoin("registry_compound as c", (join) =>
          join.onRef("c.district_code", "=", "b.district_code").onRef("c.id", "=", "b.compound_id")
        )
        .select(["b.name", "b.grid_id", "c.name as compound"])
        .where("b.district_code", "=", district)
        .execute()
    )) as ReadonlyArray<{ name: string; grid_id: string; compound: string }>
    return {
      streets,
      communities,
      grids,
      compounds: new Map(compoundRows.map((row) => [row.name, String(row.id)])),
      buildings: new Map(buildingRows.map((row) => [`${row.compound}\u0000${row.name}`, String(row.grid_id)]))
    } satisfies Known
  })

/** A place by its name or code. */
const named = <P extends PlaceRow>(places: ReadonlyArray<P>, value: string): P | undefined =>
  places.find((place) => place.name === value || place.code === value)

const check = (batch: ImportBatch<Meta, PlacesImportContext>) =>
  Effect.gen(function* () {
    const district = batch.meta.district
    const rows = (yield* Db.use((db) =>
      db
        .selectFrom("registry_import_place")
        .select(["line", "street", "community", "grid", "compound", "building", "flats"])
        .where("district_code", "=", district)
        .where("batch_id", "=", batch.id)
        .orderBy("line")
        .execute()
    )) as ReadonlyArray<Staged>
    const places = yield* known(district)
    const create = batch.meta.create
    // What earlier rows of this file will create: later rows must agree with them.
    const newCommunities = new Map<string, string>()
    const newGrids = new Set<string>()
    const inFile = new Map<string, number>()
    const problems: Array<Problem> = []
    const good: Array<Staged> = []
    for (const row of rows) {
      const line = Number(row.line)
      const before = problems.length
      const street = named(places.streets, row.street)
      if (street === undefined && !create) {
        problems.push(
          problemAt(line, "street", PlacesImportCode.UnknownStreet, {
            "zh-CN": `登记中没有街道“${row.street}”（新建请加 --create）`,
            en: `The registry has no street “${row.street}” (add --create to create it)`
          })
        )
      }
      const community = named(places.communities, row.community)
      const streetOfCommunity =
        community === undefined
          ? newCommunities.get(row.community)
          : places.streets.find((s) => s.id === community.street_id)?.name
      if (community === undefined && !newCommunities.has(row.community) && !create) {
        problems.push(
          problemAt(line, "community", PlacesImportCode.UnknownCommunity, {
            "zh-CN": `登记中没有社区“${row.community}”（新建请加 --create）`,
            en: `The registry has no community “${row.community}” (add --create to create it)`
          })
        )
      } else if (
        streetOfCommunity !== undefined &&
        streetOfCommunity !== (street?.name ?? row.street) &&
        streetOfCommunity !== street?.code
      ) {
        problems.push(
          problemAt(line, "community", PlacesImportCode.CommunityElsewhere, {
            "zh-CN": `社区“${row.community}”属于街道“${streetOfCommunity}”`,
            en: `Community “${row.community}” belongs to street “${streetOfCommunity}”`
          })
        )
      }
      const grid =
        community === undefined
          ? undefined
          : places.grids.find((g) => g.community_id === community.id && (g.name === row.grid || g.code === row.grid))
      const gridKey = `${row.community}\u0000${row.grid}`
      if (grid === undefined && !newGrids.has(gridKey) && !create) {
        problems.push(
          problemAt(line, "grid", PlacesImportCode.UnknownGrid, {
            "zh-CN": `社区“${row.community}”没有网格“${row.grid}”（新建请加 --create）`,
            en: `Community “${row.community}” has no grid “${row.grid}” (add --create to create it)`
          })
        )
      }
      if (!places.compounds.has(row.compound) && !create) {
        problems.push(
          problemAt(line, "compound", PlacesImportCode.UnknownCompound, {
            "zh-CN": `登记中没有小区“${row.compound}”（新建请加 --create）`,
            en: `The registry has no compound “${row.compound}” (add --create to create it)`
          })
        )
      }
      const buildingKey = `${row.compound}\u0000${row.building}`
      const registeredIn = places.buildings.get(buildingKey)
      const first = inFile.get(buildingKey)
      if (first !== undefined) {
        problems.push(
          problemAt(line, "building", PlacesImportCode.DuplicateBuilding, {
            "zh-CN": `楼栋与第 ${first} 行重复`,
            en: `The same building as line ${first}`
          })
        )
      } else if (registeredIn !== undefined && registeredIn !== grid?.id) {
        problems.push(
          problemAt(line, "building", PlacesImportCode.BuildingElsewhere, {
            "zh-CN": `楼栋“${row.compound}${row.building}”已登记在另一网格：调整网格请用重新划片`,
            en: `Building “${row.compound} ${row.building}” is registered in another grid: move it by a re-districting plan`
          })
        )
      }
      inFile.set(buildingKey, first ?? line)
      if (problems.length === before) {
        good.push(row)
        if (community === undefined) newCommunities.set(row.community, street?.name ?? row.street)
        if (grid === undefined) newGrids.add(gridKey)
      }
    }
    batch.context.good = good
    return problems
  })

/** Creates what the good rows name and the registry lacks, in file order, then clears the batch. */
const settle = (batch: ImportBatch<Meta, PlacesImportContext>) =>
  Effect.gen(function* () {
    const district = batch.meta.district
    const since = batch.meta.since ?? (yield* todayInChina)
    const places = yield* known(district)
    const streets = [...places.streets]
    const communities = [...places.communities]
    const grids = [...places.grids]
    const compounds = new Map(places.compounds)
    const counts = { streets: 0, communities: 0, grids: 0, compounds: 0, buildings: 0 }
    const buildings: Array<ReadonlyArray<unknown>> = []
    const history: Array<ReadonlyArray<unknown>> = []
    for (const row of batch.context.good) {
      let street = named(streets, row.street)
      if (street === undefined) {
        street = yield* createStreet(district, row.street, kindOf(row.street))
        streets.push(street)
        counts.streets++
      }
      let community = named(communities, row.community)
      if (community === undefined) {
        community = { ...(yield* createCommunity(district, street, row.community)), street_id: street.id }
        communities.push(community)
        counts.communities++
      }
      const communityId = community.id
      let grid = grids.find((g) => g.community_id === communityId && (g.name === row.grid || g.code === row.grid))
      if (grid === undefined) {
        grid = { ...(yield* createGrid(district, community, row.grid, since)), community_id: communityId }
        grids.push(grid)
        counts.grids++
      }
      let compound = compounds.get(row.compound)
      if (compound === undefined) {
        compound = yield* compoundId(district, row.compound, true)
        compounds.set(row.compound, compound)
        counts.compounds++
      }
      if (!places.buildings.has(`${row.compound}\u0000${row.building}`)) {
        const id = yield* Ids.next
        buildings.push([district, id, compound, row.building, grid.id, row.flats, grid.scope_path])
        history.push([district, id, since, grid.id])
      }
    }
    // Buildings are the many rows of a places file: written in bulk, each with its history's first row.
    counts.buildings = yield* Db.bulkInsert({
      table: "registry_building",
      columns: ["district_code", "id", "compound_id", "name", "grid_id", "flats", "scope_path"],
      rows: buildings
    })
    yield* Db.bulkInsert({
      table: "registry_building_grid",
      columns: ["district_code", "building_id", "valid_from", "grid_id"],
      rows: history
    })
    yield* Db.use((db) =>
      db
        .deleteFrom("registry_import_place")
        .where("district_code", "=", district)
        .where("batch_id", "=", batch.id)
        .execute()
    )
    return { written: counts.buildings, counts }
  })

/**
 * The places import: `kernel.import(Registry.imports.places({ district, create }, rows), actor)`,
 * where `rows` are {@link PlaceImportRow}s or the records `Csv.readCsv(file, { columns: placeColumns })`
 * yields. A building already registered in the same grid is left as it is, so
 * a file can be imported again; one registered in another grid is an error
 * (moving buildings is a re-districting plan).
 *
 * @since 0.2.0
 */
export const places = importer({
  meta: Meta,
  row: PlaceImportRow,
  target: (meta) => ({ district: meta.district, scopePath: scopePath(meta.district) }),
  table: "registry_import_place",
  columns: ["district_code", "batch_id", "line", "street", "community", "grid", "compound", "building", "flats"],
  prepare: (_meta: Meta, batch: string) => Effect.succeed<PlacesImportContext>({ batch, good: [] }),
  toRow,
  check,
  settle,
  event: "registry.places-imported"
})
