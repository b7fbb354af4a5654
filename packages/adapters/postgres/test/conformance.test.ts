import { createRequire } from "node:module"
import { conformance } from "@shequ/core/testing"
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

for (const { name, url } of servers()) {
  conformance({
    name: `postgres (${name})`,
    processes: true,
    database: async () => {
      const schema = freshSchema()
      return {
        open: (options) => postgresStorage({ connectionString: url, schema, ...options }),
        spec: { module: adapterModule, options: { connectionString: url, schema } },
        strays: () => publicTables(url),
        drop: () => dropSchemas(url, [schema])
      }
    }
  })
}
