/**
 * PostgreSQL: the server at `SHEQU_PG_URL`, or a throw-away embedded
 * PostgreSQL 17 with default settings (bench/common). The bench's tables live
 * in a schema of their own, dropped at the end. The bare client seeds each
 * table with one `COPY … FROM STDIN` in text format, escaped as the adapter
 * escapes it, in 64 KiB chunks; after the seeding every table of the schema
 * is vacuumed and analysed, as autovacuum would have done on a live database.
 */
import { randomBytes } from "node:crypto"
import { once } from "node:events"
import { finished } from "node:stream/promises"
import { postgresStorage } from "@shequ/adapter-postgres"
import { copyField, ident, startPostgres } from "@shequ/bench-common"
import pg from "pg"
import pgCopyStreams from "pg-copy-streams"
import type { Engine, Plan } from "./engine.js"

const CHUNK_SIZE = 64 * 1024

interface PlanNode {
  readonly "Node Type": string
  readonly "Relation Name"?: string
  readonly "Index Name"?: string
  readonly "Index Cond"?: string
  readonly Filter?: string
  readonly "Sort Key"?: ReadonlyArray<string>
  readonly Plans?: ReadonlyArray<PlanNode>
}

/** The plan tree as indented lines, and the first index it reads `services_request` through. */
const describe = (root: PlanNode): Plan => {
  const lines: Array<string> = []
  let index: string | null = null
  const walk = (node: PlanNode, depth: number) => {
    const on = node["Relation Name"] === undefined ? "" : ` on ${node["Relation Name"]}`
    const using = node["Index Name"] === undefined ? "" : ` using ${node["Index Name"]}`
    lines.push(`${"  ".repeat(depth)}${node["Node Type"]}${using}${on}`)
    if (node["Index Cond"] !== undefined) lines.push(`${"  ".repeat(depth + 1)}Index Cond: ${node["Index Cond"]}`)
    if (node.Filter !== undefined) lines.push(`${"  ".repeat(depth + 1)}Filter: ${node.Filter}`)
    if (node["Sort Key"] !== undefined) lines.push(`${"  ".repeat(depth + 1)}Sort Key: ${node["Sort Key"].join(", ")}`)
    // A bitmap heap scan names the table, its bitmap index scan child the index.
    const reads = node["Relation Name"] === "services_request" || node["Node Type"] === "Bitmap Index Scan"
    if (index === null && reads && node["Index Name"] !== undefined) index = node["Index Name"]
    for (const child of node.Plans ?? []) walk(child, depth + 1)
  }
  walk(root, 0)
  return { index, lines }
}

export const postgresEngine = async (): Promise<Engine> => {
  const server = await startPostgres("escalation")
  const client = new pg.Client(server.url)
  const schema = `bench_escalation_${randomBytes(4).toString("hex")}`
  try {
    await client.connect()
    await client.query(`CREATE SCHEMA ${ident(schema)}`)
    await client.query(`SET search_path TO ${ident(schema)}`)
  } catch (error) {
    await client.end().catch(() => undefined)
    await server.stop()
    throw error
  }
  const version = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v

  return {
    engine: "postgres",
    description: `PostgreSQL ${version} (${server.where}), schema ${schema}`,
    storage: () => postgresStorage({ connectionString: server.url, schema, migrate: "auto" }),
    bulk: async (table, columns, rows) => {
      await client.query("BEGIN")
      try {
        const stream = client.query(
          pgCopyStreams.from(`COPY ${ident(table)} (${columns.map(ident).join(", ")}) FROM STDIN`)
        )
        const done = finished(stream)
        // Awaited below; a failure while waiting for "drain" rejects there first.
        done.catch(() => undefined)
        let chunk = ""
        for (const row of rows) {
          for (let i = 0; i < row.length; i++) {
            const value = row[i]!
            chunk += (i === 0 ? "" : "\t") + (typeof value === "number" ? String(value) : copyField(value))
          }
          chunk += "\n"
          if (chunk.length >= CHUNK_SIZE) {
            if (!stream.write(chunk)) await once(stream, "drain")
            chunk = ""
          }
        }
        stream.end(chunk)
        await done
        await client.query("COMMIT")
        return stream.rowCount
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined)
        throw error
      }
    },
    all: async (sql, params) => (await client.query<Record<string, unknown>>(sql, [...params])).rows,
    settleSeed: async () => {
      const tables = await client.query<{ name: string }>(
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY tablename",
        [schema]
      )
      for (const { name } of tables.rows) await client.query(`VACUUM (ANALYZE) ${ident(schema)}.${ident(name)}`)
    },
    explain: async (sql, parameters) => {
      const result = await client.query<{ "QUERY PLAN": ReadonlyArray<{ Plan: PlanNode }> }>(
        `EXPLAIN (FORMAT JSON) ${sql}`,
        [...parameters]
      )
      return describe(result.rows[0]!["QUERY PLAN"][0]!.Plan)
    },
    // The server's own background writer and checkpointer run on their own schedule, not for a sweep.
    afterSweep: async () => null,
    // Needs superuser or pg_checkpoint; skipped without.
    settle: () =>
      client.query("CHECKPOINT").then(
        () => undefined,
        () => undefined
      ),
    close: async () => {
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`)
        await client.end()
      } finally {
        await server.stop()
      }
    }
  }
}
