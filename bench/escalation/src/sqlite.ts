/**
 * SQLite: one file in a temporary directory, removed at the end. The kernel
 * opens it with `sqliteStorage` and its defaults (WAL, `synchronous = NORMAL`,
 * the adapter's page cache, the log checkpointed by the adapter's thread). The
 * bare connection has WAL and `synchronous = NORMAL` too, with a larger page
 * cache for the seeding only, and writes 100,000 rows per transaction with one
 * prepared statement, timestamps as the adapter writes them (`toISOString`).
 */
import { execFileSync } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { sqliteStorage } from "@shequ/adapter-sqlite"
import Database from "better-sqlite3"
import type { Engine, Plan } from "./engine.js"

const ROWS_PER_TRANSACTION = 100_000
const SEED_CACHE_KIB = 256 * 1024

// As the adapter binds them.
const toSqlite = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value)

/** The index an `EXPLAIN QUERY PLAN` step reads `services_request` through, if any. */
const indexOf = (detail: string): string | null => {
  if (!/\bservices_request\b/.test(detail)) return null
  const index = /USING (?:COVERING )?INDEX (\S+)/.exec(detail)
  if (index !== null) return index[1]!
  return /USING (?:INTEGER )?PRIMARY KEY/.test(detail) ? "PRIMARY KEY" : null
}

export const sqliteEngine = async (): Promise<Engine> => {
  const dir = await mkdtemp(join(tmpdir(), "shequ-bench-escalation-sqlite-"))
  const filename = join(dir, "desk.db")
  const raw = new Database(filename, { timeout: 30_000 })
  raw.pragma("journal_mode = WAL")
  raw.pragma("synchronous = NORMAL")
  raw.pragma("foreign_keys = ON")
  const version = (raw.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v
  const defaultCache = raw.pragma("cache_size", { simple: true }) as number

  return {
    engine: "sqlite",
    description: `SQLite ${version} (better-sqlite3), file ${filename}, WAL, synchronous=NORMAL, the adapter's default page cache and checkpoint thread`,
    storage: () => sqliteStorage({ filename }),
    bulk: async (table, columns, rows) => {
      raw.pragma(`cache_size = -${SEED_CACHE_KIB}`)
      const insert = raw.prepare(
        `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`
      )
      let written = 0
      try {
        raw.exec("BEGIN IMMEDIATE")
        for (const row of rows) {
          written += insert.run(...row).changes
          if (written % ROWS_PER_TRANSACTION === 0) raw.exec("COMMIT; BEGIN IMMEDIATE")
        }
        raw.exec("COMMIT")
      } catch (error) {
        if (raw.inTransaction) raw.exec("ROLLBACK")
        throw error
      } finally {
        raw.pragma(`cache_size = ${defaultCache}`)
      }
      return written
    },
    all: async (sql, params) => {
      const statement = raw.prepare(sql.replace(/\$\d+/g, "?"))
      if (statement.reader) return statement.all(...params) as ReadonlyArray<Record<string, unknown>>
      statement.run(...params)
      return []
    },
    // Everything into the database file, and the log rewound but kept at its size, as on a live database
    // (the adapter sets no size limit on it): a sweep then writes over the log rather than growing a file.
    settleSeed: async () => {
      raw.pragma("wal_checkpoint(RESTART)")
    },
    explain: async (sql, parameters): Promise<Plan> => {
      const steps = raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters.map(toSqlite)) as ReadonlyArray<{
        detail: string
      }>
      const lines = steps.map((s) => s.detail)
      return { index: lines.map(indexOf).find((i) => i !== null) ?? null, lines }
    },
    // The adapter's thread copies the sweep's log into the file once the sweep has committed; this waits for
    // it, reading how far the log is copied (`wal_checkpoint(NOOP)` copies nothing) at each turn of the loop.
    afterSweep: async () => {
      const from = performance.now()
      for (;;) {
        const [status] = raw.pragma("wal_checkpoint(NOOP)") as ReadonlyArray<{ log: number; checkpointed: number }>
        if (status!.checkpointed === status!.log) return performance.now() - from
        await new Promise((resolve) => setImmediate(resolve))
      }
    },
    settle: async () => {
      execFileSync("sync")
    },
    close: async () => {
      raw.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
}
