/**
 * The base-data imports as the case uses them: a district's buildings first,
 * then its household ledger, every bad row listed with its line, and nothing
 * written from a file with a bad row unless only the good rows are asked for.
 */
import { createReadStream, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { afterEach, describe, expect, it } from "vitest"
import { sqliteStorage } from "../../../adapters/sqlite/src/index.js"
import * as Actor from "../../src/Actor.js"
import { Core } from "../../src/Core.js"
import { InvalidInput } from "../../src/Errors.js"
import { makeKernel, type Kernel } from "../../src/Kernel.js"
import { readCsv } from "../../src/registry/Csv.js"
import { placeColumns } from "../../src/registry/PlacesImport.js"
import { Registry } from "../../src/registry/Registry.js"
import { residentColumns, type ResidentRow } from "../../src/registry/ResidentsImport.js"
import { residentId } from "../../src/testing/registry.js"

const D = "230503"
const KEY = "e".repeat(64)
const system = Actor.system("import-test")
const data = (name: string) => fileURLToPath(new URL(`../../../../examples/lingdong/data/${name}`, import.meta.url))

let kernel: Kernel | undefined
afterEach(async () => {
  await kernel?.close()
  kernel = undefined
})

const district = async () => {
  kernel = await makeKernel({ storage: sqliteStorage({ filename: ":memory:" }), secrets: { key: KEY } })
  await kernel.exec(Core.commands.registerDistrict({ code: D, name: "岭东区" }), system)
  return kernel
}

const importPlaces = (k: Kernel, create = true) =>
  k.import(
    Registry.imports.places(
      { district: D, create, since: "2020-06-01" },
      readCsv(createReadStream(data("sample-places.csv")), { columns: placeColumns })
    ),
    system
  )

const sampleResidents = () => readCsv(createReadStream(data("sample-residents.csv")), { columns: residentColumns })

const count = async (k: Kernel, table: string) => {
  const rows = await k.exec(Registry.queries.population({ district: D, by: "street" }), system)
  return table === "residents" ? rows.reduce((n, r) => n + r.residents, 0) : rows.reduce((n, r) => n + r.households, 0)
}

/** A small household ledger: one head and a spouse per flat. */
const ledger = (households: number): Array<ResidentRow> =>
  Array.from({ length: households }, (_, h) => [
    {
      id_number: residentId("230503", "19700101", String(100 + h * 2).padStart(3, "0")),
      name: `户主${h}`,
      compound: "博爱小区",
      building: "1号楼",
      unit: "1",
      flat: String(101 + h),
      household: `H${h}`,
      relation: "户主",
      tags: h === 0 ? "空巢老人;独居老人" : "",
      moved_in: "2020-07-01"
    },
    {
      id_number: residentId("230503", "19720101", String(101 + h * 2).padStart(3, "0")),
      name: `配偶${h}`,
      phone: "138 0013 8000",
      compound: "博爱小区",
      building: "1号楼",
      unit: "1",
      flat: String(101 + h),
      household: `H${h}`,
      relation: "配偶",
      tags: h === 1 ? "低保;失独" : ""
    }
  ]).flat()

describe("the places import", () => {
  it("creates the streets, communities, grids and compounds a first load names, and a second load changes nothing", async () => {
    const k = await district()
    const first = await importPlaces(k)
    const lines = readFileSync(data("sample-places.csv"), "utf8").trim().split("\n").length - 1
    expect(first.written).toBe(lines)
    expect(first.counts).toMatchObject({ buildings: lines })
    const again = await importPlaces(k)
    expect(again.written).toBe(0)
    expect(again.problems).toEqual([])
  })

  it("refuses a street the registry does not know, so a typo does not found a new street", async () => {
    const k = await district()
    const error = await importPlaces(k, false).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidInput)
    const problems = (error as InvalidInput).problems
    expect(problems.map((p) => p.code)).toContain("REGISTRY.UNKNOWN_STREET")
    expect(problems.every((p) => p.row !== undefined && p.row >= 2)).toBe(true)
    expect(await count(k, "households")).toBe(0)
  })
})

describe("the residents import", () => {
  it("imports the sample ledger: every resident, household and flat, counted by the registry's own queries", async () => {
    const k = await district()
    await importPlaces(k)
    const result = await k.import(Registry.imports.residents({ district: D }, sampleResidents()), system)
    const lines = readFileSync(data("sample-residents.csv"), "utf8").trim().split("\n").length - 1
    expect(result.rejected).toBe(0)
    expect(result.written).toBe(lines)
    expect(await count(k, "residents")).toBe(lines)
    expect(await count(k, "households")).toBe(result.counts!["households"])
    const emptyNest = readFileSync(data("sample-residents.csv"), "utf8")
      .split("\n")
      .filter((l) => l.includes("空巢"))
    expect(result.counts!["empty_nest"]).toBe(emptyNest.length)
  })

  it("an import with 3 bad rows writes nothing and lists all three, each with its line and column", async () => {
    const k = await district()
    await importPlaces(k)
    const rows: Array<ResidentRow> = ledger(5)
    rows[2] = { ...rows[2]!, id_number: "2.30503E+17" }
    rows[5] = { ...rows[5]!, relation: "邻居" }
    rows[8] = { ...rows[8]!, building: "99号楼" }
    const error = await k.import(Registry.imports.residents({ district: D }, rows), system).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidInput)
    const problems = (error as InvalidInput).problems
    expect(problems.map((p) => [p.row, p.column, p.code])).toEqual([
      [3, "id_number", "REGISTRY.ID_SCIENTIFIC_NOTATION"],
      [6, "relation", "REGISTRY.RELATION"],
      [9, "building", "REGISTRY.UNKNOWN_BUILDING"]
    ])
    expect(problems.every((p) => p["zh-CN"] !== "" && p.en !== "")).toBe(true)
    expect(await count(k, "residents")).toBe(0)
  })

  it("with only the good rows asked for, the members of a household whose head was refused wait with it", async () => {
    const k = await district()
    await importPlaces(k)
    const rows: Array<ResidentRow> = ledger(3)
    rows[2] = { ...rows[2]!, id_number: "2.30503E+17" }
    const result = await k.import(Registry.imports.residents({ district: D }, rows), system, { goodRowsOnly: true })
    expect(result.problems.map((p) => [p.row, p.code])).toEqual([
      [3, "REGISTRY.ID_SCIENTIFIC_NOTATION"],
      [4, "REGISTRY.HEAD_REFUSED"]
    ])
    expect(result.rejected).toBe(2)
    expect(await count(k, "residents")).toBe(4)
  })

  it("a member listed before a head that is refused waits too: what was written for them is taken out", async () => {
    const k = await district()
    await importPlaces(k)
    const rows: Array<ResidentRow> = ledger(2)
    // Household H0: the spouse first, then a head whose number is mangled.
    const [head, spouse] = [rows[0]!, rows[1]!]
    rows[0] = spouse
    rows[1] = { ...head, id_number: "2.30503E+17" }
    const result = await k.import(Registry.imports.residents({ district: D }, rows), system, { goodRowsOnly: true })
    expect(result.problems.map((p) => [p.row, p.code])).toEqual([
      [1, "REGISTRY.HEAD_REFUSED"],
      [2, "REGISTRY.ID_SCIENTIFIC_NOTATION"]
    ])
    expect(result.counts).toMatchObject({ residents: 2, households: 1, dwellings: 1 })
    expect(await count(k, "residents")).toBe(2)
    expect(await count(k, "households")).toBe(1)
  })

  it("the same file imported twice refuses every row the second time, as already registered", async () => {
    const k = await district()
    await importPlaces(k)
    await k.import(Registry.imports.residents({ district: D }, ledger(4)), system)
    const again = await k.import(Registry.imports.residents({ district: D }, ledger(4)), system, { goodRowsOnly: true })
    expect(again.written).toBe(0)
    expect(again.rejected).toBe(8)
    expect(new Set(again.problems.map((p) => p.code))).toEqual(new Set(["REGISTRY.DOCUMENT_REGISTERED"]))
    expect(await count(k, "residents")).toBe(8)
    expect(await count(k, "households")).toBe(4)
  })

  it("gives each bad row of a file its line in the file, the header being line 1", async () => {
    const k = await district()
    await importPlaces(k)
    const csv = [
      "身份证号,姓名,小区,楼栋,单元,房号,户号,与户主关系",
      `${residentId("230503", "19700101", "001")},甲,博爱小区,1号楼,1,101,H1,户主`,
      `${residentId("230503", "19700101", "002")},"乙`,
      `丙",博爱小区,1号楼,1,101,H1,配偶`,
      `${residentId("230503", "19700101", "003")},丁,博爱小区,1号楼,1,101,H1,外星人`
    ].join("\n")
    const error = await k
      .import(
        Registry.imports.residents({ district: D }, readCsv(Buffer.from(csv), { columns: residentColumns })),
        system
      )
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidInput)
    expect((error as InvalidInput).problems.map((p) => p.row)).toEqual([5])
  })

  it("the same number twice: the first occurrence is good, the later one is refused, and one already registered is refused", async () => {
    const k = await district()
    await importPlaces(k)
    const rows = ledger(2)
    await k.import(Registry.imports.residents({ district: D }, [rows[0]!, rows[1]!]), system)
    const again = [
      { ...rows[2]!, household: "H9", flat: "109" },
      { ...rows[3]!, household: "H9", flat: "109" },
      { ...rows[3]!, household: "H9", flat: "109", relation: "长子" },
      { ...rows[0]!, household: "H9", flat: "109", relation: "长女" }
    ]
    const result = await k.import(Registry.imports.residents({ district: D }, again), system, { goodRowsOnly: true })
    expect(result.problems.map((p) => [p.row, p.code])).toEqual([
      [3, "REGISTRY.DOCUMENT_DUPLICATE_IN_FILE"],
      [4, "REGISTRY.DOCUMENT_REGISTERED"]
    ])
    expect(result.written).toBe(2)
    expect(await count(k, "residents")).toBe(4)
  })

  it("a household has exactly one head: without one every member is refused, a second head is refused", async () => {
    const k = await district()
    await importPlaces(k)
    const rows = ledger(3)
    rows[0] = { ...rows[0]!, relation: "长子" }
    rows[5] = { ...rows[5]!, relation: "户主" }
    const result = await k.import(Registry.imports.residents({ district: D }, rows), system, { goodRowsOnly: true })
    expect(result.problems.map((p) => [p.row, p.code])).toEqual([
      [1, "REGISTRY.HOUSEHOLD_WITHOUT_HEAD"],
      [2, "REGISTRY.HOUSEHOLD_WITHOUT_HEAD"],
      [6, "REGISTRY.SECOND_HEAD"]
    ])
    expect(result.written).toBe(3)
  })

  it("a household lives in one flat", async () => {
    const k = await district()
    await importPlaces(k)
    const rows = ledger(1)
    rows[1] = { ...rows[1]!, flat: "999" }
    const error = await k.import(Registry.imports.residents({ district: D }, rows), system).catch((e: unknown) => e)
    expect((error as InvalidInput).problems.map((p) => [p.row, p.column, p.code])).toEqual([
      [2, "flat", "REGISTRY.HOUSEHOLD_ELSEWHERE"]
    ])
  })

  it("a dry run checks everything, says what it would write, and writes nothing", async () => {
    const k = await district()
    await importPlaces(k)
    const result = await k.import(Registry.imports.residents({ district: D }, ledger(3)), system, { dryRun: true })
    expect(result.counts).toMatchObject({ residents: 6, households: 3, dwellings: 3 })
    expect(await count(k, "residents")).toBe(0)
  })

  it("one batch event carries what the import tagged, and a handler finds the tagged residents by batch", async () => {
    const k = await district()
    await importPlaces(k)
    const result = await k.import(Registry.imports.residents({ district: D }, ledger(3)), system)
    expect(result.counts).toMatchObject({ empty_nest: 1, living_alone: 1, low_income: 1, lost_only_child: 1 })
    const events = await k.events.since({ district: D, after: 0 })
    const batch = events.filter((e) => e.type === "registry.residents-imported")
    expect(batch).toHaveLength(1)
    expect(batch[0]!.payload).toMatchObject({
      rows: 6,
      tags: { empty_nest: 1, living_alone: 1, low_income: 1 }
    })
    expect(JSON.stringify(events)).not.toContain(ledger(3)[0]!.id_number!)
  })
})
