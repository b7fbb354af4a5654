/**
 * Migrations, owned by core and by each plugin, written with Kysely's schema
 * builder in the subset both engines support. A migration returns the statements
 * it would run rather than running them, so the kernel can record the SHA-256 of
 * their compiled SQL in the ledger and refuse an applied migration that changed.
 *
 * @since 0.1.0
 */
import { type ColumnDataType, type Compilable, type Expression, type Kysely, type RawBuilder, sql } from "kysely"
import type { Dialect } from "./Storage.js"

/**
 * A column type: one of Kysely's portable names or a raw SQL type.
 *
 * @since 0.1.0
 */
export type ColumnType = ColumnDataType | Expression<unknown>

/**
 * Column types that differ between engines, so migrations stay portable.
 *
 * @since 0.1.0
 */
export interface ColumnTypes {
  /** A UUIDv7 id. */
  readonly id: ColumnType
  /** An instant (timestamptz; ISO-8601 text in SQLite, which sorts in time order). */
  readonly timestamp: ColumnType
  /** A calendar date, `YYYY-MM-DD`. */
  readonly date: ColumnType
  readonly boolean: ColumnType
  readonly json: ColumnType
  readonly bigint: ColumnType
  /** A GB/T 2260 district code. */
  readonly districtCode: ColumnType
  /** A materialised scope path, compared byte by byte so that prefix ranges use the index. */
  readonly scopePath: ColumnType
}

/**
 * What a migration is given.
 *
 * @since 0.1.0
 */
export interface MigrationContext {
  // Tables are created here, so there is nothing to type them with yet.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>
  readonly dialect: Dialect
  readonly types: ColumnTypes
}

/**
 * A migration statement: a schema builder or a raw `sql` fragment.
 *
 * @since 0.1.0
 */
export type Statement = Compilable | RawBuilder<unknown>

/**
 * One migration of one owner. Its name orders it within its owner
 * (`0001_counter`); owners are ordered by plugin requirements, never by name.
 *
 * @example
 * ```ts
 * const migration: Migration = {
 *   name: "0001_counter",
 *   up: ({ db, types }) => [
 *     db.schema.createTable("counter_counter")
 *       .addColumn("district_code", types.districtCode, (c) => c.notNull())
 *       .addColumn("id", types.id, (c) => c.notNull())
 *       .addPrimaryKeyConstraint("counter_counter_pk", ["district_code", "id"])
 *   ]
 * }
 * ```
 * @since 0.1.0
 */
export interface Migration {
  readonly name: string
  readonly up: (context: MigrationContext) => ReadonlyArray<Statement>
}

/**
 * The column types of a dialect.
 *
 * @since 0.1.0
 */
export const columnTypes = (dialect: Dialect): ColumnTypes =>
  dialect === "postgres"
    ? {
        id: "uuid",
        timestamp: "timestamptz",
        date: "date",
        boolean: "boolean",
        json: "jsonb",
        bigint: "bigint",
        districtCode: "text",
        scopePath: sql`text collate "C"`
      }
    : {
        id: "text",
        timestamp: "text",
        date: "text",
        boolean: "integer",
        json: "text",
        bigint: "integer",
        districtCode: "text",
        scopePath: "text"
      }
