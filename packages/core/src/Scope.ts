/**
 * Scope: which rows an actor may see. Every scoped row carries the `scope_path`
 * of the grid it belongs to (`230503/230503001/230503001001/G07/`); a grant over
 * a node covers every path that starts with the node's. A core module or plugin
 * declares its tables as scoped by a resident, household, dwelling, building or
 * grid; the kernel writes each new row's path from the one it names, keeps the
 * paths in step when people move or grids are redrawn, and adds the actor's
 * scope to every read of them in a query, so a plugin cannot forget it.
 *
 * @since 0.2.0
 */
import {
  AliasNode,
  ColumnNode,
  type FromNode,
  type InsertQueryNode,
  JoinNode,
  type KyselyPlugin,
  OperationNodeTransformer,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PrimitiveValueListNode,
  type QueryResult,
  QueryNode,
  type RootOperationNode,
  type SelectQueryNode,
  sql,
  TableNode,
  type UnknownRow,
  ValueListNode,
  ValueNode,
  ValuesNode
} from "kysely"

/**
 * What a scoped row belongs to, and so where its scope path comes from.
 *
 * @since 0.2.0
 */
export type ScopedBy = "resident" | "household" | "dwelling" | "building" | "grid"

/**
 * A table declared as scoped: the column holding the id of the resident,
 * household, dwelling, building or grid its rows belong to. The table has
 * `district_code` and `scope_path` (`types.scopePath`) columns.
 *
 * @example
 * ```ts
 * definePlugin({ name: "visits", scopedTables: { visits_visit: { by: "resident", column: "resident_id" } } })
 * ```
 * @since 0.2.0
 */
export interface ScopedTable {
  readonly by: ScopedBy
  readonly column: string
}

/**
 * The upper bound of a scope path's range: every path it covers sorts at or
 * after the path and before this, byte by byte (paths hold codes and `/`, all
 * below `~`).
 *
 * @since 0.2.0
 */
export const upperBound = (path: string): string => `${path}~`

/**
 * The rows a reader may see: paths covered by a grant, and, through temporary
 * access, single residents outside them.
 *
 * @since 0.2.0
 */
export interface Visibility {
  readonly grants: ReadonlyArray<{ readonly district: string; readonly scopePath: string }>
  readonly residents: ReadonlyArray<{ readonly district: string; readonly id: string }>
}

/**
 * A table whose reads are filtered; `residentColumn` names the column holding a
 * resident's id, through which temporary access to that resident shows rows.
 *
 * @since 0.2.0
 */
export interface FilteredTable {
  readonly residentColumn?: string
}

const tableOf = (node: OperationNode): { readonly name: string; readonly ref: string } | undefined => {
  if (TableNode.is(node)) {
    const name = node.table.identifier.name
    return { name, ref: name }
  }
  if (AliasNode.is(node) && TableNode.is(node.node) && node.alias.kind === "IdentifierNode") {
    return { name: node.node.table.identifier.name, ref: (node.alias as unknown as { name: string }).name }
  }
  return undefined
}

/**
 * Adds the reader's scope to every read of a scoped table: in `WHERE` for the
 * tables a query selects from, in `ON` for those it joins (so a left join keeps
 * its outer rows but never shows a row out of scope). Subqueries are reached by
 * the transformer's own recursion.
 */
class ScopeTransformer extends OperationNodeTransformer {
  /** Whether a read reached a resident through temporary access, so it is audited. */
  usedTemporaryAccess = false

  constructor(
    private readonly tables: ReadonlyMap<string, FilteredTable>,
    private readonly visibility: Visibility
  ) {
    super()
  }

  private condition(table: string, ref: string): OperationNode {
    const column = (name: string) => sql.ref(`${ref}.${name}`)
    const ranges = this.visibility.grants.map(
      (g) =>
        sql`(${column("district_code")} = ${g.district} and ${column("scope_path")} >= ${g.scopePath} and ${column(
          "scope_path"
        )} < ${upperBound(g.scopePath)})`
    )
    const residentColumn = this.tables.get(table)?.residentColumn
    const temporary =
      residentColumn === undefined
        ? []
        : this.visibility.residents.map(
            (r) => sql`(${column("district_code")} = ${r.district} and ${column(residentColumn)} = ${r.id})`
          )
    if (temporary.length > 0) this.usedTemporaryAccess = true
    const all = [...ranges, ...temporary]
    return (all.length === 0 ? sql`1 = 0` : sql`(${sql.join(all, sql` or `)})`).toOperationNode()
  }

  protected override transformSelectQuery(node: SelectQueryNode, queryId?: never): SelectQueryNode {
    let out = super.transformSelectQuery(node, queryId)
    for (const from of (out.from as FromNode | undefined)?.froms ?? []) {
      const table = tableOf(from)
      if (table !== undefined && this.tables.has(table.name)) {
        out = QueryNode.cloneWithWhere(out, this.condition(table.name, table.ref))
      }
    }
    if (out.joins !== undefined) {
      const joins = out.joins.map((join) => {
        const table = tableOf(join.table)
        return table !== undefined && this.tables.has(table.name)
          ? JoinNode.cloneWithOn(join, this.condition(table.name, table.ref))
          : join
      })
      out = { ...out, joins }
    }
    return out
  }
}

/**
 * A scope filter: the Kysely plugin the kernel installs on the connection a
 * query runs with, and whether it let a read through by temporary access.
 *
 * @since 0.2.0
 */
export interface Filter {
  readonly plugin: KyselyPlugin
  readonly usedTemporaryAccess: () => boolean
}

const passThrough = (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => Promise.resolve(args.result)

/**
 * Limits every read of a scoped table to what `visibility` allows.
 *
 * @since 0.2.0
 */
export const filter = (tables: ReadonlyMap<string, FilteredTable>, visibility: Visibility): Filter => {
  const transformer = new ScopeTransformer(tables, visibility)
  return {
    plugin: {
      transformQuery: (args: PluginTransformQueryArgs): RootOperationNode => transformer.transformNode(args.node),
      transformResult: passThrough
    },
    usedTemporaryAccess: () => transformer.usedTemporaryAccess
  }
}

/** The registry table (with its `id`) each kind of scoped row takes its path from. */
const ownerTable: Readonly<Record<ScopedBy, string>> = {
  resident: "registry_person",
  household: "registry_household",
  dwelling: "registry_dwelling",
  building: "registry_building",
  grid: "registry_grid"
}

/**
 * Gives every row inserted into a scoped table the `scope_path` of the
 * resident, household, dwelling, building or grid it names, read in the same
 * statement, so a plugin never computes a path and cannot write a wrong one:
 * whatever path the insert carried is replaced. A row naming something the
 * registry does not hold gets no path, and the table's `NOT NULL` refuses it;
 * a row whose reference is empty keeps the path it was given (a record made
 * at a community rather than in one of its grids). Rows inserted from a
 * `SELECT` are left as written.
 *
 * @since 0.3.0
 */
export const fill = (tables: ReadonlyMap<string, ScopedTable>): KyselyPlugin => ({
  transformQuery: (args: PluginTransformQueryArgs): RootOperationNode => {
    const node = args.node
    if (node.kind !== "InsertQueryNode") return node
    const table = node.into === undefined ? undefined : tables.get(node.into.table.identifier.name)
    if (table === undefined || node.values?.kind !== "ValuesNode" || node.columns === undefined) return node
    const names = node.columns.map((c) => c.column.name)
    const district = names.indexOf("district_code")
    const reference = names.indexOf(table.column)
    if (district === -1 || reference === -1) return node
    const given = names.indexOf("scope_path")
    const kept = names.map((_, i) => i).filter((i) => i !== given)
    const owner = sql.table(ownerTable[table.by])
    const rows = (node.values as ValuesNode).values.map((row) => {
      const cells: ReadonlyArray<OperationNode> = PrimitiveValueListNode.is(row)
        ? row.values.map((value) => ValueNode.create(value))
        : row.values
      const named = cells[reference]!
      // A row that names nothing (a check-in made at the community, not in a grid) keeps the path it was given.
      if (given !== -1 && ValueNode.is(named) && (named.value === null || named.value === undefined)) {
        return ValueListNode.create([...kept.map((i) => cells[i]!), cells[given]!])
      }
      const cell = (i: number) => ({ toOperationNode: () => cells[i]! })
      const path = sql`(select scope_path from ${owner} where district_code = ${cell(district)} and id = ${cell(reference)})`
      return ValueListNode.create([...kept.map((i) => cells[i]!), path.toOperationNode()])
    })
    return {
      ...node,
      columns: [...kept.map((i) => node.columns![i]!), ColumnNode.create("scope_path")],
      values: ValuesNode.create(rows)
    } satisfies InsertQueryNode
  },
  transformResult: passThrough
})
