import { createRequire } from "node:module"
import { type ConformancePart, conformance } from "@shequ/core/testing"
import pg from "pg"
import { postgresStorage } from "../src/index.js"
import { dropSchemas, freshSchema, servers } from "./servers.js"

// Writer processes open the storage from its spec, so they load the built package.
const adapterModule = createRequire(import.meta.url).resolve("@shequ/adapter-postgres")

const publicTables = async (url: string): Promise<ReadonlyArray<string>> => {
  const client = new pg.Client(url)
  await client.connect()
  try {
    const { rows } = await client.query<{ relname: string }>(
      `SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public'`
    )
    return rows.map((row) => row.relname)
  } finally {
    await client.end()
  }
}

/**
 * Every row of every table of `schema` in PostgreSQL's text form of a row:
 * column for column what a `pg_dump` of the schema holds besides its DDL
 * (this machine's pg_dump is older than the newest server the suite runs on).
 */
const dumpSchema = async (url: string, schema: string): Promise<Uint8Array> => {
  const client = new pg.Client(url)
  await client.connect()
  try {
    const { rows: tables } = await client.query<{ relname: string }>(
      `SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY c.relname`,
      [schema]
    )
    const parts: Array<string> = []
    for (const { relname } of tables) {
      const { rows } = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${schema}"."${relname}" t`)
      parts.push(`-- ${relname}`, ...rows.map((r) => r.row))
    }
    return Buffer.from(parts.join("\n"), "utf8")
  } finally {
    await client.end()
  }
}

/** The conformance suite's `parts` on every PostgreSQL server of the run, each test in a schema of its own. */
export const postgresConformance = (parts: ReadonlyArray<ConformancePart>): void => {
  for (const { name, url } of servers()) {
    conformance({
      name: `postgres (${name})`,
      processes: true,
      parts,
      database: async () => {
        const schema = freshSchema()
        return {
          open: (options) => postgresStorage({ connectionString: url, schema, ...options }),
          spec: { module: adapterModule, options: { connectionString: url, schema } },
          strays: () => publicTables(url),
          dump: () => dumpSchema(url, schema),
          drop: () => dropSchemas(url, [schema])
        }
      }
    })
  }
}
