/**
 * SQLite on files in a temporary directory: a fresh file for every trial. The
 * kernel's file is opened by `sqliteStorage`; the bare path opens its own
 * better-sqlite3 connection with the adapter's settings (WAL,
 * `synchronous = NORMAL`, foreign keys on, a 30 s busy timeout, the default
 * page cache) and inserts with one prepared statement inside one
 * `BEGIN IMMEDIATE` transaction.
 */
import { execFileSync } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { sqliteStorage } from "@shequ/adapter-sqlite"
import Database from "better-sqlite3"
import { BARE_COLUMNS, BARE_TABLE, bareDdl } from "./bare.js"
import type { BareTrial, Engine, KernelDb, RawDb } from "./engine.js"

const BUSY_TIMEOUT_MS = 30_000

const open = (filename: string, readonly = false) => {
  const db = new Database(filename, { timeout: BUSY_TIMEOUT_MS, readonly })
  if (!readonly) db.pragma("journal_mode = WAL")
  db.pragma("synchronous = NORMAL")
  db.pragma("foreign_keys = ON")
  return db
}

const removeFile = (filename: string) =>
  Promise.all(["", "-wal", "-shm"].map((suffix) => rm(filename + suffix, { force: true })))

export const sqliteEngine = async (): Promise<Engine> => {
  const dir = await mkdtemp(join(tmpdir(), "shequ-bench-registry-sqlite-"))
  let files = 0
  const fresh = () => join(dir, `trial-${++files}.db`)

  const kernelDb = async (): Promise<KernelDb> => {
    const filename = fresh()
    return {
      storage: sqliteStorage({ filename }),
      raw: async (): Promise<RawDb> => {
        const db = open(filename, true)
        return {
          prepare: (sql) => {
            const statement = db.prepare(sql.replace(/\$\d+/g, "?"))
            return (params) => statement.all(...params) as ReadonlyArray<Record<string, unknown>>
          },
          close: async () => {
            db.close()
          }
        }
      },
      drop: async () => {
        await removeFile(filename)
      }
    }
  }

  const bareTrial = async (): Promise<BareTrial> => {
    const filename = fresh()
    const db = open(filename)
    for (const ddl of bareDdl(BARE_TABLE, "text")) db.exec(ddl)
    const insert = db.prepare(
      `INSERT INTO ${BARE_TABLE} (${BARE_COLUMNS.join(", ")}) VALUES (${BARE_COLUMNS.map(() => "?").join(", ")})`
    )
    return {
      run: async (rows) => {
        let written = 0
        db.exec("BEGIN IMMEDIATE")
        try {
          for await (const row of rows) written += insert.run(row).changes
          db.exec("COMMIT")
        } catch (error) {
          if (db.inTransaction) db.exec("ROLLBACK")
          throw error
        }
        return written
      },
      finish: async () => {
        try {
          return (db.prepare(`SELECT count(*) AS n FROM ${BARE_TABLE}`).get() as { n: number }).n
        } finally {
          db.close()
          await removeFile(filename)
        }
      }
    }
  }

  const probe = new Database(":memory:")
  const version = (probe.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v
  probe.close()

  return {
    engine: "sqlite",
    description: `SQLite ${version} (better-sqlite3), files in ${dir}, WAL, synchronous=NORMAL`,
    kernelDb,
    bareTrial,
    // A thrown-away trial's pages may still be on their way to disk.
    settle: async () => {
      execFileSync("sync")
    },
    close: () => rm(dir, { recursive: true, force: true })
  }
}
