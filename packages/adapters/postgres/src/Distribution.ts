/**
 * How the tables are spread over a Citus cluster.
 *
 * @since 0.1.0
 */
import type { CatalogTable, TableRole } from "@shequ/core"
import { dollarQuoted, literal, qualified } from "./internal/sql.js"

/**
 * Orders tables so each comes after the tables (of the same list) its foreign
 * keys point at: Citus refuses to distribute a table whose foreign key points
 * at a table that is still local. Ties keep the given order.
 */
const parentsFirst = (tables: ReadonlyArray<CatalogTable>): Array<CatalogTable> => {
  const byName = new Map(tables.map((table) => [table.name, table]))
  const ordered: Array<CatalogTable> = []
  const state = new Map<string, "visiting" | "done">()
  const visit = (table: CatalogTable, path: ReadonlyArray<string>) => {
    const seen = state.get(table.name)
    if (seen === "done") return
    if (seen === "visiting") {
      throw new Error(`Foreign keys form a cycle, which Citus cannot distribute: ${[...path, table.name].join(" -> ")}`)
    }
    state.set(table.name, "visiting")
    for (const fk of table.foreignKeys) {
      const parent = byName.get(fk.table)
      if (parent !== undefined && parent !== table) visit(parent, [...path, table.name])
    }
    state.set(table.name, "done")
    ordered.push(table)
  }
  for (const table of tables) visit(table, [])
  return ordered
}

/** Runs `call` unless the table is already in Citus's metadata, so re-running the plan changes nothing. */
const guarded = (relation: string, call: string): string =>
  `DO ${dollarQuoted(
    `BEGIN IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = ${literal(relation)}::regclass) ` +
      `THEN PERFORM ${call}; END IF; END`
  )}`

/**
 * The statements that distribute a schema's tables over Citus, in the order to
 * run them: reference tables first (copied whole to every node), then district
 * tables sharded by `district_code`, each after the tables its foreign keys
 * point at, all co-located with the first so joins and foreign keys on
 * `district_code` stay on one node. Ledger tables stay on the coordinator. Every
 * statement is guarded, so the plan can run again after new tables are added.
 *
 * Throws if the foreign keys among tables of one kind form a cycle.
 *
 * @example
 * ```ts
 * import { distributionPlan } from "@shequ/adapter-postgres"
 *
 * for (const statement of distributionPlan("shequ", roles)) console.log(statement + ";")
 * ```
 *
 * @since 0.1.0
 */
export const distributionPlan = (schema: string, roles: ReadonlyArray<TableRole>): Array<string> => {
  const ofKind = (kind: TableRole["kind"]) =>
    parentsFirst(roles.filter((role) => role.kind === kind).map((role) => role.table))
  const reference = ofKind("reference").map((table) => qualified(schema, table.name))
  const district = ofKind("district").map((table) => qualified(schema, table.name))
  return [
    ...reference.map((relation) => guarded(relation, `create_reference_table(${literal(relation)})`)),
    ...district.map((relation, i) =>
      guarded(
        relation,
        `create_distributed_table(${literal(relation)}, 'district_code', ` +
          `colocate_with => ${i === 0 ? "'default'" : literal(district[0]!)})`
      )
    )
  ]
}
