import { execFile } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterEach, describe, expect, it } from "vitest"
import { localeOf } from "../src/messages.js"

const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url))
const dirs: Array<string> = []
const database = () => {
  const dir = mkdtempSync(join(tmpdir(), "shequ-cli-"))
  dirs.push(dir)
  return join(dir, "shequ.db")
}
const shequ = (...args: ReadonlyArray<string>) =>
  promisify(execFile)(process.execPath, [bin, ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error
  )

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe("the shequ command", () => {
  it("prints the SQL of pending migrations without applying them, then applies them once", async () => {
    const db = database()
    const dry = await shequ("migrate", "--db", db, "--dry-run", "--lang", "en")
    expect(dry.code).toBe(0)
    expect(dry.stdout).toMatch(/^-- core\/0001_kernel$/m)
    expect(dry.stdout).toMatch(/create table "core_event"/)
    const first = await shequ("migrate", "--db", db, "--lang", "en")
    expect(first.stdout.trim()).toMatch(/^applied: core\/0001_kernel, core\/0002_key, registry\/0001_places, /)
    const again = await shequ("migrate", "--db", db, "--lang", "zh-CN")
    expect(again.stdout.trim()).toBe("没有待执行的迁移")
    expect((await shequ("migrate", "--db", db, "--dry-run", "--lang", "en")).stdout.trim()).toBe(
      "-- no pending migrations"
    )
  })

  it("refuses a time it cannot read, in the language asked for", async () => {
    const result = await shequ("tick", "--db", database(), "--at", "next Tuesday", "--lang", "zh-CN")
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("无法识别的时间：next Tuesday")
  })

  it("refuses a plugin module that exports no plugin, before touching the database", async () => {
    const result = await shequ("migrate", "--db", database(), "--plugin", "node:path", "--lang", "en")
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("module node:path exports no plugin")
  })

  it("speaks Chinese where the environment does, and English elsewhere, unless told", () => {
    expect(localeOf(undefined, { LANG: "zh_CN.UTF-8" })).toBe("zh-CN")
    expect(localeOf(undefined, { LANG: "en_GB.UTF-8" })).toBe("en")
    expect(localeOf(undefined, {})).toBe("zh-CN")
    expect(localeOf("en", { LANG: "zh_CN.UTF-8" })).toBe("en")
  })
})
