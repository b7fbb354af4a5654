import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { engines, linesOf, sample, shequ, tempDir } from "./helpers.js"

// What the sample files hold, counted from the files themselves.
const placeRows = linesOf(sample.places)
  .slice(1)
  .map((line) => line.split(","))
const residentRows = linesOf(sample.residents)
  .slice(1)
  .map((line) => line.split(","))
const gridOf = new Map(placeRows.map(([, , grid, compound, building]) => [`${compound}/${building}`, grid!]))
const expectedByGrid = new Map<string, { households: Set<string>; residents: number }>()
for (const [, , , compound, building, , , household] of residentRows) {
  const grid = gridOf.get(`${compound}/${building}`)!
  const entry = expectedByGrid.get(grid) ?? { households: new Set<string>(), residents: 0 }
  entry.households.add(household!)
  entry.residents++
  expectedByGrid.set(grid, entry)
}
const totalHouseholds = new Set(residentRows.map((row) => row[7])).size

/** A copy of the residents sample with three rows spoilt, at these lines of the file. */
const badLines = [3, 10, 34] as const
const spoilt = (dir: string) => {
  const lines = linesOf(sample.residents).map((line) => line.split(","))
  // A spouse's ID number with a wrong check character.
  lines[badLines[0] - 1]![0] = lines[badLines[0] - 1]![0]!.replace(/.$/, (c) => (c === "6" ? "7" : "6"))
  // A household of one in a building the registry does not know.
  lines[badLines[1] - 1]![4] = "99号楼"
  // A household of one whose head has no name.
  lines[badLines[2] - 1]![1] = ""
  const path = join(dir, "residents-3-bad.csv")
  writeFileSync(path, `${lines.map((cells) => cells.join(",")).join("\n")}\n`)
  return path
}

const reportRows = (path: string) =>
  linesOf(path)
    .slice(1)
    .map((line) => line.split(","))

const population = async (db: ReadonlyArray<string>, by: string) => {
  const run = await shequ("report", "population", ...db, "--by", by, "--format", "json", "--lang", "en")
  expect(run.stderr).toBe("")
  expect(run.code).toBe(0)
  return JSON.parse(run.stdout) as ReadonlyArray<{ code: string; name: string; households: number; residents: number }>
}

describe.each(engines())("importing the Lingdong sample on $name", ({ fresh }) => {
  const setUp = async () => {
    const dir = tempDir()
    const db = fresh()
    const key = join(dir, "lingdong.key")
    const init = await shequ(
      "init",
      ...db,
      "--district",
      "230503",
      "--name",
      "岭东区",
      "--key-file",
      key,
      "--lang",
      "en"
    )
    expect(init.stderr).toBe("")
    expect(init.code).toBe(0)
    const places = await shequ("import", "places", sample.places, ...db, "--create", "--lang", "en")
    expect(places.stderr).toBe("")
    expect(places.code).toBe(0)
    return { dir, db, key }
  }

  it("imports every place and resident of the sample, and counts them by street, community and grid", async () => {
    const { db, key } = await setUp()
    const residents = await shequ("import", "residents", sample.residents, ...db, "--key-file", key, "--lang", "en")
    expect(residents.stderr).toBe("")
    expect(residents.code).toBe(0)
    expect(residents.stdout).toContain(`${residentRows.length} rows imported`)
    if (!db[1]!.startsWith("postgres")) {
      // The numbers are stored as keyed hashes and ciphertexts only.
      const bytes = [db[1]!, `${db[1]}-wal`]
        .filter((file) => existsSync(file))
        .map((file) => readFileSync(file).toString("latin1"))
        .join("")
      const numbers = residentRows.flatMap(([id, , phone]) => [id!, phone!]).filter((n) => n !== "")
      expect(numbers.filter((n) => bytes.includes(n))).toEqual([])
    }

    const byStreet = await population(db, "street")
    expect(byStreet.map((r) => [r.name, r.households, r.residents])).toEqual([
      ["中山街道", totalHouseholds, residentRows.length]
    ])
    const byGrid = await population(db, "grid")
    expect(Object.fromEntries(byGrid.map((r) => [r.name, [r.households, r.residents]]))).toEqual(
      Object.fromEntries([...expectedByGrid].map(([grid, e]) => [grid, [e.households.size, e.residents]]))
    )
    const csv = await shequ("report", "population", ...db, "--by", "community", "--format", "csv")
    expect(csv.code).toBe(0)
    const [header, ...rows] = csv.stdout.trim().split("\n")
    expect(header).toBe("code,name,scope_path,households,residents")
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatch(new RegExp(`,新华社区,230503/[^,]+/,${totalHouseholds},${residentRows.length}$`))
  })

  it("refuses a residents file with 3 bad rows: exit 1, nothing written, and the report lists those 3 rows and no good one", async () => {
    const { dir, db, key } = await setUp()
    const report = join(dir, "report.csv")
    const run = await shequ("import", "residents", spoilt(dir), ...db, "--key-file", key, "--report", report)
    expect(run.code).toBe(1)
    expect(readFileSync(report, "utf8").startsWith("\uFEFFrow,column,code,message_zh,message_en")).toBe(true)
    const rows = reportRows(report)
    expect(new Set(rows.map((r) => Number(r[0])))).toEqual(new Set(badLines))
    for (const [row, , code, zh, en] of rows) {
      expect(row).toMatch(/^\d+$/)
      expect(code).toMatch(/^[A-Z_]+\.[A-Z0-9_.]+$/)
      expect(zh).not.toBe("")
      expect(en).not.toBe("")
    }
    expect((await population(db, "street")).map((r) => [r.households, r.residents])).toEqual([[0, 0]])
  })

  it("imports only the good rows with --only-valid, and still exits 1", async () => {
    const { dir, db, key } = await setUp()
    const run = await shequ(
      "import",
      "residents",
      spoilt(dir),
      ...db,
      "--key-file",
      key,
      "--only-valid",
      "--lang",
      "en"
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^line 3, /m)
    const [street] = await population(db, "street")
    expect(street!.residents).toBe(residentRows.length - badLines.length)
  })

  it("checks everything and writes nothing with --dry-run", async () => {
    const { db, key } = await setUp()
    const run = await shequ(
      "import",
      "residents",
      sample.residents,
      ...db,
      "--key-file",
      key,
      "--dry-run",
      "--lang",
      "en"
    )
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("dry run")
    expect((await population(db, "street")).map((r) => r.residents)).toEqual([0])
  })

  it("refuses a key the database was not created with: exit 3, nothing written", async () => {
    const { dir, db } = await setUp()
    const other = join(dir, "other.key")
    writeFileSync(other, `${"ab".repeat(32)}\n`, { mode: 0o600 })
    const run = await shequ("import", "residents", sample.residents, ...db, "--key-file", other, "--lang", "en")
    expect(run.code).toBe(3)
    expect(run.stderr).toContain("SECRETS.KEY_MISMATCH")
    expect((await population(db, "street")).map((r) => r.residents)).toEqual([0])
  })
})

describe("the import command's usage errors", () => {
  it("exits 2 for an unknown option, an encoding it does not know, or a file that is not there", async () => {
    const dir = tempDir()
    const db = join(dir, "shequ.db")
    const key = join(dir, "k.key")
    expect((await shequ("init", "--db", db, "--district", "230503", "--name", "岭东区", "--key-file", key)).code).toBe(
      0
    )
    const unknown = await shequ("import", "residents", sample.residents, "--db", db, "--key-file", key, "--bogus")
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("--bogus")
    const encoding = await shequ("import", "places", sample.places, "--db", db, "--encoding", "latin1", "--lang", "en")
    expect(encoding.code).toBe(2)
    expect(encoding.stderr).toContain("expected utf-8, gbk, gb2312, gb18030 or auto")
    const missing = await shequ("import", "places", join(dir, "nope.csv"), "--db", db, "--lang", "en")
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("no such file")
    const noKey = await shequ("import", "residents", sample.residents, "--db", db, "--lang", "en")
    expect(noKey.code).toBe(2)
    expect(noKey.stderr).toContain("--key-file")
  })

  it("refuses a file whose header it cannot read with exit 1, reporting each header problem at line 1", async () => {
    const dir = tempDir()
    const db = join(dir, "shequ.db")
    const key = join(dir, "k.key")
    expect((await shequ("init", "--db", db, "--district", "230503", "--name", "岭东区", "--key-file", key)).code).toBe(
      0
    )
    const file = join(dir, "residents.csv")
    writeFileSync(file, "身份证,姓名\n230503198801075156,谢洋鑫\n")
    const report = join(dir, "report.csv")
    const run = await shequ(
      "import",
      "residents",
      file,
      "--db",
      db,
      "--key-file",
      key,
      "--report",
      report,
      "--lang",
      "en"
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("nothing was written")
    const rows = reportRows(report)
    expect(rows.map((r) => r[0])).toEqual(rows.map(() => "1"))
    expect(rows.map((r) => r[2])).toContain("REGISTRY.CSV_UNKNOWN_COLUMN")
  })

  it("exits 2 when the database holds two districts and none is named", async () => {
    const dir = tempDir()
    const db = join(dir, "shequ.db")
    expect((await shequ("init", "--db", db, "--district", "230503", "--name", "岭东区")).code).toBe(0)
    expect((await shequ("init", "--db", db, "--district", "230502", "--name", "尖山区")).code).toBe(0)
    const run = await shequ("import", "places", sample.places, "--db", db, "--create", "--lang", "en")
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("several districts (230502, 230503)")
  })
})
