import { createHook } from "node:async_hooks"
import { mkdtempSync, rmSync, statSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Worker } from "node:worker_threads"
import type { Storage } from "@shequ/core"
import Database from "better-sqlite3"
import { CompiledQuery } from "kysely"
import { afterEach, describe, expect, it } from "vitest"
import { type Checkpoints, sqliteStorage } from "../src/index.js"

const PAGE = 4096
// A frame of the log: a 24-byte header and the page.
const FRAME = 24 + PAGE

const dirs: Array<string> = []
const storages: Array<Storage> = []
afterEach(async () => {
  for (const storage of storages.splice(0)) await storage.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const open = (checkpoints?: Checkpoints) => {
  const dir = mkdtempSync(join(tmpdir(), "shequ-checkpoints-"))
  dirs.push(dir)
  const filename = join(dir, "desk.db")
  const storage = sqliteStorage(checkpoints === undefined ? { filename } : { filename, checkpoints })
  storages.push(storage)
  return { filename, storage }
}

const write = async (storage: Storage, ...statements: ReadonlyArray<string>) => {
  const tx = await storage.begin("write")
  try {
    for (const statement of statements) await tx.db.executeQuery(CompiledQuery.raw(statement))
    await tx.commit()
  } catch (error) {
    await tx.rollback()
    throw error
  }
}

/** Rows of about a page each, `n` of them, in one statement. */
const pages = (n: number) =>
  `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n}) ` +
  `INSERT INTO filler (body) SELECT randomblob(${PAGE - 200}) FROM n`

/** How far the log runs and how much of it is in the database file, seen from a connection of the test's own. */
const logOf = (filename: string) => {
  const observer = new Database(filename)
  try {
    const [status] = observer.pragma("wal_checkpoint(NOOP)") as Array<{ log: number; checkpointed: number }>
    return status!
  } finally {
    observer.close()
  }
}

/** The worker threads alive in this process, as async_hooks sees them come and go. */
const liveWorkers = () => {
  const alive = new Set<number>()
  const hook = createHook({
    init: (id, type) => {
      if (type === "WORKER") alive.add(id)
    },
    destroy: (id) => {
      alive.delete(id)
    }
  }).enable()
  return {
    count: () => alive.size,
    stop: () => hook.disable()
  }
}

// Waits, without a clock, for what another thread does: one turn of the event loop at a time.
const until = async (done: () => boolean) => {
  while (!done()) await new Promise((resolve) => setImmediate(resolve))
}

describe("checkpoints of a file's write-ahead log", () => {
  it("a thread copies the log back into the file; the commit that filled it does not wait for it", async () => {
    // A limit no commit here reaches: only the thread can have copied the log.
    const { filename, storage } = open({ afterPages: 50, limitPages: 1_000_000 })
    await write(storage, "CREATE TABLE filler (body BLOB)")
    await write(storage, pages(200))
    const filled = logOf(filename)
    expect(filled.log).toBeGreaterThan(200)
    await until(() => logOf(filename).checkpointed === filled.log)
    // The next writer finds every page copied and writes the log from its start again.
    await write(storage, pages(1))
    expect(logOf(filename).log).toBeLessThan(10)
  })

  it("in the writer mode the commit that takes the log past the threshold copies it, and no thread runs", async () => {
    const workers = liveWorkers()
    try {
      const { filename, storage } = open({ mode: "writer", afterPages: 50 })
      await write(storage, "CREATE TABLE filler (body BLOB)")
      await write(storage, pages(200))
      const status = logOf(filename)
      expect(status.log).toBeGreaterThan(200)
      expect(status.checkpointed).toBe(status.log)
      expect(workers.count()).toBe(0)
    } finally {
      workers.stop()
    }
  })

  it("the log does not grow without bound under sustained writes", async () => {
    const { filename, storage } = open({ afterPages: 32, limitPages: 256 })
    await write(storage, "CREATE TABLE filler (body BLOB)")
    let largest = 0
    // 400 commits of some 20 pages, 8,000 in all, thirty times the limit, with no pause for the thread.
    for (let i = 0; i < 400; i++) {
      await write(
        storage,
        pages(10),
        "DELETE FROM filler WHERE rowid IN (SELECT rowid FROM filler ORDER BY rowid LIMIT 10)"
      )
      largest = Math.max(largest, statSync(`${filename}-wal`).size)
    }
    // The limit, and the commit that took the log past it, which then copied and rewound it.
    expect(largest).toBeLessThan((256 + 64) * FRAME)
  })

  it("readers and writers never see a half-copied state while the log is checkpointed after every commit", async () => {
    const { filename, storage } = open({ afterPages: 1 })
    await write(
      storage,
      "CREATE TABLE ledger (account INTEGER PRIMARY KEY, balance INTEGER NOT NULL, pad BLOB NOT NULL)",
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) " +
        "INSERT INTO ledger SELECT i, 100, randomblob(3000) FROM n"
    )
    // Another thread reads the ledger in its own transactions all along: 50 accounts holding 5,000 in all.
    const signal = new Int32Array(new SharedArrayBuffer(4))
    const reader = new Worker(
      `"use strict"
      const { workerData, parentPort } = require("node:worker_threads")
      const Database = require(workerData.driver)
      const db = new Database(workerData.filename)
      const signal = new Int32Array(workerData.signal)
      const read = db.prepare("SELECT count(*) AS accounts, sum(balance) AS total FROM ledger")
      let reads = 0
      const torn = []
      while (Atomics.load(signal, 0) === 0) {
        db.exec("BEGIN")
        const { accounts, total } = read.get()
        db.exec("COMMIT")
        if (accounts !== 50 || total !== 5000) torn.push({ accounts, total })
        if (++reads === 1) parentPort.postMessage("reading")
      }
      db.close()
      parentPort.postMessage({ reads, torn })`,
      {
        eval: true,
        workerData: {
          driver: createRequire(import.meta.url).resolve("better-sqlite3"),
          filename,
          signal: signal.buffer
        }
      }
    )
    const messages: Array<unknown> = []
    reader.on("message", (message) => messages.push(message))
    const exited = new Promise((resolve) => reader.once("exit", resolve))
    await until(() => messages.length > 0)

    const ownReads: Array<unknown> = []
    for (let i = 0; i < 300; i++) {
      const from = 1 + (i % 50)
      const to = 1 + ((i * 7 + 3) % 50)
      await write(
        storage,
        `UPDATE ledger SET balance = balance - 7, pad = randomblob(3000) WHERE account = ${from}`,
        `UPDATE ledger SET balance = balance + 7, pad = randomblob(3000) WHERE account = ${to}`
      )
      const tx = await storage.begin("read")
      const { rows } = await tx.db.executeQuery(
        CompiledQuery.raw("SELECT count(*) AS accounts, sum(balance) AS total FROM ledger")
      )
      await tx.rollback()
      ownReads.push(rows[0])
    }
    Atomics.store(signal, 0, 1)
    await exited

    const report = messages[1] as { reads: number; torn: Array<unknown> }
    expect(report.torn).toEqual([])
    expect(report.reads).toBeGreaterThan(0)
    expect(new Set(ownReads.map((r) => JSON.stringify(r)))).toEqual(
      new Set([JSON.stringify({ accounts: 50, total: 5000 })])
    )
    const check = new Database(filename)
    try {
      expect(check.pragma("integrity_check", { simple: true })).toBe("ok")
    } finally {
      check.close()
    }
  })

  it("a closed storage stops its checkpoint thread and leaves no thread behind; an in-memory one starts none", async () => {
    const workers = liveWorkers()
    try {
      const { storage } = open()
      expect(workers.count()).toBe(1)
      await write(storage, "CREATE TABLE filler (body BLOB)", pages(1200))
      await storage.close()
      storages.splice(storages.indexOf(storage), 1)
      // The thread has exited when close() resolves; its handle is released on a later turn of the event loop.
      await until(() => workers.count() === 0)

      const memory = sqliteStorage({ filename: ":memory:" })
      await write(memory, "CREATE TABLE filler (body BLOB)", pages(1200))
      expect(workers.count()).toBe(0)
      await memory.close()
    } finally {
      workers.stop()
    }
  })

  it("checkpoint settings that cannot work are refused when the storage is opened", () => {
    const dir = mkdtempSync(join(tmpdir(), "shequ-checkpoints-"))
    dirs.push(dir)
    const filename = join(dir, "desk.db")
    expect(() => sqliteStorage({ filename, checkpoints: { afterPages: 0 } })).toThrow(/afterPages/)
    expect(() => sqliteStorage({ filename, checkpoints: { afterPages: 2000, limitPages: 1000 } })).toThrow(
      /limitPages \(1000\) is below checkpoints.afterPages \(2000\)/
    )
  })
})
