/**
 * The plugin under test: one district table of household visit readings, with
 * its primary key and two secondary indexes a real plugin would have, and a bulk
 * importer whose row schema checks every field.
 */
import { DistrictCode, definePlugin, importer, type Migration } from "@shequ/core"
import { Schema } from "effect"

export const TABLE = "bench_reading"

/** The table's columns, in the order both paths write them. */
export const COLUMNS = [
  "district_code",
  "id",
  "household_id",
  "resident_name",
  "age",
  "sex",
  "phone_hash",
  "grid",
  "visits",
  "score",
  "note",
  "visited_at",
  "active"
] as const

const readingTable: Migration.Migration = {
  name: "0001_bench_reading",
  up: ({ db, dialect, types }) => [
    db.schema
      .createTable(TABLE)
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("id", types.id, (c) => c.notNull())
      .addColumn("household_id", "text", (c) => c.notNull())
      .addColumn("resident_name", "text", (c) => c.notNull())
      .addColumn("age", "integer", (c) => c.notNull())
      .addColumn("sex", "text", (c) => c.notNull())
      .addColumn("phone_hash", "text", (c) => c.notNull())
      .addColumn("grid", "text", (c) => c.notNull())
      .addColumn("visits", "integer", (c) => c.notNull())
      .addColumn("score", dialect === "postgres" ? "double precision" : "real", (c) => c.notNull())
      .addColumn("note", "text")
      .addColumn("visited_at", types.timestamp, (c) => c.notNull())
      .addColumn("active", types.boolean, (c) => c.notNull())
      .addPrimaryKeyConstraint("bench_reading_pk", ["district_code", "id"]),
    // A grid's visits in time order: the grid worker's list.
    db.schema.createIndex("bench_reading_grid_idx").on(TABLE).columns(["district_code", "grid", "visited_at"]),
    // A household's history.
    db.schema.createIndex("bench_reading_household_idx").on(TABLE).columns(["district_code", "household_id"])
  ]
}

/** One row as the importer validates it: the encoded side is what the generator yields. */
export const ReadingRow = Schema.Struct({
  householdId: Schema.String.pipe(Schema.pattern(/^HH\d{8}$/)),
  residentName: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(40)),
  age: Schema.Int.pipe(Schema.between(0, 130)),
  sex: Schema.Literal("F", "M"),
  phoneHash: Schema.String.pipe(Schema.pattern(/^[0-9a-f]{16}$/)),
  grid: Schema.String.pipe(Schema.pattern(/^\d{9}-\d{3}$/)),
  visits: Schema.Int.pipe(Schema.nonNegative()),
  score: Schema.Finite.pipe(Schema.between(0, 100)),
  note: Schema.optionalWith(Schema.NullOr(Schema.String.pipe(Schema.maxLength(500))), { default: () => null }),
  visitedAt: Schema.Date,
  active: Schema.Boolean
})

const readings = importer({
  meta: Schema.Struct({ district: DistrictCode }),
  row: ReadingRow,
  target: (meta) => ({ district: meta.district, scopePath: `${meta.district}/` }),
  table: TABLE,
  columns: COLUMNS,
  toRow: (row, meta, id) => [
    meta.district,
    id,
    row.householdId,
    row.residentName,
    row.age,
    row.sex,
    row.phoneHash,
    row.grid,
    row.visits,
    row.score,
    row.note,
    row.visitedAt,
    row.active
  ],
  event: "bench.readings-imported"
})

/** The benchmark's plugin. */
export const bench = definePlugin({
  name: "bench",
  version: "1.0.0",
  migrations: [readingTable],
  imports: { readings },
  policies: { readings: ["community_worker"] },
  labels: {
    "bench.readings-imported": { "zh-CN": "走访记录已导入", en: "Visit readings imported" }
  }
})
