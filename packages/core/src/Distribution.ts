/**
 * The rules that keep the way to a distributed engine open (PostgreSQL with
 * Citus, distributed by district), checked on the engine's own catalogue:
 * - every district table has `district_code`, first in its primary key and in
 *   every unique key (Citus refuses a key without the distribution column);
 * - a foreign key between district tables carries `district_code` in the same
 *   position on both sides (so the rows it joins live on one shard);
 * - any other foreign key points at a reference table, and a reference table
 *   points only at reference tables;
 * - no column draws its value from a sequence: ids are UUIDv7.
 *
 * @since 0.1.0
 */
import type { Text } from "./Errors.js"
import type { CatalogTable, TableRole } from "./Storage.js"

/** The distribution column. @since 0.1.0 */
export const DISTRICT_COLUMN = "district_code"

/**
 * A broken rule: the table and the rule, in both languages.
 *
 * @since 0.1.0
 */
export interface Violation extends Text {
  readonly table: string
  readonly rule: "DISTRICT_COLUMN" | "PRIMARY_KEY" | "UNIQUE_KEY" | "FOREIGN_KEY" | "SEQUENCE"
}

/**
 * Gives each table its role: the ledger, a declared reference table, or a
 * district table.
 *
 * @since 0.1.0
 */
export const roles = (
  tables: ReadonlyArray<CatalogTable>,
  references: ReadonlySet<string>,
  ledgers: ReadonlySet<string>
): ReadonlyArray<TableRole> =>
  tables.map((table) => ({
    table,
    kind: ledgers.has(table.name) ? "ledger" : references.has(table.name) ? "reference" : "district"
  }))

const keyText = (columns: ReadonlyArray<string>) => `(${columns.join(", ")})`

/**
 * Every violation of the distribution rules among these tables.
 *
 * @since 0.1.0
 */
export const check = (tableRoles: ReadonlyArray<TableRole>): ReadonlyArray<Violation> => {
  const kindOf = new Map(tableRoles.map((r) => [r.table.name, r.kind]))
  const out: Array<Violation> = []
  for (const { table, kind } of tableRoles) {
    if (kind === "ledger") continue
    const name = table.name
    for (const column of table.columns) {
      if (column.sequence) {
        out.push({
          table: name,
          rule: "SEQUENCE",
          "zh-CN": `表 ${name} 的列 ${column.name} 取值自序列；主键应使用 UUIDv7`,
          en: `Column ${column.name} of ${name} draws from a sequence; ids must be UUIDv7`
        })
      }
    }
    if (kind === "district") {
      if (!table.columns.some((c) => c.name === DISTRICT_COLUMN)) {
        out.push({
          table: name,
          rule: "DISTRICT_COLUMN",
          "zh-CN": `表 ${name} 没有 district_code 列，也未声明为参照表`,
          en: `Table ${name} has no district_code column and is not declared a reference table`
        })
        continue
      }
      if (table.primaryKey[0] !== DISTRICT_COLUMN) {
        out.push({
          table: name,
          rule: "PRIMARY_KEY",
          "zh-CN": `表 ${name} 的主键 ${keyText(table.primaryKey)} 未以 district_code 开头`,
          en: `The primary key ${keyText(table.primaryKey)} of ${name} does not start with district_code`
        })
      }
      for (const unique of table.uniqueKeys) {
        if (unique[0] !== DISTRICT_COLUMN) {
          out.push({
            table: name,
            rule: "UNIQUE_KEY",
            "zh-CN": `表 ${name} 的唯一键 ${keyText(unique)} 未以 district_code 开头`,
            en: `The unique key ${keyText(unique)} of ${name} does not start with district_code`
          })
        }
      }
    }
    for (const fk of table.foreignKeys) {
      const target = kindOf.get(fk.table)
      const what = `${keyText(fk.columns)} -> ${fk.table}${keyText(fk.references)}`
      if (target === "reference") continue
      if (kind === "district" && target === "district") {
        const at = fk.columns.indexOf(DISTRICT_COLUMN)
        if (at >= 0 && fk.references[at] === DISTRICT_COLUMN) continue
        out.push({
          table: name,
          rule: "FOREIGN_KEY",
          "zh-CN": `表 ${name} 的外键 ${what} 两侧未在同一位置包含 district_code`,
          en: `The foreign key ${what} of ${name} does not carry district_code in the same position on both sides`
        })
        continue
      }
      out.push({
        table: name,
        rule: "FOREIGN_KEY",
        "zh-CN": `表 ${name} 的外键 ${what} 指向的不是参照表`,
        en: `The foreign key ${what} of ${name} points at a table that is not a reference table`
      })
    }
  }
  return out
}
