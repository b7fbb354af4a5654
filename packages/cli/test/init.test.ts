import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { sample, shequ, tempDir } from "./helpers.js"

const init = (db: string, ...more: ReadonlyArray<string>) =>
  shequ("init", "--db", db, "--district", "230503", "--name", "岭东区", ...more)

describe("shequ init", () => {
  it("migrates, registers the district, and makes a new key file readable by its owner only", async () => {
    const dir = tempDir()
    const db = join(dir, "shequ.db")
    const key = join(dir, "lingdong.key")
    const run = await init(db, "--key-file", key, "--lang", "en")
    expect(run.code).toBe(0)
    const written = readFileSync(key, "utf8")
    expect(run.stdout).toMatch(/^applied: core\/0001_kernel, .*registry\/0001_places/m)
    expect(run.stdout).toContain(`new key written to ${key}`)
    expect(run.stdout).toContain("district 230503 岭东区 registered")
    expect(statSync(key).mode & 0o777).toBe(0o600)
    expect(Buffer.from(readFileSync(key, "utf8").trim(), "base64")).toHaveLength(32)

    const again = await init(db, "--key-file", key, "--lang", "zh-CN")
    expect(again.code).toBe(0)
    expect(again.stdout).not.toContain("已执行的迁移")
    expect(again.stdout).toContain(`使用密钥文件 ${key}`)
    expect(readFileSync(key, "utf8")).toBe(written)
  })

  it("refuses a key other than the database's with exit 3, and removes a key file it made for nothing", async () => {
    const dir = tempDir()
    const db = join(dir, "shequ.db")
    expect((await init(db, "--key-file", join(dir, "first.key"))).code).toBe(0)

    const other = join(dir, "other.key")
    writeFileSync(other, `${"cd".repeat(32)}\n`, { mode: 0o600 })
    const existing = await init(db, "--key-file", other, "--lang", "en")
    expect(existing.code).toBe(3)
    expect(existing.stderr).toContain("[SECRETS.KEY_MISMATCH]")
    expect(existsSync(other)).toBe(true)

    const made = join(dir, "made.key")
    const fresh = await init(db, "--key-file", made, "--lang", "zh-CN")
    expect(fresh.code).toBe(3)
    expect(fresh.stderr).toContain("[SECRETS.KEY_MISMATCH] 数据库由指纹为")
    expect(existsSync(made)).toBe(false)
  })

  it("refuses a malformed key file with exit 3, and a key file that is not there when importing with exit 2", async () => {
    const dir = tempDir()
    const db = join(dir, "shequ.db")
    const bad = join(dir, "bad.key")
    writeFileSync(bad, "not a key\n", { mode: 0o600 })
    const run = await init(db, "--key-file", bad, "--lang", "en")
    expect(run.code).toBe(3)
    expect(run.stderr).toContain("[SECRETS.KEY_INVALID]")

    expect((await init(db)).code).toBe(0)
    const missing = join(dir, "missing.key")
    const imported = await shequ(
      "import",
      "residents",
      sample.residents,
      "--db",
      db,
      "--key-file",
      missing,
      "--lang",
      "en"
    )
    expect(imported.code).toBe(2)
    expect(imported.stderr).toContain(`no key file at ${missing}`)
  })

  it("refuses a district code that is not 6 digits before making any key file", async () => {
    const dir = tempDir()
    const key = join(dir, "k.key")
    const run = await shequ(
      "init",
      "--db",
      join(dir, "shequ.db"),
      "--district",
      "23050",
      "--name",
      "岭东区",
      "--key-file",
      key,
      "--lang",
      "en"
    )
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("a district code is 6 digits")
    expect(existsSync(key)).toBe(false)
  })

  it("exits 2 for an unknown option or a missing required one", async () => {
    const dir = tempDir()
    expect((await init(join(dir, "shequ.db"), "--colour")).code).toBe(2)
    const missing = await shequ("init", "--db", join(dir, "shequ.db"), "--name", "岭东区", "--lang", "en")
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("--district")
  })

  it("exits 3 for a database it cannot open", async () => {
    const dir = tempDir()
    const run = await shequ("report", "population", "--db", join(dir, "nowhere", "shequ.db"), "--lang", "en")
    expect(run.code).toBe(3)
    expect(run.stderr).toContain("no database file")
    const pg = await init("postgres://nobody:secret@127.0.0.1:1/none", "--lang", "en")
    expect(pg.code).toBe(3)
    expect(pg.stderr).toContain("CORE.STORAGE")
    expect(pg.stderr).not.toContain("secret")
  })
})

describe("shequ report population", () => {
  it("prints a table with headers in the language asked for, and a total", async () => {
    const dir = tempDir()
    const db = join(dir, "shequ.db")
    expect((await init(db)).code).toBe(0)
    const zh = await shequ("report", "population", "--db", db, "--by", "street", "--lang", "zh-CN")
    expect(zh.code).toBe(0)
    expect(zh.stdout.split("\n")[0]).toMatch(/^代码\s+名称\s+户数\s+人数$/)
    expect(zh.stdout).toMatch(/合计\s+0\s+0$/m)
    const en = await shequ("report", "population", "--db", db, "--lang", "en")
    expect(en.stdout.split("\n")[0]).toMatch(/^code\s+name\s+households\s+residents$/)
    const bad = await shequ("report", "population", "--db", db, "--by", "building")
    expect(bad.code).toBe(2)
  })
})

describe("--help", () => {
  const commands = [
    "init",
    "migrate",
    "tick",
    "import places",
    "import residents",
    "report population",
    "report stamps",
    "report services"
  ]

  it.each(commands)("is given for %s in zh-CN and en", async (name) => {
    const command = name.split(" ")
    const zh = await shequ(...command, "--help", "--lang", "zh-CN")
    expect(zh.code).toBe(0)
    expect(zh.stdout).toMatch(/^用法：/)
    expect(zh.stdout).toContain("选项：")
    expect(zh.stdout).toContain("显示帮助")
    const en = await shequ(...command, "--help", "--lang", "en")
    expect(en.code).toBe(0)
    expect(en.stdout).toMatch(/^Usage:/)
    expect(en.stdout).toContain("display help")
  })
})
