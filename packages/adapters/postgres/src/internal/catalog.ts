import type { CatalogColumn, CatalogForeignKey, CatalogTable, StorageTx } from "@shequ/core"
import { CompiledQuery } from "kysely"

/** The attribute names of `attnums` in `relid`, in the array's order. */
const names = (attnums: string, relid: string) =>
  `ARRAY(SELECT a.attname::text FROM unnest(${attnums}) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_catalog.pg_attribute a ON a.attrelid = ${relid} AND a.attnum = k.attnum ORDER BY k.ord)`

// Ordinary and partitioned tables of the schema ($1), not their partitions.
const tables = `pg_catalog.pg_class t JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace`
const ofSchema = `n.nspname = $1 AND t.relkind IN ('r', 'p') AND NOT t.relispartition`

// A column draws from a sequence when it is an identity or its default calls
// nextval (serial, or a sequence of the migration's own).
const columnsSql = `SELECT t.relname AS table, a.attname AS name,
    pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
    a.attidentity <> '' OR COALESCE(pg_catalog.pg_get_expr(d.adbin, d.adrelid) ~ '\\mnextval\\(', false) AS sequence
  FROM ${tables}
  LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE ${ofSchema}
  ORDER BY t.relname, a.attnum`

// Unique constraints are backed by unique indexes, so pg_index alone covers both.
// Only key columns count, not INCLUDE ones; an index on an expression has no
// column list to report.
const keysSql = `SELECT t.relname AS table, i.indisprimary AS primary,
    ${names("(i.indkey::int2[])[0:i.indnkeyatts - 1]", "i.indrelid")} AS columns
  FROM ${tables}
  JOIN pg_catalog.pg_index i ON i.indrelid = t.oid
  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
  WHERE ${ofSchema} AND i.indisunique AND i.indexprs IS NULL
  ORDER BY t.relname, ic.relname`

const foreignKeysSql = `SELECT t.relname AS table, r.relname AS target,
    ${names("f.conkey", "f.conrelid")} AS columns, ${names("f.confkey", "f.confrelid")} AS references
  FROM ${tables}
  JOIN pg_catalog.pg_constraint f ON f.conrelid = t.oid AND f.contype = 'f'
  JOIN pg_catalog.pg_class r ON r.oid = f.confrelid
  WHERE ${ofSchema}
  ORDER BY t.relname, f.conname`

interface ColumnRow {
  readonly table: string
  readonly name: string | null
  readonly type: string | null
  readonly nullable: boolean | null
  readonly sequence: boolean | null
}

interface KeyRow {
  readonly table: string
  readonly primary: boolean
  readonly columns: Array<string>
}

interface ForeignKeyRow {
  readonly table: string
  readonly target: string
  readonly columns: Array<string>
  readonly references: Array<string>
}

interface Draft {
  readonly name: string
  readonly columns: Array<CatalogColumn>
  primaryKey: ReadonlyArray<string>
  readonly uniqueKeys: Array<ReadonlyArray<string>>
  readonly foreignKeys: Array<CatalogForeignKey>
}

/**
 * Reads the tables of `schema` from pg_catalog: information_schema's views hide
 * constraints of tables the current role does not own.
 */
export const readCatalog = async (tx: StorageTx, schema: string): Promise<ReadonlyArray<CatalogTable>> => {
  const rows = async <R>(text: string) => (await tx.db.executeQuery<R>(CompiledQuery.raw(text, [schema]))).rows
  const [columns, keys, foreignKeys] = await Promise.all([
    rows<ColumnRow>(columnsSql),
    rows<KeyRow>(keysSql),
    rows<ForeignKeyRow>(foreignKeysSql)
  ])

  const drafts = new Map<string, Draft>()
  for (const column of columns) {
    let draft = drafts.get(column.table)
    if (draft === undefined) {
      draft = { name: column.table, columns: [], primaryKey: [], uniqueKeys: [], foreignKeys: [] }
      drafts.set(column.table, draft)
    }
    if (column.name !== null) {
      draft.columns.push({
        name: column.name,
        type: column.type ?? "",
        nullable: column.nullable ?? true,
        sequence: column.sequence ?? false
      })
    }
  }
  for (const key of keys) {
    const draft = drafts.get(key.table)
    if (draft !== undefined && key.primary) draft.primaryKey = key.columns
    else draft?.uniqueKeys.push(key.columns)
  }
  for (const fk of foreignKeys) {
    drafts.get(fk.table)?.foreignKeys.push({ columns: fk.columns, table: fk.target, references: fk.references })
  }
  return [...drafts.values()]
}
