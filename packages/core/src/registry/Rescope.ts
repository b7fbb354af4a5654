/**
 * Keeping `scope_path` in step. Every scoped row (the registry's and every
 * plugin's, as their `scopedTables` declare) carries the scope path of the grid
 * its resident, household, dwelling, building or grid lies in; when a building
 * changes grid, a household or a resident moves, or a grid moves to another
 * community, the commands that do it call these functions in their own
 * transaction, so no row is ever left with a stale path.
 *
 * Every statement is set-based (`UPDATE … WHERE column IN (SELECT …)`) and uses
 * only SQL both engines share: correlated subqueries, `coalesce`, `||` and
 * `substr`.
 *
 * @since 0.2.0
 */
import { Context, Effect, Option } from "effect"
import { sql, type Kysely, type RawBuilder, type SqlBool } from "kysely"
import * as Db from "../Db.js"
import type { StorageError } from "../Errors.js"
import { type ScopedTable, upperBound } from "../Scope.js"

/**
 * The scoped tables every module and plugin of the kernel declared, by table
 * name, with the plugin that owns each. The kernel provides it to every unit of
 * work; the rescoper reads it to reach tables it does not know of.
 *
 * @since 0.2.0
 */
export class ScopedTables extends Context.Tag("@shequ/core/ScopedTables")<
  ScopedTables,
  ReadonlyMap<string, ScopedTable & { readonly owner: string }>
>() {}

/**
 * The kernel's scoped tables. Read as an option (like the key) so the plugin
 * API's service list stays as it is; a unit of work always has it, and running
 * without it would leave plugins' rows behind, so that is a defect, not a
 * silent skip.
 */
const scopedTables = Effect.flatMap(Effect.serviceOption(ScopedTables), (tables) =>
  Option.isSome(tables)
    ? Effect.succeed(tables.value)
    : Effect.dieMessage("ScopedTables is not provided: scope paths can only be kept in step inside a unit of work")
)

/**
 * What moved: buildings that changed grid (their dwellings, households and
 * residents follow), households that moved to another dwelling (their
 * residents follow) and residents that moved on their own. The commands update
 * the registry's own links (`grid_id`, `dwelling_id`, `building_id`) first;
 * the paths are then derived from those links.
 *
 * @since 0.2.0
 */
export interface Moved {
  readonly buildings?: ReadonlyArray<string>
  readonly households?: ReadonlyArray<string>
  readonly residents?: ReadonlyArray<string>
}

// Well below SQLite's and PostgreSQL's limits on bound parameters per statement.
const CHUNK = 500

const chunks = <A>(all: ReadonlyArray<A>): ReadonlyArray<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let at = 0; at < all.length; at += CHUNK) out.push(all.slice(at, at + CHUNK))
  return out
}

const list = (ids: ReadonlyArray<string>) =>
  sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `
  )

/**
 * The scope path a row of `table` should have, from the registry's links: a
 * correlated subquery on the row's `column`, or `null` when the link is gone
 * (a resident who moved out or died keeps the path of the grid they left).
 */
const source = (by: ScopedTable["by"], table: string, column: string): RawBuilder<string | null> => {
  const outer = sql.ref(`${table}.${column}`)
  const district = sql.ref(`${table}.district_code`)
  switch (by) {
    case "grid":
      return sql`(select g.scope_path from registry_grid g where g.district_code = ${district} and g.id = ${outer})`
    case "building":
      return sql`(select b.scope_path from registry_building b where b.district_code = ${district} and b.id = ${outer})`
    case "dwelling":
      return sql`(select b.scope_path from registry_dwelling d join registry_building b on b.district_code = d.district_code and b.id = d.building_id where d.district_code = ${district} and d.id = ${outer})`
    case "household":
      return sql`(select b.scope_path from registry_household h join registry_dwelling d on d.district_code = h.district_code and d.id = h.dwelling_id join registry_building b on b.district_code = d.district_code and b.id = d.building_id where h.district_code = ${district} and h.id = ${outer})`
    case "resident":
      return sql`(select b.scope_path from registry_person p join registry_building b on b.district_code = p.district_code and b.id = p.building_id where p.district_code = ${district} and p.id = ${outer})`
  }
}

/** Which rows of a table scoped `by` one level are touched by one chunk of what moved. */
const affected = (
  by: ScopedTable["by"],
  column: RawBuilder<unknown>,
  district: string,
  kind: keyof Moved,
  ids: ReadonlyArray<string>
): RawBuilder<SqlBool> | undefined => {
  const inIds = sql<SqlBool>`${column} in (${list(ids)})`
  if (kind === "buildings") {
    switch (by) {
      case "building":
        return inIds
      case "dwelling":
        return sql`${column} in (select d.id from registry_dwelling d where d.district_code = ${district} and d.building_id in (${list(ids)}))`
      case "household":
        return sql`${column} in (select h.id from registry_household h join registry_dwelling d on d.district_code = h.district_code and d.id = h.dwelling_id where h.district_code = ${district} and d.building_id in (${list(ids)}))`
      case "resident":
        return sql`${column} in (select p.id from registry_person p where p.district_code = ${district} and p.building_id in (${list(ids)}))`
      default:
        return undefined
    }
  }
  if (kind === "households") {
    switch (by) {
      case "household":
        return inIds
      case "resident":
        return sql`${column} in (select p.id from registry_person p where p.district_code = ${district} and p.household_id in (${list(ids)}))`
      default:
        return undefined
    }
  }
  return by === "resident" ? inIds : undefined
}

const run = (statement: RawBuilder<unknown>, operation: string) =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  Db.use((db: Kysely<any>) => statement.execute(db), operation)

/**
 * Re-derives `scope_path` of every row, in every declared scoped table, that
 * belongs to what moved: for a building, the building itself, its dwellings,
 * the households living in them and their residents, and every plugin row
 * that references any of them.
 *
 * @example
 * ```ts
 * yield* Db.use((db) => db.updateTable("registry_building").set({ grid_id }).where(...).execute())
 * yield* Rescope.rescope(district, { buildings: [buildingId] })
 * ```
 * @since 0.2.0
 */
export const rescope = (district: string, moved: Moved): Effect.Effect<void, StorageError, Db.Db> =>
  Effect.gen(function* () {
    const tables = yield* scopedTables
    // A building's own path comes from its grid; every other level's path comes from the building's.
    for (const ids of chunks(moved.buildings ?? [])) {
      yield* run(
        sql`update registry_building set scope_path = (select g.scope_path from registry_grid g where g.district_code = registry_building.district_code and g.id = registry_building.grid_id) where registry_building.district_code = ${district} and registry_building.id in (${list(ids)})`,
        "rescope registry_building"
      )
    }
    const ordered = [...tables].sort(([, a], [, b]) => rank[a.by] - rank[b.by])
    for (const kind of ["buildings", "households", "residents"] as const) {
      for (const ids of chunks(moved[kind] ?? [])) {
        for (const [table, scoped] of ordered) {
          if (table === "registry_building") continue
          const column = sql.ref(`${table}.${scoped.column}`)
          const where = affected(scoped.by, column, district, kind, ids)
          if (where === undefined) continue
          const path = source(scoped.by, table, scoped.column)
          yield* run(
            sql`update ${sql.table(table)} set scope_path = coalesce(${path}, ${sql.ref(`${table}.scope_path`)}) where ${sql.ref(
              `${table}.district_code`
            )} = ${district} and ${where}`,
            `rescope ${table}`
          )
        }
      }
    }
  })

// The order paths are derived in: each level's source is the building's path, set first.
const rank: Record<ScopedTable["by"], number> = { grid: 0, building: 1, dwelling: 2, household: 3, resident: 4 }

/**
 * Rewrites the start of every scope path under `from` to `to`, in every
 * declared scoped table and in the role grants (`core_role_grant`): what a grid
 * moving to another community does to the paths of everything in it, and to
 * the scopes of the staff who hold it.
 *
 * @example
 * ```ts
 * yield* Rescope.rewritePrefix("230503", "230503/230503001/230503001001/G07/", "230503/230503001/230503001002/G07/")
 * ```
 * @since 0.2.0
 */
export const rewritePrefix = (district: string, from: string, to: string): Effect.Effect<void, StorageError, Db.Db> =>
  Effect.gen(function* () {
    if (from === to) return
    const tables = yield* scopedTables
    for (const table of [...tables.keys(), "core_role_grant"]) {
      const path = sql.ref(`${table}.scope_path`)
      const under = sql<SqlBool>`${path} >= ${from} and ${path} < ${upperBound(from)}`
      yield* run(
        sql`update ${sql.table(table)} set scope_path = ${to} || substr(${path}, cast(${from.length + 1} as integer)) where ${sql.ref(
          `${table}.district_code`
        )} = ${district} and ${under}`,
        `rewrite scope paths of ${table}`
      )
    }
  })
