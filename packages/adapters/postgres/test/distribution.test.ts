import type { CatalogTable, TableRole } from "@shequ/core"
import { describe, expect, it } from "vitest"
import { distributionPlan } from "../src/index.js"

const table = (name: string, parents: ReadonlyArray<string> = []): CatalogTable => ({
  name,
  columns: [],
  primaryKey: ["district_code", "id"],
  uniqueKeys: [],
  foreignKeys: parents.map((parent) => ({
    columns: ["district_code", `${parent}_id`],
    table: parent,
    references: ["district_code", "id"]
  }))
})

const district = (name: string, parents?: ReadonlyArray<string>): TableRole => ({
  table: table(name, parents),
  kind: "district"
})
const reference = (name: string, parents?: ReadonlyArray<string>): TableRole => ({
  table: table(name, parents),
  kind: "reference"
})

const guard = (relation: string) =>
  `IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = '${relation}'::regclass) THEN PERFORM `

const relationOf = (statement: string) => /logicalrelid = '(.+?)'::regclass/.exec(statement)?.[1]

describe("distributionPlan", () => {
  const roles = [
    district("visit", ["resident", "service_menu"]),
    district("resident", ["household", "resident"]),
    { table: table("migration"), kind: "ledger" } as const,
    reference("service_menu", ["service_kind"]),
    district("household"),
    reference("service_kind")
  ]
  const plan = distributionPlan("shequ", roles)

  it("makes reference tables first, then district tables, each after the tables it points at", () => {
    expect(plan.map(relationOf)).toEqual([
      '"shequ"."service_kind"',
      '"shequ"."service_menu"',
      '"shequ"."household"',
      '"shequ"."resident"',
      '"shequ"."visit"'
    ])
  })

  it("leaves the ledger on the coordinator", () => {
    expect(plan.some((statement) => statement.includes("migration"))).toBe(false)
  })

  it("guards every statement, so the plan can run again", () => {
    expect(plan[0]).toBe(
      `DO $$ BEGIN ${guard('"shequ"."service_kind"')}create_reference_table('"shequ"."service_kind"'); END IF; END $$`
    )
    for (const statement of plan) expect(statement).toContain(guard(relationOf(statement)!))
  })

  it("shards district tables by district_code, co-located with the first", () => {
    expect(plan.slice(2)).toEqual([
      `DO $$ BEGIN ${guard('"shequ"."household"')}create_distributed_table('"shequ"."household"', 'district_code', colocate_with => 'default'); END IF; END $$`,
      `DO $$ BEGIN ${guard('"shequ"."resident"')}create_distributed_table('"shequ"."resident"', 'district_code', colocate_with => '"shequ"."household"'); END IF; END $$`,
      `DO $$ BEGIN ${guard('"shequ"."visit"')}create_distributed_table('"shequ"."visit"', 'district_code', colocate_with => '"shequ"."household"'); END IF; END $$`
    ])
  })

  it("quotes names that need it, inside identifiers, literals and the dollar quote", () => {
    const [statement] = distributionPlan('odd "schema"', [reference("it's $$ here")])
    expect(statement).toBe(
      `DO $shequ0$ BEGIN ${guard(`"odd ""schema"""."it''s $$ here"`)}create_reference_table('"odd ""schema"""."it''s $$ here"'); END IF; END $shequ0$`
    )
  })

  it("refuses foreign keys that go round in a circle", () => {
    expect(() => distributionPlan("shequ", [district("a", ["b"]), district("b", ["c"]), district("c", ["a"])])).toThrow(
      "a -> b -> c -> a"
    )
  })

  it("has nothing to do for a schema without tables", () => {
    expect(distributionPlan("shequ", [])).toEqual([])
  })
})
