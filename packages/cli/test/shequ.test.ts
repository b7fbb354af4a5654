import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, describe, expect, it } from "vitest"
import { inShanghai, parseDate, parseInstant } from "../src/internal/dates.js"
import { localeOf } from "../src/messages.js"
import { shequ, shequBin } from "./helpers.js"

const dirs: Array<string> = []
const database = () => {
  const dir = mkdtempSync(join(tmpdir(), "shequ-cli-"))
  dirs.push(dir)
  return join(dir, "shequ.db")
}

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

  it("reads a time without an offset as a time in Asia/Shanghai, and refuses one that is not real", () => {
    expect(parseInstant("2024-10-11T00:30")).toEqual(new Date("2024-10-10T16:30:00Z"))
    expect(parseInstant("2024-10-11")).toEqual(new Date("2024-10-10T16:00:00Z"))
    expect(parseInstant("2024-10-11 00:30:15.5")).toEqual(new Date("2024-10-10T16:30:15.500Z"))
    expect(parseInstant("2024-10-11T00:30Z")).toEqual(new Date("2024-10-11T00:30:00Z"))
    expect(parseInstant("2024-10-11T00:30:00-05:00")).toEqual(new Date("2024-10-11T05:30:00Z"))
    for (const text of ["2024-02-30", "2024-10-11T24:00", "2024-10-11T00:60", "2024-10-11T00:30+15:00", "10/11/2024"]) {
      expect(parseInstant(text)).toBeUndefined()
    }
    expect(inShanghai(new Date("2024-10-10T16:30:00Z"))).toBe("2024-10-11T00:30:00+08:00")
    expect(parseDate("2024-02-29")).toBe("2024-02-29")
    expect(parseDate("2023-02-29")).toBeUndefined()
  })

  it("runs the jobs of an existing database only, and says when it holds no district to run them for", async () => {
    const db = database()
    const missing = await shequ("tick", "--db", db, "--lang", "en")
    expect(missing.code).toBe(3)
    expect(missing.stderr).toContain(`no database file at ${db}`)
    expect((await shequ("migrate", "--db", db)).code).toBe(0)
    const empty = await shequ("tick", "--db", db, "--at", "2024-10-11T00:30", "--lang", "en")
    expect(empty.code).toBe(0)
    expect(empty.stdout).toBe(
      "jobs for 2024-10-11T00:30:00+08:00\nno jobs to run (no district in the database, or no plugin loaded has a job)\n"
    )
  })

  it("tells what the report subcommands print, their dates and the period they cover by default", async () => {
    // Commander wraps the help to the terminal's width: read it as one line.
    const help = async (...command: ReadonlyArray<string>) => {
      const run = await shequ(...command, "--help")
      expect(run.code).toBe(0)
      return run.stdout.replace(/\s+/g, " ")
    }
    const stamps = await help("report", "stamps", "--lang", "en")
    for (const option of [
      "--district <code>",
      "--community <code>",
      "--from <date>",
      "--to <date>",
      "--format <format>"
    ]) {
      expect(stamps).toContain(option)
    }
    expect(stamps).toContain("a refused count rising month by month is the old paperwork creeping back")
    expect(stamps).toContain('(choices: "table", "csv", "json", default: "table")')
    const services = await help("report", "services", "--lang", "zh-CN")
    expect(services).toContain("--from <date> 统计期的起始日期（YYYY-MM-DD，含当日）；默认为结束日期所在月的 1 日")
    expect(services).toContain("--to <date> 统计期的结束日期（YYYY-MM-DD，含当日）；默认为今天（北京时间）")
    expect(await help("report", "--lang", "en")).toMatch(
      / population \[options\] .* stamps \[options\] .* services \[options\] /
    )
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

  it("runs as the installed bin: help exits 0, a usage error 2, a refused database 3", async () => {
    const help = await shequBin("--help", "--lang", "en")
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: shequ /)
    const unknown = await shequBin("migrate", "--db", database(), "--colour")
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("unknown option '--colour'")
    const missing = await shequBin("tick", "--db", database(), "--lang", "en")
    expect(missing.code).toBe(3)
    expect(missing.stderr).toContain("no database file at")
  })

  it("ends with 0 when the reader closes the pipe early, as `shequ migrate --dry-run | head -1` does", async () => {
    const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url))
    const child = spawn(process.execPath, [bin, "migrate", "--db", database(), "--dry-run"], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    child.stdout.once("data", () => child.stdout.destroy())
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
    expect(stderr).toBe("")
    expect(code).toBe(0)
  })
})
