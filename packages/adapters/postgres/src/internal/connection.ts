import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from "kysely"
import pg from "pg"

const INT8 = 20
const DATE = 1082

/**
 * Result parsers: `bigint` (counts, sums) becomes a number, as on SQLite;
 * `numeric` stays a string, since it may not fit a double; `date` stays
 * `YYYY-MM-DD`, since pg's default turns it into local midnight, a different
 * day in another time zone.
 */
export const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === INT8) return Number
    if (oid === DATE) return (value: string) => value
    return pg.types.getTypeParser(oid, format)
  }) as pg.CustomTypesConfig["getTypeParser"]
}

/**
 * A parameter as pg should send it: plain objects and arrays become JSON text
 * for `jsonb` (pg itself would turn an array into a PostgreSQL array literal);
 * dates, buffers and scalars pass through for pg's own conversion.
 */
export const toParam = (value: unknown): unknown =>
  value !== null && typeof value === "object" && !(value instanceof Date) && !ArrayBuffer.isView(value)
    ? JSON.stringify(value)
    : value

/**
 * A Kysely instance bound to one transaction: its pool hands out the
 * transaction's connection every time and never releases it (the transaction
 * does, at commit or rollback). `withSchema` qualifies every statement, schema
 * builder included, because a pooler in transaction mode drops `search_path`.
 */
export const transactionDb = (
  query: (config: pg.QueryConfig) => Promise<pg.QueryResult>,
  schema: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Kysely<any> => {
  const connection = {
    query: (text: string, values: ReadonlyArray<unknown>) => query({ text, values: values.map(toParam), types }),
    release: () => {}
  }
  const pool: PostgresPool = {
    // Kysely's other `query` overload takes a cursor, used only when the dialect is given one; this one is not.
    connect: async () => connection as unknown as PostgresPoolClient,
    end: async () => {}
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return new Kysely<any>({ dialect: new PostgresDialect({ pool }) }).withSchema(schema)
}
