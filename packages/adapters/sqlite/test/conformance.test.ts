import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { conformance } from "@shequ/core/testing"
import { sqliteStorage } from "../src/index.js"

const adapterModule = createRequire(import.meta.url).resolve("@shequ/adapter-sqlite")

conformance({
  name: "sqlite (file)",
  processes: true,
  database: async () => {
    const dir = mkdtempSync(join(tmpdir(), "shequ-sqlite-"))
    const filename = join(dir, "shequ.db")
    return {
      open: (options) => sqliteStorage({ filename, ...options }),
      spec: { module: adapterModule, options: { filename } },
      dump: async () =>
        Buffer.concat([filename, `${filename}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f))),
      drop: async () => rmSync(dir, { recursive: true, force: true })
    }
  }
})

conformance({
  name: "sqlite (memory)",
  processes: false,
  database: async () => {
    // One in-memory database per test; every handle is the same connection, closed when the test drops it.
    const storage = sqliteStorage({ filename: ":memory:" })
    let migrate: "auto" | "verify" = "auto"
    const handle = {
      ...storage,
      get migrate() {
        return migrate
      },
      close: async () => {}
    }
    return {
      open: (options) => {
        migrate = options?.migrate ?? "auto"
        return handle
      },
      drop: () => storage.close()
    }
  }
})
