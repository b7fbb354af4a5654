import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Storage } from "@shequ/core"
import { CompiledQuery } from "kysely"
import { afterEach, describe, expect, it } from "vitest"
import { sqliteStorage } from "../src/index.js"

const dirs: Array<string> = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const file = () => {
  const dir = mkdtempSync(join(tmpdir(), "shequ-cache-"))
  dirs.push(dir)
  return join(dir, "desk.db")
}

/** The page cache's size as SQLite reports it: negative, in KiB. */
const cacheOf = async (storage: Storage) => {
  const tx = await storage.begin("read")
  try {
    const { rows } = await tx.db.executeQuery<{ cache_size: number }>(CompiledQuery.raw("PRAGMA cache_size"))
    return rows[0]!.cache_size
  } finally {
    await tx.rollback()
    await storage.close()
  }
}

describe("the connection's page cache", () => {
  it("holds 64 MiB unless the host sets its size", async () => {
    expect(await cacheOf(sqliteStorage({ filename: file() }))).toBe(-64 * 1024)
    expect(await cacheOf(sqliteStorage({ filename: file(), cacheMiB: 8 }))).toBe(-8 * 1024)
  })

  it("a size that is not a whole number of MiB above 0 is refused when the storage is opened", () => {
    expect(() => sqliteStorage({ filename: file(), cacheMiB: 0 })).toThrow(/cacheMiB/)
    expect(() => sqliteStorage({ filename: file(), cacheMiB: 1.5 })).toThrow(/cacheMiB/)
  })
})
