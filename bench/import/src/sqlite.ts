/**
 * SQLite on a file in a temporary directory. Each trial gets a fresh database
 * file, migrated by the kernel; the bare path then opens its own better-sqlite3
 * connection with the adapter's settings (WAL, synchronous = NORMAL, foreign
 * keys on, the same busy timeout) and inserts with one prepared statement reused
 * inside one `BEGIN IMMEDIATE` transaction.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { sqliteStorage } from "@shequ/adapter-sqlite"
import { Ids, makeKernel } from "@shequ/core"
import Database from "better-sqlite3"
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

const BUSY_TIMEOUT_MS = 30_000

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`

export const sqliteHarness = async ({ seed, district }: HarnessOptions): Promise<Harness> => {
  const dir = await mkdtemp(join(tmpdir(), "shequ-bench-import-sqlite-"))
  let trials = 0

  /** A fresh database file with the kernel's and the plugin's tables. */
  const freshFile = () => join(dir, `trial-${++trials}.db`)
  const migrate = async (filename: string) => {
    const kernel = await makeKernel({ storage: sqliteStorage({ filename }), plugins: [bench] })
    await kernel.close()
  }
  const finish = async (filename: string): Promise<Fingerprint> => {
    const db = new Database(filename, { readonly: true })
    try {
      return toFingerprint(db.prepare(fingerprintSql(quote(TABLE), "integer")).get() as Record<string, unknown>)
    } finally {
      db.close()
      await Promise.all(["", "-wal", "-shm"].map((suffix) => rm(filename + suffix, { force: true })))
    }
  }

  const kernelPath = async (rows: number): Promise<Trial> => {
    const filename = freshFile()
    const kernel = await makeKernel({ storage: sqliteStorage({ filename }), plugins: [bench] })
    return kernelTrial(kernel, rows, { seed, district }, () => finish(filename))
  }

  const bareTrial = async (rows: number): Promise<Trial> => {
    const filename = freshFile()
    await migrate(filename)
    const db = new Database(filename, { timeout: BUSY_TIMEOUT_MS })
    db.pragma("journal_mode = WAL")
    db.pragma("synchronous = NORMAL")
    db.pragma("foreign_keys = ON")
    const insert = db.prepare(
      `INSERT INTO ${quote(TABLE)} (${COLUMNS.map(quote).join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`
    )
    return {
      run: async () => {
        let written = 0
        db.exec("BEGIN IMMEDIATE")
        try {
          for (const r of readings(rows, seed, district)) {
            written += insert.run(
              district,
              Ids.uuidv7(),
              r.householdId,
              r.residentName,
              r.age,
              r.sex,
              r.phoneHash,
              r.grid,
              r.visits,
              r.score,
              r.note,
              r.visitedAt,
              r.active ? 1 : 0
            ).changes
          }
          db.exec("COMMIT")
        } catch (error) {
          if (db.inTransaction) db.exec("ROLLBACK")
          throw error
        }
        return written
      },
      finish: async () => {
        db.close()
        return finish(filename)
      }
    }
  }

  const probe = new Database(":memory:")
  const version = (probe.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v
  probe.close()

  return {
    engine: "sqlite",
    description: `SQLite ${version} (better-sqlite3), file in ${dir}, WAL, synchronous=NORMAL`,
    trial: (path, rows) => (path === "kernel" ? kernelPath(rows) : bareTrial(rows)),
    close: () => rm(dir, { recursive: true, force: true })
  }
}
