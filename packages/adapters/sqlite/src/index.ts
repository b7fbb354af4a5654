/**
 * shequ storage on SQLite through better-sqlite3: the embedded default.
 *
 * @since 0.1.0
 */
import Database from "better-sqlite3"
import type { BulkInsert, CatalogTable, Storage, StorageTx, TxMode } from "@shequ/core"
import { Kysely, SqliteDialect } from "kysely"
import { type Checkpointer, type Checkpoints, checkpointsOf } from "./Checkpoints.js"

export type { Checkpoints } from "./Checkpoints.js"

/**
 * Options of {@link sqliteStorage}.
 *
 * @since 0.1.0
 */
export interface SqliteOptions {
  /** A file path, or `:memory:` for a database that lives as long as the process. */
  readonly filename: string
  /** How long a writer waits for another process's write lock, in milliseconds (default 30 s). */
  readonly busyTimeoutMs?: number
  /** `auto` applies pending migrations at start; `verify` refuses to start with any pending. */
  readonly migrate?: "auto" | "verify"
  /**
   * The connection's page cache, in MiB (default 64): the pages a transaction
   * reads and writes stay in memory up to this size rather than being read
   * again, or written to the log before the commit, when it touches more. A
   * night's sweep of a desk of 1,000,000 requests writes some 13,600 pages
   * (53 MiB); the driver's own default is 16 MiB.
   *
   * @since 0.3.0
   */
  readonly cacheMiB?: number
  /**
   * How a file's write-ahead log is copied back into the database: by default
   * in a worker thread, so no commit waits for it (see {@link Checkpoints}).
   * An in-memory database has no log.
   *
   * @since 0.3.0
   */
  readonly checkpoints?: Checkpoints
}

type Row = ReadonlyArray<unknown>

// Bulk rows repeat a few instants (a sweep's lapsed deadlines, its own time) row after row: the text of the last
// 64 seen is kept rather than written out again.
const instantTexts = new Map<number, string>()
const instantText = (date: Date): string => {
  const time = date.getTime()
  let text = instantTexts.get(time)
  if (text === undefined) {
    text = date.toISOString()
    if (instantTexts.size >= 64) instantTexts.clear()
    instantTexts.set(time, text)
  }
  return text
}

// better-sqlite3 binds numbers, strings, bigints, buffers and null only.
const toSqlite = (value: unknown): unknown => {
  if (value === undefined || value === null) return null
  switch (typeof value) {
    case "string":
    case "number":
    case "bigint":
      return value
    case "boolean":
      return value ? 1 : 0
    default:
      if (value instanceof Date) return instantText(value)
      if (Buffer.isBuffer(value)) return value
      return JSON.stringify(value)
  }
}

const convert = (parameters: ReadonlyArray<unknown>): Array<unknown> => parameters.map(toSqlite)

const STATEMENT_CACHE = 256

/**
 * Kysely's view of the database, with JavaScript values converted on the way in.
 * Kysely prepares every query anew; a command runs the same few statements each
 * time, so prepared statements are kept (a bounded cache, emptied when full).
 */
const kyselyDatabase = (raw: Database.Database) => {
  const cache = new Map<string, Database.Statement>()
  const prepared = (sql: string) => {
    let statement = cache.get(sql)
    if (statement === undefined) {
      if (cache.size >= STATEMENT_CACHE) cache.clear()
      statement = raw.prepare(sql)
      cache.set(sql, statement)
    }
    return statement
  }
  return {
    close: () => raw.close(),
    prepare: (sql: string) => {
      const statement = prepared(sql)
      return {
        reader: statement.reader,
        all: (parameters: ReadonlyArray<unknown>) => statement.all(convert(parameters)),
        run: (parameters: ReadonlyArray<unknown>) => statement.run(convert(parameters)),
        iterate: (parameters: ReadonlyArray<unknown>) => statement.iterate(convert(parameters))
      }
    }
  }
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`

/**
 * One connection, one transaction at a time: JavaScript callers queue here, other
 * processes wait on SQLite's own lock for up to the busy timeout.
 */
class Mutex {
  private tail: Promise<void> = Promise.resolve()
  lock(): Promise<() => void> {
    let release!: () => void
    const next = new Promise<void>((resolve) => (release = resolve))
    const ready = this.tail.then(() => release)
    this.tail = this.tail.then(() => next)
    return ready
  }
}

const insertSql = (request: BulkInsert): string => {
  const columns = request.columns.map(quote).join(", ")
  const values = request.columns.map(() => "?").join(", ")
  const conflict = request.onConflict
  const tail =
    conflict === undefined || conflict.kind === "error"
      ? ""
      : conflict.kind === "ignore"
        ? ` ON CONFLICT (${conflict.key.map(quote).join(", ")}) DO NOTHING`
        : ` ON CONFLICT (${conflict.key.map(quote).join(", ")}) DO UPDATE SET ${conflict.set
            .map((c) => `${quote(c)} = excluded.${quote(c)}`)
            .join(", ")}`
  return `INSERT INTO ${quote(request.table)} (${columns}) VALUES (${values})${tail}`
}

const BUSY = /^SQLITE_(BUSY|LOCKED)/

const isBusy = (error: unknown) => BUSY.test(String((error as { code?: unknown } | null)?.code ?? ""))

/**
 * Switching a new database to WAL needs a moment alone with the file, and SQLite
 * reports a busy file here without waiting: wait for it ourselves, as long as the
 * busy timeout allows.
 */
const untilFree = (f: () => unknown, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      f()
      return
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10)
    }
  }
}

/**
 * Opens a SQLite database as shequ storage: WAL, foreign keys on, a busy timeout,
 * and write transactions opened with `BEGIN IMMEDIATE` (a deferred `BEGIN` that
 * reads then writes fails with SQLITE_BUSY_SNAPSHOT when another process wrote in
 * between). Bulk writes reuse one prepared statement inside the transaction. A
 * file's write-ahead log is checkpointed by a worker thread rather than by the
 * commits ({@link Checkpoints}); `close()` stops the thread.
 *
 * @example
 * ```ts
 * import { makeKernel } from "@shequ/core"
 * import { sqliteStorage } from "@shequ/adapter-sqlite"
 *
 * const kernel = await makeKernel({ storage: sqliteStorage({ filename: "lingdong.db" }) })
 * ```
 * @since 0.1.0
 */
export const sqliteStorage = (options: SqliteOptions): Storage => {
  const busyTimeoutMs = options.busyTimeoutMs ?? 30_000
  const raw = new Database(options.filename, { timeout: busyTimeoutMs })
  const memory = options.filename === ":memory:" || options.filename === ""
  if (!memory) untilFree(() => raw.pragma("journal_mode = WAL"), busyTimeoutMs)
  // In WAL mode NORMAL survives a killed process; only a power cut can lose the last commits.
  raw.pragma("synchronous = NORMAL")
  raw.pragma("foreign_keys = ON")
  let checkpointer: Checkpointer | undefined
  try {
    const cacheMiB = options.cacheMiB ?? 64
    if (!Number.isInteger(cacheMiB) || cacheMiB < 1) {
      throw new TypeError(`sqliteStorage: cacheMiB must be a whole number of MiB above 0, not ${cacheMiB}`)
    }
    // Negative: a size in KiB rather than a number of pages.
    raw.pragma(`cache_size = -${cacheMiB * 1024}`)
    checkpointer = memory ? undefined : checkpointsOf(raw, options.filename, busyTimeoutMs, options.checkpoints)
  } catch (error) {
    raw.close()
    throw error
  }
  const db = new Kysely({ dialect: new SqliteDialect({ database: kyselyDatabase(raw) }) })
  const mutex = new Mutex()

  const begin = async (mode: TxMode): Promise<StorageTx> => {
    const release = await mutex.lock()
    try {
      raw.exec(mode === "read" ? "BEGIN" : "BEGIN IMMEDIATE")
    } catch (error) {
      release()
      throw error
    }
    let open = true
    const close = () => {
      open = false
      release()
    }
    return {
      db,
      bulkInsert: async (request) => {
        const statement = raw.prepare(insertSql(request))
        const values = new Array<unknown>(request.columns.length)
        let written = 0
        const write = (row: Row) => {
          for (let i = 0; i < values.length; i++) values[i] = toSqlite(row[i])
          written += statement.run(...values).changes
        }
        const rows = request.rows
        if (Symbol.asyncIterator in rows) for await (const row of rows) write(row)
        else for (const row of rows) write(row)
        return written
      },
      // A failed COMMIT leaves the transaction open; the caller's rollback ends it.
      commit: async () => {
        if (!open) return
        raw.exec("COMMIT")
        try {
          if (mode !== "read") checkpointer?.committed()
        } finally {
          close()
        }
      },
      rollback: async () => {
        if (!open) return
        try {
          if (raw.inTransaction) raw.exec("ROLLBACK")
        } finally {
          close()
        }
      }
    }
  }
  const catalog = async (): Promise<ReadonlyArray<CatalogTable>> => {
    const tables = raw
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as Array<{ name: string; sql: string }>
    return tables.map(({ name, sql }) => {
      const columns = raw.prepare(`PRAGMA table_xinfo(${quote(name)})`).all() as Array<{
        name: string
        type: string
        notnull: number
        pk: number
        hidden: number
      }>
      const primaryKey = columns
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name)
      // A lone INTEGER PRIMARY KEY is the rowid: SQLite fills it from a counter.
      const rowid =
        primaryKey.length === 1 && columns.find((c) => c.name === primaryKey[0])?.type.toUpperCase() === "INTEGER"
      const indexes = raw.prepare(`PRAGMA index_list(${quote(name)})`).all() as Array<{
        name: string
        unique: number
        origin: string
      }>
      const uniqueKeys = indexes
        .filter((i) => i.unique === 1 && i.origin !== "pk")
        .map((i) =>
          (raw.prepare(`PRAGMA index_info(${quote(i.name)})`).all() as Array<{ seqno: number; name: string }>)
            .sort((a, b) => a.seqno - b.seqno)
            .map((c) => c.name)
        )
      const keys = raw.prepare(`PRAGMA foreign_key_list(${quote(name)})`).all() as Array<{
        id: number
        seq: number
        table: string
        from: string
        to: string
      }>
      const byId = new Map<number, Array<(typeof keys)[number]>>()
      for (const key of keys) byId.set(key.id, [...(byId.get(key.id) ?? []), key])
      return {
        name,
        columns: columns
          .filter((c) => c.hidden === 0)
          .map((c) => ({
            name: c.name,
            type: c.type.toLowerCase(),
            nullable: c.notnull === 0 && c.pk === 0,
            sequence: (rowid && c.name === primaryKey[0]) || (c.pk > 0 && /autoincrement/i.test(sql))
          })),
        primaryKey,
        uniqueKeys,
        foreignKeys: [...byId.values()].map((parts) => {
          const ordered = parts.sort((a, b) => a.seq - b.seq)
          return {
            columns: ordered.map((p) => p.from),
            table: ordered[0]!.table,
            references: ordered.map((p) => p.to)
          }
        })
      }
    })
  }

  return {
    engine: "sqlite",
    dialect: "sqlite",
    capabilities: { copy: false, sharedAcrossProcesses: !memory, schemas: false },
    migrate: options.migrate ?? "auto",
    isRetryable: isBusy,
    begin,
    catalog,
    ...(memory ? {} : { spec: { module: "@shequ/adapter-sqlite", options: { ...options } } }),
    close: async () => {
      const release = await mutex.lock()
      try {
        // The thread's connection closes first, so this one is the last and folds the log into the file.
        await checkpointer?.stop()
        await db.destroy()
      } finally {
        release()
      }
    }
  }
}

/**
 * The same as {@link sqliteStorage}: the name another process uses to open a
 * storage from its `spec`.
 *
 * @since 0.1.0
 */
export const storage = sqliteStorage
