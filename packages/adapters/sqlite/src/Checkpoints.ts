/**
 * Checkpoints: copying the pages a file database's write-ahead log holds back
 * into the database file, so that the log can start over. SQLite's own
 * automatic checkpoint runs inside the commit that takes the log past a size,
 * and that commit waits for it: reading the log, writing every page into the
 * file and syncing it. Here a worker thread does it instead, with a connection
 * of its own, while writers go on.
 *
 * @since 0.3.0
 */
import { resolve } from "node:path"
import { createRequire } from "node:module"
import { Worker } from "node:worker_threads"
import type Database from "better-sqlite3"

/**
 * How a file database's write-ahead log is copied back into the database file.
 *
 * @example
 * ```ts
 * // The defaults, spelled out: a worker thread copies the log from 1,000 pages on; a commit that finds
 * // 65,536 pages there (the thread has fallen behind) copies and rewinds it itself.
 * sqliteStorage({ filename: "lingdong.db", checkpoints: { mode: "background", afterPages: 1000, limitPages: 65536 } })
 * ```
 * @since 0.3.0
 */
export interface Checkpoints {
  /**
   * - `"background"` (default): a worker thread with a connection of its own
   *   copies the log back once it holds `afterPages` pages; no commit waits
   *   for it. It needs SQLite 3.51 or later (to read how long the log is
   *   without copying it); with an older one the writer mode is used.
   * - `"writer"`: SQLite's automatic checkpoint, run by the commit that takes
   *   the log past `afterPages`, which waits for it.
   */
  readonly mode?: "background" | "writer"
  /** How many pages of log call for a checkpoint: default 1,000, SQLite's own. */
  readonly afterPages?: number
  /**
   * With background checkpoints, how many pages the log may hold before a
   * commit copies what is left of it and has it rewound, waiting for the
   * thread and for readers of the log as for any lock (up to the busy
   * timeout): the bound on the log when the thread falls behind. Default 65,536 (256 MiB of 4 KiB
   * pages), above what a night's sweep of a large desk writes in one commit.
   */
  readonly limitPages?: number
}

/**
 * The checkpoints of one open database file.
 *
 * @since 0.3.0
 */
export interface Checkpointer {
  /** Tells the checkpoints a write transaction has committed. */
  readonly committed: () => void
  /** Stops the thread once any checkpoint it runs is done; resolves when it has exited. */
  readonly stop: () => Promise<void>
}

/**
 * Runs in the worker thread, as CommonJS: from a string rather than a file of
 * its own, so it runs the same from the sources (tests), the ESM build and the
 * CJS build, with the driver found by the adapter's own module resolution.
 *
 * It sleeps on the shared counter of commits and wakes when a writer commits.
 * `wal_checkpoint(NOOP)` reads how many pages the log holds and how many are
 * copied already, without copying any. PASSIVE copies the pages of committed
 * transactions without waiting for the writer or for readers; should another
 * connection's checkpoint hold the log, or a reader part of it, the thread
 * tries again after a short sleep, commits or not. It flags the time it copies,
 * for a writer past the limit to wait on. It never rewinds the log: the next
 * writer that begins with every page copied does.
 */
const WORKER = `"use strict"
const { workerData } = require("node:worker_threads")
const Database = require(workerData.driver)
const signal = new Int32Array(workerData.signal)
const { afterPages, retryMs, slots } = workerData
const db = new Database(workerData.filename, { timeout: 0 })
try {
  let seen = 0
  let retry = false
  for (;;) {
    Atomics.wait(signal, slots.commits, seen, retry ? retryMs : undefined)
    if (Atomics.load(signal, slots.stop) === 1) break
    seen = Atomics.load(signal, slots.commits)
    let [status] = db.pragma("wal_checkpoint(NOOP)")
    if (status.log - status.checkpointed >= afterPages) {
      Atomics.store(signal, slots.copying, 1)
      try {
        status = db.pragma("wal_checkpoint(PASSIVE)")[0]
      } finally {
        Atomics.store(signal, slots.copying, 0)
        Atomics.notify(signal, slots.copying)
      }
    }
    retry = status.busy !== 0 || status.log - status.checkpointed >= afterPages
  }
} finally {
  db.close()
}
`

// The shared slots: commits so far, 1 once the thread is to stop, 1 while the thread copies the log.
const COMMITS = 0
const STOP = 1
const COPYING = 2
// How long the thread sleeps before it tries again what it could not do.
const RETRY_MS = 100
// How long a writer past the limit waits before it tries its own checkpoint again.
const RETRY_WAIT_MS = 10

const positive = (name: string, value: number) => {
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`sqliteStorage: checkpoints.${name} must be a whole number of pages above 0, not ${value}`)
  }
  return value
}

const atLeast = (version: string, wanted: ReadonlyArray<number>) => {
  const parts = version.split(".").map(Number)
  for (let i = 0; i < wanted.length; i++) {
    const part = parts[i] ?? 0
    if (part !== wanted[i]) return part > wanted[i]!
  }
  return true
}

const logOf = (raw: Database.Database) =>
  (raw.pragma("wal_checkpoint(NOOP)") as ReadonlyArray<{ readonly log: number }>)[0]!.log

/**
 * Sets up the checkpoints of the file database `raw` has open, the writing
 * connection. In the writer mode, SQLite's automatic checkpoint at
 * `afterPages`, and nothing to run. In the background mode, none on the writer
 * but past `limitPages`, and a thread from `afterPages`; the thread never keeps
 * the process alive. Should it fail (the file gone, a disk error), a warning
 * says so and the writer mode takes over.
 *
 * @since 0.3.0
 */
export const checkpointsOf = (
  raw: Database.Database,
  filename: string,
  busyTimeoutMs: number,
  checkpoints: Checkpoints = {}
): Checkpointer | undefined => {
  const afterPages = positive("afterPages", checkpoints.afterPages ?? 1000)
  const limitPages = positive("limitPages", checkpoints.limitPages ?? 65_536)
  if (limitPages < afterPages) {
    throw new TypeError(
      `sqliteStorage: checkpoints.limitPages (${limitPages}) is below checkpoints.afterPages (${afterPages})`
    )
  }
  // An older SQLite would take NOOP for PASSIVE and copy the log at every commit.
  const version = (raw.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v
  if (checkpoints.mode === "writer" || !atLeast(version, [3, 51])) {
    raw.pragma(`wal_autocheckpoint = ${afterPages}`)
    return undefined
  }
  raw.pragma("wal_autocheckpoint = 0")
  const signal = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT))
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve("better-sqlite3"),
      // The thread resolves a relative name against the same working directory, unless the host changes it later.
      filename: resolve(filename),
      afterPages,
      retryMs: RETRY_MS,
      signal: signal.buffer,
      slots: { commits: COMMITS, stop: STOP, copying: COPYING }
    }
  })
  worker.unref()
  let failed = false
  worker.once("error", (error) => {
    failed = true
    if (raw.open) raw.pragma(`wal_autocheckpoint = ${afterPages}`)
    process.emitWarning(
      `The checkpoint thread of ${filename} failed (${error.message}); commits checkpoint the log themselves from now on`,
      { code: "SHEQU_SQLITE_CHECKPOINTS" }
    )
  })
  const exited = new Promise<void>((done) => worker.once("exit", () => done()))
  /**
   * Copies what is left of the log and waits for readers to leave it, so that
   * the next transaction writes it from the start (RESTART). SQLite refuses a
   * checkpoint at once, busy handler or not, while another one runs: the
   * writer waits for the thread's to end, or a moment for another process's,
   * as long as the busy timeout allows.
   */
  const pause = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT))
  const rewind = () => {
    const deadline = Date.now() + busyTimeoutMs
    for (;;) {
      const [status] = raw.pragma("wal_checkpoint(RESTART)") as ReadonlyArray<{ readonly busy: number }>
      if (status!.busy === 0 || Date.now() >= deadline) return
      if (Atomics.load(signal, COPYING) === 1) Atomics.wait(signal, COPYING, 1, RETRY_WAIT_MS)
      else Atomics.wait(pause, 0, 0, RETRY_WAIT_MS)
    }
  }
  const wake = () => {
    Atomics.add(signal, COMMITS, 1)
    Atomics.notify(signal, COMMITS)
  }
  return {
    committed: () => {
      if (failed) return
      wake()
      try {
        if (logOf(raw) >= limitPages) rewind()
      } catch (error) {
        // The transaction has committed: a checkpoint that fails now is tried again at the next commit.
        process.emitWarning(`A checkpoint of ${filename} failed: ${(error as Error).message}`, {
          code: "SHEQU_SQLITE_CHECKPOINTS"
        })
      }
    },
    stop: () => {
      Atomics.store(signal, STOP, 1)
      wake()
      // Held until it has exited, or the process could end first, with the caller still waiting.
      worker.ref()
      return exited
    }
  }
}
