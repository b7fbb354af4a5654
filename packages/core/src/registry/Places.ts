/**
 * The places of a district: streets (街道/乡/林场), communities (社区), grids
 * (网格), compounds (小区), buildings (楼栋) and dwellings (套). Each is found by
 * its code (streets, communities, grids) or name (compounds, buildings), and
 * carries the scope path of the grid it lies in.
 *
 * @since 0.2.0
 */
import { Effect, Schema } from "effect"
import { scopePath } from "../Actor.js"
import { now } from "../Calendar.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import { CoreCode, NotFound, type Text } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command } from "../Plugin.js"
import * as Problems from "../Problems.js"
import { refused } from "./Refused.js"
import { StreetKind } from "./Vocabulary.js"

/** A calendar date, `YYYY-MM-DD`. @since 0.2.0 */
export const IsoDate = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}$/),
  Schema.filter(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)
  ),
  Problems.explain({
    code: "REGISTRY.DATE",
    "zh-CN": "日期应为 YYYY-MM-DD 格式的真实日期",
    en: "A date is a real date as YYYY-MM-DD"
  })
)

const Code = (digits: number, what: { "zh-CN": string; en: string }) =>
  Schema.String.pipe(
    Schema.pattern(new RegExp(`^\\d{${digits}}$`)),
    Problems.explain({
      code: "REGISTRY.PLACE_CODE",
      "zh-CN": `${what["zh-CN"]}代码应为 ${digits} 位数字`,
      en: `A ${what.en} code is ${digits} digits`
    })
  )

/** A street's 9-digit statistical code. @since 0.2.0 */
export const StreetCode = Code(9, { "zh-CN": "街道", en: "street" })
/** A community's 12-digit statistical code. @since 0.2.0 */
export const CommunityCode = Code(12, { "zh-CN": "社区", en: "community" })
/** A grid's code: letters, digits and `-`, unique in its district. @since 0.2.0 */
export const GridCode = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9-]{1,32}$/),
  Problems.explain({
    code: "REGISTRY.PLACE_CODE",
    "zh-CN": "网格代码应为 1 至 32 位字母、数字或 -",
    en: "A grid code is 1 to 32 letters, digits or -"
  })
)

const Name = Schema.NonEmptyTrimmedString

/** A street, community or grid as a row. @since 0.2.0 */
export interface PlaceRow {
  readonly id: string
  readonly code: string
  readonly name: string
  readonly scope_path: string
}

const notFound = (entity: string, id: string) => new NotFound({ code: CoreCode.NotFound, entity, id })

/** A street of the district by code. @since 0.2.0 */
export const streetByCode = (district: string, code: string) =>
  Effect.flatMap(
    Db.use((db) =>
      db
        .selectFrom("registry_street")
        .select(["id", "code", "name", "scope_path"])
        .where("district_code", "=", district)
        .where("code", "=", code)
        .executeTakeFirst()
    ),
    (row) => (row === undefined ? Effect.fail(notFound("street", code)) : Effect.succeed(row as PlaceRow))
  )

/** A community of the district by code. @since 0.2.0 */
export const communityByCode = (district: string, code: string) =>
  Effect.flatMap(
    Db.use((db) =>
      db
        .selectFrom("registry_community")
        .select(["id", "code", "name", "scope_path", "street_id"])
        .where("district_code", "=", district)
        .where("code", "=", code)
        .executeTakeFirst()
    ),
    (row) =>
      row === undefined
        ? Effect.fail(notFound("community", code))
        : Effect.succeed(row as PlaceRow & { street_id: string })
  )

/** A grid of the district by code. @since 0.2.0 */
export const gridByCode = (district: string, code: string) =>
  Effect.flatMap(
    Db.use((db) =>
      db
        .selectFrom("registry_grid")
        .select(["id", "code", "name", "scope_path", "community_id", "retired_on"])
        .where("district_code", "=", district)
        .where("code", "=", code)
        .executeTakeFirst()
    ),
    (row) =>
      row === undefined
        ? Effect.fail(notFound("grid", code))
        : Effect.succeed(row as PlaceRow & { community_id: string; retired_on: string | null })
  )

/** The next free code under a prefix: `prefix` followed by a three-digit number. @since 0.2.0 */
export const nextCode = (
  table: "registry_street" | "registry_community" | "registry_grid",
  district: string,
  prefix: string
) =>
  Effect.map(
    Db.use((db) =>
      db
        .selectFrom(table)
        .select("code")
        .where("district_code", "=", district)
        .where("code", ">=", prefix)
        .where("code", "<", `${prefix}~`)
        .execute()
    ),
    (rows) => {
      const used = new Set((rows as ReadonlyArray<{ code: string }>).map((r) => r.code))
      for (let n = 1; n < 1000; n++) {
        const code = `${prefix}${String(n).padStart(3, "0")}`
        if (!used.has(code)) return code
      }
      return `${prefix}${used.size + 1}`
    }
  )

const taken = (what: Text, value: string) =>
  refused(
    "REGISTRY.PLACE_TAKEN",
    { "zh-CN": `${what["zh-CN"]}已存在：${value}`, en: `There is already a ${what.en} ${value}` },
    value
  )

const districtTarget = (district: string) => ({ district, scopePath: scopePath(district) })

/** Creates a street of the district; shared by the command and the places import. @since 0.2.0 */
export const createStreet = (district: string, name: string, kind: StreetKind, code?: string) =>
  Effect.gen(function* () {
    const streetCode = code ?? (yield* nextCode("registry_street", district, district))
    const clash = yield* Db.use((db) =>
      db
        .selectFrom("registry_street")
        .select("id")
        .where("district_code", "=", district)
        .where((eb) => eb.or([eb("code", "=", streetCode), eb("name", "=", name)]))
        .executeTakeFirst()
    )
    if (clash !== undefined) return yield* taken({ "zh-CN": "街道", en: "street" }, name)
    const id = yield* Ids.next
    const path = scopePath(district, streetCode)
    yield* Db.use((db) =>
      db
        .insertInto("registry_street")
        .values({ district_code: district, id, code: streetCode, name, kind, scope_path: path })
        .execute()
    )
    yield* Events.append({
      type: "registry.street-registered",
      district,
      scopePath: path,
      subject: id,
      payload: { code: streetCode, kind }
    })
    return { id, code: streetCode, name, scope_path: path } satisfies PlaceRow
  })

export const registerStreet = command({
  input: Schema.Struct({ district: DistrictCode, code: Schema.optional(StreetCode), name: Name, kind: StreetKind }),
  target: (input) => districtTarget(input.district),
  run: (input) =>
    Effect.map(createStreet(input.district, input.name, input.kind, input.code), ({ id, code }) => ({ id, code }))
})

/** Creates a community in a street; shared by the command and the places import. @since 0.2.0 */
export const createCommunity = (district: string, street: PlaceRow, name: string, code?: string) =>
  Effect.gen(function* () {
    const communityCode = code ?? (yield* nextCode("registry_community", district, street.code))
    const clash = yield* Db.use((db) =>
      db
        .selectFrom("registry_community")
        .select("id")
        .where("district_code", "=", district)
        .where((eb) => eb.or([eb("code", "=", communityCode), eb("name", "=", name)]))
        .executeTakeFirst()
    )
    if (clash !== undefined) return yield* taken({ "zh-CN": "社区", en: "community" }, name)
    const id = yield* Ids.next
    const path = `${street.scope_path}${communityCode}/`
    yield* Db.use((db) =>
      db
        .insertInto("registry_community")
        .values({ district_code: district, id, street_id: street.id, code: communityCode, name, scope_path: path })
        .execute()
    )
    yield* Events.append({
      type: "registry.community-registered",
      district,
      scopePath: path,
      subject: id,
      payload: { code: communityCode }
    })
    return { id, code: communityCode, name, scope_path: path } satisfies PlaceRow
  })

export const registerCommunity = command({
  input: Schema.Struct({
    district: DistrictCode,
    street: StreetCode,
    code: Schema.optional(CommunityCode),
    name: Name
  }),
  load: (input) => streetByCode(input.district, input.street),
  target: (input, street) => ({ district: input.district, scopePath: street.scope_path }),
  run: (input, street) =>
    Effect.map(createCommunity(input.district, street, input.name, input.code), ({ id, code }) => ({ id, code }))
})

/** Creates a grid in a community; shared by the command, the places import and re-districting. @since 0.2.0 */
export const createGrid = (district: string, community: PlaceRow, name: string, createdOn: string, code?: string) =>
  Effect.gen(function* () {
    const gridCode = code ?? (yield* nextCode("registry_grid", district, community.code))
    const clash = yield* Db.use((db) =>
      db
        .selectFrom("registry_grid")
        .select("id")
        .where("district_code", "=", district)
        .where((eb) =>
          eb.or([eb("code", "=", gridCode), eb.and([eb("community_id", "=", community.id), eb("name", "=", name)])])
        )
        .executeTakeFirst()
    )
    if (clash !== undefined) return yield* taken({ "zh-CN": "网格", en: "grid" }, `${community.name} ${name}`)
    const id = yield* Ids.next
    const path = `${community.scope_path}${gridCode}/`
    yield* Db.use((db) =>
      db
        .insertInto("registry_grid")
        .values({
          district_code: district,
          id,
          community_id: community.id,
          code: gridCode,
          name,
          scope_path: path,
          created_on: createdOn
        })
        .execute()
    )
    yield* Events.append({
      type: "registry.grid-registered",
      district,
      scopePath: path,
      subject: id,
      payload: { code: gridCode }
    })
    return { id, code: gridCode, name, scope_path: path } satisfies PlaceRow
  })

const today = Effect.map(now, (date) => new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 10))

/** Today's date in Asia/Shanghai (UTC+8, no daylight saving). @since 0.2.0 */
export const todayInChina = today

export const registerGrid = command({
  input: Schema.Struct({
    district: DistrictCode,
    community: CommunityCode,
    code: Schema.optional(GridCode),
    name: Name,
    createdOn: Schema.optional(IsoDate)
  }),
  load: (input) => communityByCode(input.district, input.community),
  target: (input, community) => ({ district: input.district, scopePath: community.scope_path }),
  run: (input, community) =>
    Effect.gen(function* () {
      const grid = yield* createGrid(
        input.district,
        community,
        input.name,
        input.createdOn ?? (yield* today),
        input.code
      )
      return { id: grid.id, code: grid.code }
    })
})

/** Finds or creates a compound by name. @since 0.2.0 */
export const compoundId = (district: string, name: string, create: boolean) =>
  Effect.gen(function* () {
    const row = yield* Db.use((db) =>
      db
        .selectFrom("registry_compound")
        .select("id")
        .where("district_code", "=", district)
        .where("name", "=", name)
        .executeTakeFirst()
    )
    if (row !== undefined) return String(row.id)
    if (!create) return yield* notFound("compound", name)
    const id = yield* Ids.next
    yield* Db.use((db) => db.insertInto("registry_compound").values({ district_code: district, id, name }).execute())
    yield* Events.append({
      type: "registry.compound-registered",
      district,
      scopePath: scopePath(district),
      subject: id
    })
    return id
  })

export const registerCompound = command({
  input: Schema.Struct({ district: DistrictCode, name: Name }),
  target: (input) => districtTarget(input.district),
  run: (input) => Effect.map(compoundId(input.district, input.name, true), (id) => ({ id }))
})

/** Places a new building of a compound in a grid, with its history's first row. @since 0.2.0 */
export const createBuilding = (
  district: string,
  compound: string,
  name: string,
  grid: PlaceRow,
  flats: number | undefined,
  validFrom: string
) =>
  Effect.gen(function* () {
    const clash = yield* Db.use((db) =>
      db
        .selectFrom("registry_building")
        .select("id")
        .where("district_code", "=", district)
        .where("compound_id", "=", compound)
        .where("name", "=", name)
        .executeTakeFirst()
    )
    if (clash !== undefined) return yield* taken({ "zh-CN": "楼栋", en: "building" }, name)
    const id = yield* Ids.next
    yield* Db.use((db) =>
      db
        .insertInto("registry_building")
        .values({
          district_code: district,
          id,
          compound_id: compound,
          name,
          grid_id: grid.id,
          flats: flats ?? null,
          scope_path: grid.scope_path
        })
        .execute()
    )
    yield* Db.use((db) =>
      db
        .insertInto("registry_building_grid")
        .values({ district_code: district, building_id: id, valid_from: validFrom, valid_to: null, grid_id: grid.id })
        .execute()
    )
    return id
  })

export const registerBuilding = command({
  input: Schema.Struct({
    district: DistrictCode,
    compound: Name,
    name: Name,
    grid: GridCode,
    flats: Schema.optional(Schema.Int.pipe(Schema.positive())),
    since: Schema.optional(IsoDate)
  }),
  load: (input) => gridByCode(input.district, input.grid),
  target: (input, grid) => ({ district: input.district, scopePath: grid.scope_path }),
  run: (input, grid) =>
    Effect.gen(function* () {
      const compound = yield* compoundId(input.district, input.compound, true)
      const id = yield* createBuilding(
        input.district,
        compound,
        input.name,
        grid,
        input.flats,
        input.since ?? (yield* today)
      )
      yield* Events.append({
        type: "registry.building-registered",
        district: input.district,
        scopePath: grid.scope_path,
        subject: id
      })
      return { id }
    })
})

/** Finds the dwelling of a building by unit and flat, creating it on first mention. @since 0.2.0 */
export const dwellingId = (
  district: string,
  building: { id: string; scope_path: string },
  unit: string,
  flat: string
) =>
  Effect.gen(function* () {
    const row = yield* Db.use((db) =>
      db
        .selectFrom("registry_dwelling")
        .select("id")
        .where("district_code", "=", district)
        .where("building_id", "=", building.id)
        .where("unit", "=", unit)
        .where("flat", "=", flat)
        .executeTakeFirst()
    )
    if (row !== undefined) return String(row.id)
    const id = yield* Ids.next
    yield* Db.use((db) =>
      db
        .insertInto("registry_dwelling")
        .values({
          district_code: district,
          id,
          building_id: building.id,
          unit,
          flat,
          occupancy: null,
          scope_path: building.scope_path
        })
        .execute()
    )
    return id
  })

export const setGridHouseholdRange = command({
  input: Schema.Struct({
    district: DistrictCode,
    min: Schema.Int.pipe(Schema.positive()),
    max: Schema.Int.pipe(Schema.positive())
  }).pipe(
    Schema.filter((r) => r.min <= r.max || { path: ["max"], message: "max < min" }),
    Problems.explain({
      code: "REGISTRY.RANGE",
      "zh-CN": "上限不能小于下限",
      en: "The maximum cannot be below the minimum"
    })
  ),
  target: (input) => districtTarget(input.district),
  run: (input) =>
    Effect.gen(function* () {
      yield* Db.use((db) =>
        db
          .updateTable("registry_district")
          .set({ grid_households_min: input.min, grid_households_max: input.max })
          .where("district_code", "=", input.district)
          .execute()
      )
      yield* Events.append({
        type: "registry.grid-household-range-set",
        district: input.district,
        scopePath: scopePath(input.district),
        payload: { min: input.min, max: input.max }
      })
    })
})
