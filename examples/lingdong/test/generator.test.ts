import { readFileSync } from "node:fs"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Writable } from "node:stream"
import { IdentityDocument } from "@shequ/core"
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { field, line } from "../src/generator/csv.js"
import { dayOf, IdIssuer } from "../src/generator/idNumbers.js"
import {
  describeDistrict,
  type GeneratorOptions,
  redistrictingPlan,
  SAMPLE_OPTIONS,
  TAGS,
  writePlaces,
  writeResidents
} from "../src/generator/index.js"

/** A stream that keeps what it is given. */
const collector = () => {
  const chunks: Buffer[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk)
      done()
    }
  })
  return { stream, bytes: () => Buffer.concat(chunks) }
}

const placesBytes = async (options: GeneratorOptions, encoding?: "utf-8" | "gb18030") => {
  const out = collector()
  await writePlaces(options, out.stream, encoding)
  return out.bytes()
}

const residentsBytes = async (options: GeneratorOptions, encoding?: "utf-8" | "gb18030") => {
  const out = collector()
  await writeResidents(options, out.stream, encoding)
  return out.bytes()
}

interface Resident {
  id: string
  name: string
  phone: string
  compound: string
  building: string
  unit: string
  flat: string
  household: string
  relation: string
  tags: string[]
  movedIn: string
}

interface Place {
  street: string
  community: string
  grid: string
  compound: string
  building: string
  flats: number
}

/** The generated files have no quoted fields (checked), so a line splits on commas. */
const rowsOf = (bytes: Buffer): string[][] => {
  const text = bytes.toString("utf8")
  expect(text).not.toContain('"')
  expect(text.endsWith("\n")).toBe(true)
  return text
    .slice(0, -1)
    .split("\n")
    .slice(1)
    .map((row) => row.split(","))
}

const residentsOf = (bytes: Buffer): Resident[] =>
  rowsOf(bytes).map(([id, name, phone, compound, building, unit, flat, household, relation, tags, movedIn]) => ({
    id: id!,
    name: name!,
    phone: phone!,
    compound: compound!,
    building: building!,
    unit: unit!,
    flat: flat!,
    household: household!,
    relation: relation!,
    tags: tags === "" ? [] : tags!.split(";"),
    movedIn: movedIn!
  }))

const placesOf = (bytes: Buffer): Place[] =>
  rowsOf(bytes).map(([street, community, grid, compound, building, flats]) => ({
    street: street!,
    community: community!,
    grid: grid!,
    compound: compound!,
    building: building!,
    flats: Number(flats)
  }))

const groupBy = <T>(items: ReadonlyArray<T>, key: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const group = groups.get(k)
    if (group === undefined) groups.set(k, [item])
    else group.push(item)
  }
  return groups
}

const RESETTLEMENT = ["博爱小区", "惠民小区", "东湖小区"]
const DAY = 86_400_000
const YEAR = 365.2425 * DAY

/** Checks a number the way the registry will, as of the reference day. */
const checked = (id: string) => {
  const result = IdentityDocument.checkResidentId(id, new Date("2020-07-02T00:00:00Z"))
  if (Either.isLeft(result)) throw new Error(`${id}: ${result.left.code}`)
  return result.right
}
const ageOn = (birthDate: string, on = "2020-07-01") => (Date.parse(on) - Date.parse(birthDate)) / YEAR

const memo = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | undefined
  return () => (value ??= make())
}

/** The case at scale 1, written once for the tests that read it. */
const scaleOne = memo(async () => ({
  places: placesOf(await placesBytes({ seed: 2020 })),
  residents: residentsOf(await residentsBytes({ seed: 2020 }))
}))

/** A tenth of the case. */
const tenth = memo(async () => residentsOf(await residentsBytes({ seed: 7, scale: 0.1 })))

describe("the Lingdong base-data generator", () => {
  it("writes the same bytes for the same seed, and other bytes for another seed", async () => {
    const options = { seed: 42, scale: 0.02 }
    expect((await placesBytes(options)).equals(await placesBytes(options))).toBe(true)
    expect((await residentsBytes(options)).equals(await residentsBytes(options))).toBe(true)
    expect((await residentsBytes(options)).equals(await residentsBytes({ ...options, seed: 43 }))).toBe(false)
  })

  it("writes to a file path what it writes to a stream, UTF-8 without BOM, zh-CN or en header", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lingdong-"))
    try {
      const options = { seed: 1, scale: 0.01 }
      const path = join(dir, "residents.csv")
      const { rows } = await writeResidents(options, path)
      const file = await readFile(path)
      expect(file.equals(await residentsBytes(options))).toBe(true)
      expect(file.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false)
      expect(file.toString("utf8").split("\n")).toHaveLength(rows + 2)
      expect(file.toString("utf8").split("\n")[0]).toBe(
        "身份证号,姓名,手机号,小区,楼栋,单元,房号,户号,与户主关系,标签,入住日期"
      )
      const en = await residentsBytes({ ...options, language: "en" })
      expect(en.toString("utf8").split("\n")[0]).toBe(
        "id_number,name,phone,compound,building,unit,flat,household,relation,tags,moved_in"
      )
      const places = await placesBytes({ ...options, language: "en" })
      expect(places.toString("utf8").split("\n")[0]).toBe("street,community,grid,compound,building,flats")
      expect((await placesBytes(options)).toString("utf8").split("\n")[0]).toBe("街道,社区,网格,小区,楼栋,套数")
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it("writes GB18030 that decodes to the same text as the UTF-8 file", async () => {
    const options = { seed: 3, scale: 0.01 }
    const gb = await residentsBytes(options, "gb18030")
    const utf8 = await residentsBytes(options)
    expect(new TextDecoder("gb18030").decode(gb)).toBe(utf8.toString("utf8"))
    expect(gb.length).toBeLessThan(utf8.length)
    const places = await placesBytes(options, "gb18030")
    expect(new TextDecoder("gb18030").decode(places)).toBe((await placesBytes(options)).toString("utf8"))
  })

  it("quotes a CSV field with a comma, a quote or a line break", () => {
    expect(field("博爱小区")).toBe("博爱小区")
    expect(field('a,"b"')).toBe('"a,""b"""')
    expect(line(["x\ny", 3, "z"])).toBe('"x\ny",3,z\n')
  })

  it("gives every resident a valid ID number, distinct from all others (scale 0.1)", async () => {
    const residents = await tenth()
    expect(residents.length).toBe(5900)
    for (const resident of residents) checked(resident.id)
    expect(new Set(residents.map((r) => r.id)).size).toBe(residents.length)
    const local = residents.filter((r) => r.id.startsWith("230503")).length
    expect(local / residents.length).toBeGreaterThan(0.7)
    expect(residents.some((r) => r.id.endsWith("X"))).toBe(true)
    expect(new Set(residents.map((r) => r.id.slice(0, 6))).size).toBeGreaterThan(5)
  })

  it("issues distinct numbers by construction: 500 per region, birth date and sex, then the day before", () => {
    const issuer = new IdIssuer()
    const day = dayOf(1960, 3, 1)
    const men = Array.from({ length: 501 }, () => issuer.issue(0, day, true))
    const women = Array.from({ length: 500 }, () => issuer.issue(0, day, false))
    expect(new Set([...men, ...women]).size).toBe(1001)
    for (const id of [...men, ...women]) expect(id.startsWith("230503")).toBe(true)
    expect(men.slice(0, 500).every((id) => checked(id).birthDate === "1960-03-01" && checked(id).sex === "male")).toBe(
      true
    )
    expect(women.every((id) => checked(id).birthDate === "1960-03-01" && checked(id).sex === "female")).toBe(true)
    expect(checked(men[500]!)).toMatchObject({ birthDate: "1960-02-29", sex: "male" })
  })

  it("gives each household exactly one head, one flat, one move-in date and a unique number", async () => {
    const residents = await tenth()
    const households = groupBy(residents, (r) => r.household)
    const flats = new Set<string>()
    for (const [number, members] of households) {
      expect(number).toMatch(/^H\d{8}$/)
      expect(members.filter((m) => m.relation === "户主")).toHaveLength(1)
      expect(members[0]!.relation).toBe("户主")
      expect(members.length).toBeLessThanOrEqual(5)
      const where = new Set(members.map((m) => `${m.compound}/${m.building}/${m.unit}/${m.flat}`))
      expect(where.size).toBe(1)
      expect(new Set(members.map((m) => m.movedIn)).size).toBe(1)
      flats.add([...where][0]!)
    }
    // No two households share a flat; the rows of a household are together.
    expect(flats.size).toBe(households.size)
    let switches = 0
    residents.forEach((r, i) => (switches += i > 0 && residents[i - 1]!.household !== r.household ? 1 : 0))
    expect(switches).toBe(households.size - 1)
    const sizes = [...households.values()].map((m) => m.length)
    expect(sizes.filter((s) => s <= 2).length / sizes.length).toBeGreaterThan(0.5)
  })

  it("gives each relation a fitting sex and age", async () => {
    const residents = await tenth()
    const male = new Set(["长子", "次子", "三子", "父亲", "孙子", "外孙子", "女婿", "岳父", "公公"])
    const female = new Set(["长女", "次女", "三女", "母亲", "孙女", "外孙女", "儿媳", "岳母", "婆婆"])
    for (const members of groupBy(residents, (r) => r.household).values()) {
      const head = checked(members[0]!.id)
      const headAge = ageOn(head.birthDate)
      for (const member of members.slice(1)) {
        const person = checked(member.id)
        const age = ageOn(person.birthDate)
        if (member.relation === "配偶") expect(person.sex).not.toBe(head.sex)
        if (male.has(member.relation)) expect(person.sex).toBe("male")
        if (female.has(member.relation)) expect(person.sex).toBe("female")
        if (/^[长次三][子女]$/.test(member.relation)) expect(headAge - age).toBeGreaterThan(18)
        if (/孙/.test(member.relation)) expect(headAge - age).toBeGreaterThan(36)
        if (/^[父母]亲$/.test(member.relation)) expect(age - headAge).toBeGreaterThan(18)
      }
    }
  })

  it("tags residents with the case's labels and mix", async () => {
    const residents = await tenth()
    const labels = new Set<string>(TAGS.map(([, label]) => label))
    const households = groupBy(residents, (r) => r.household)
    const count = (label: string) => residents.filter((r) => r.tags.includes(label)).length
    for (const r of residents) for (const tag of r.tags) expect(labels.has(tag)).toBe(true)
    // Household tags sit on the head's row; a living-alone elder lives alone.
    for (const r of residents) {
      if (r.tags.some((t) => ["低收入家庭", "特困供养", "失独家庭"].includes(t))) expect(r.relation).toBe("户主")
      if (r.tags.includes("独居老人")) {
        expect(households.get(r.household)).toHaveLength(1)
        expect(ageOn(checked(r.id).birthDate)).toBeGreaterThanOrEqual(59.9)
      }
    }
    const elderly = residents.filter((r) => ageOn(checked(r.id).birthDate) >= 60).length
    expect(elderly / residents.length).toBeGreaterThan(0.22)
    expect(elderly / residents.length).toBeLessThan(0.3)
    expect((count("空巢老人") + count("孤寡老人")) / elderly).toBeGreaterThan(0.35)
    expect(count("残疾人") / residents.length).toBeGreaterThan(0.012)
    expect(count("残疾人") / residents.length).toBeLessThan(0.03)
    expect(count("低收入家庭") / households.size).toBeGreaterThan(0.02)
    expect(count("低收入家庭") / households.size).toBeLessThan(0.045)
    expect(count("外来人口") / residents.length).toBeGreaterThan(0.03)
    expect(count("外来人口") / residents.length).toBeLessThan(0.07)
    for (const label of ["留守老人", "留守妇女", "留守儿童", "孤寡老人", "失能人员", "特困供养", "社区矫正对象"]) {
      expect(count(label)).toBeGreaterThan(0)
    }
  })

  it("gives adults phone numbers and children none, and dates the moves", async () => {
    const residents = await tenth()
    for (const r of residents) {
      const age = ageOn(checked(r.id).birthDate)
      if (r.phone !== "") expect(r.phone).toMatch(/^1[358]\d{9}$/)
      if (age < 15) expect(r.phone).toBe("")
      expect(r.unit).toMatch(/^[1-6]$/)
      expect(r.flat).toMatch(/^[1-9]\d*0[12]$/)
      if (RESETTLEMENT.includes(r.compound)) {
        expect(r.movedIn >= "2017-01-01" && r.movedIn <= "2019-12-31").toBe(true)
      } else if (r.movedIn !== "") {
        expect(r.movedIn).toMatch(/^\d{4}-\d{2}-\d{2}$/)
        expect(r.movedIn <= "2020-06-30").toBe(true)
      }
    }
    const adults = residents.filter((r) => ageOn(checked(r.id).birthDate) >= 18)
    expect(adults.filter((r) => r.phone !== "").length / adults.length).toBeGreaterThan(0.8)
  })

  it("describes the case at scale 1: 15 streets, 11 communities, 214 grids, the three compounds", () => {
    const district = describeDistrict({ seed: 2020 })
    expect(district.district).toEqual({ code: "230503", name: "岭东区" })
    const kinds = district.streets.map((s) => s.kind)
    expect(kinds.filter((k) => k === "street_office")).toHaveLength(6)
    expect(kinds.filter((k) => k === "township")).toHaveLength(1)
    expect(kinds.filter((k) => k === "forest_farm")).toHaveLength(8)
    expect(district.streets.map((s) => s.name)).toEqual(
      expect.arrayContaining(["中山街道", "北山街道", "南翼街道", "东山街道", "中心站街道", "长胜乡", "东保卫林场"])
    )
    for (const street of district.streets) expect(street.code).toMatch(/^230503\d{3}$/)
    expect(new Set(district.streets.map((s) => s.code)).size).toBe(15)
    const communities = district.streets.flatMap((s) => s.communities.map((c) => ({ ...c, street: s })))
    expect(communities).toHaveLength(11)
    for (const c of communities) {
      expect(c.street.kind).toBe("street_office")
      expect(c.code).toMatch(new RegExp(`^${c.street.code}\\d{3}$`))
      expect(new Set(c.grids.map((g) => g.name)).size).toBe(c.grids.length)
      for (const grid of c.grids) expect(grid.code).toMatch(new RegExp(`^${c.code}\\d{3}$`))
    }
    const gridCounts = communities.map((c) => c.grids.length)
    expect(gridCounts.reduce((a, b) => a + b)).toBe(214)
    expect(Math.max(...gridCounts)).toBeGreaterThanOrEqual(3 * Math.min(...gridCounts))
    const resettlement = district.compounds.filter((c) => c.resettlement)
    expect(resettlement.map((c) => c.name)).toEqual(RESETTLEMENT)
    expect(resettlement.reduce((n, c) => n + c.buildings, 0)).toBe(285)
    expect(resettlement.reduce((n, c) => n + c.dwellings, 0)).toBe(16_147)
    expect(resettlement.reduce((n, c) => n + c.households, 0)).toBe(9_163)
    expect(Math.abs(district.expected.residents - 59_000)).toBeLessThanOrEqual(59_000 * 0.02)
    expect(new Set(district.compounds.map((c) => c.name)).size).toBe(district.compounds.length)
  })

  it("writes at scale 1 what it describes, with the compounds crowded into 6 old grids of 2 communities", async () => {
    const district = describeDistrict({ seed: 2020 })
    const { places, residents } = await scaleOne()
    expect(places).toHaveLength(district.expected.buildings)
    expect(places.reduce((n, p) => n + p.flats, 0)).toBe(district.expected.dwellings)
    expect(residents).toHaveLength(district.expected.residents)
    expect(new Set(residents.map((r) => r.household)).size).toBe(district.expected.households)

    const towers = places.filter((p) => RESETTLEMENT.includes(p.compound))
    expect(towers).toHaveLength(285)
    expect(towers.reduce((n, p) => n + p.flats, 0)).toBe(16_147)
    for (const p of towers) expect(p.flats).toBeGreaterThanOrEqual(30)
    for (const p of towers) expect(p.flats).toBeLessThanOrEqual(90)
    for (const p of places.filter((p) => !RESETTLEMENT.includes(p.compound))) {
      expect(p.flats).toBeGreaterThanOrEqual(12)
      expect(p.flats).toBeLessThanOrEqual(60)
    }
    const resettled = residents.filter((r) => RESETTLEMENT.includes(r.compound))
    expect(new Set(resettled.map((r) => r.household)).size).toBe(9_163)
    // Every resident lives in a building of the places file.
    const buildings = new Set(places.map((p) => `${p.compound}/${p.building}`))
    expect(buildings.size).toBe(places.length)
    for (const r of residents) expect(buildings.has(`${r.compound}/${r.building}`)).toBe(true)

    const hostGrids = new Set(towers.map((p) => `${p.community}/${p.grid}`))
    expect(hostGrids.size).toBe(6)
    expect(new Set(towers.map((p) => p.community)).size).toBe(2)
    const gridOf = new Map(places.map((p) => [`${p.compound}/${p.building}`, `${p.community}/${p.grid}`]))
    const householdsPerGrid = new Map<string, Set<string>>()
    for (const r of residents) {
      const grid = gridOf.get(`${r.compound}/${r.building}`)!
      if (!householdsPerGrid.has(grid)) householdsPerGrid.set(grid, new Set())
      householdsPerGrid.get(grid)!.add(r.household)
    }
    expect(householdsPerGrid.size).toBe(214)
    for (const [grid, households] of householdsPerGrid) {
      if (hostGrids.has(grid)) expect(households.size).toBeGreaterThan(1000)
      else expect(households.size).toBeLessThan(300)
    }
  })

  it("plans new grids of 300-500 households for the compounds and moves all 285 buildings", async () => {
    const plan = redistrictingPlan({ seed: 2020 })
    const district = describeDistrict({ seed: 2020 })
    const { places, residents } = await scaleOne()
    expect(plan.effectiveOn).toBe("2020-01-01")
    expect(plan.moveBuildings).toHaveLength(285)
    expect(new Set(plan.moveBuildings.map((m) => `${m.compound}/${m.building}`)).size).toBe(285)
    const home = new Map(
      district.compounds.filter((c) => c.resettlement).map((c) => [c.name, `${c.street}/${c.community}`])
    )
    const created = new Set(plan.createGrids.map((g) => `${g.street}/${g.community}/${g.grid}`))
    for (const move of plan.moveBuildings) {
      expect(`${move.street}/${move.community}`).toBe(home.get(move.compound))
      expect(created.has(`${move.street}/${move.community}/${move.grid}`)).toBe(true)
    }
    // New grids do not clash with old ones, and their codes follow their community's.
    const old = new Set(places.map((p) => `${p.street}/${p.community}/${p.grid}`))
    const communityCode = new Map(
      district.streets.flatMap((s) => s.communities.map((c) => [`${s.name}/${c.name}`, c.code] as const))
    )
    for (const grid of plan.createGrids) {
      expect(old.has(`${grid.street}/${grid.community}/${grid.grid}`)).toBe(false)
      expect(grid.code).toMatch(new RegExp(`^${communityCode.get(`${grid.street}/${grid.community}`)}\\d{3}$`))
    }
    // Households per new grid, counted from the residents file.
    const newGrid = new Map(plan.moveBuildings.map((m) => [`${m.compound}/${m.building}`, `${m.community}/${m.grid}`]))
    const perGrid = groupBy(
      [...groupBy(residents, (r) => r.household).values()].filter((m) => RESETTLEMENT.includes(m[0]!.compound)),
      (m) => newGrid.get(`${m[0]!.compound}/${m[0]!.building}`)!
    )
    expect(perGrid.size).toBe(plan.createGrids.length)
    for (const households of perGrid.values()) {
      expect(households.length).toBeGreaterThanOrEqual(300)
      expect(households.length).toBeLessThanOrEqual(500)
    }
    // Every old host grid keeps its older housing, so none is retired.
    expect(plan.retireGrids).toEqual([])
    const hosts = new Set(
      places.filter((p) => RESETTLEMENT.includes(p.compound)).map((p) => `${p.community}/${p.grid}`)
    )
    for (const host of hosts) {
      expect(places.some((p) => `${p.community}/${p.grid}` === host && !RESETTLEMENT.includes(p.compound))).toBe(true)
    }
  })

  it("scales down to the minimum district and grows the older housing for more residents", () => {
    const tiny = describeDistrict({ seed: 1, scale: 0.002 })
    expect(tiny.streets).toHaveLength(1)
    expect(tiny.streets[0]!.kind).toBe("street_office")
    expect(tiny.streets[0]!.communities).toHaveLength(1)
    expect(tiny.streets[0]!.communities[0]!.grids).toHaveLength(2)
    const towers = tiny.compounds.filter((c) => c.resettlement)
    expect(towers.map((c) => c.name)).toEqual(RESETTLEMENT)
    for (const c of towers) expect(c.buildings).toBeGreaterThanOrEqual(1)
    expect(tiny.expected.residents).toBe(118)

    const half = describeDistrict({ seed: 1, scale: 0.5 })
    expect(half.streets.filter((s) => s.kind === "street_office")).toHaveLength(3)
    expect(half.streets.flatMap((s) => s.communities.flatMap((c) => c.grids))).toHaveLength(107)

    const big = describeDistrict({ seed: 1, residents: 200_000 })
    expect(big.expected.residents).toBe(200_000)
    expect(big.compounds.filter((c) => c.resettlement).reduce((n, c) => n + c.households, 0)).toBe(9_163)
    expect(big.expected.buildings).toBeGreaterThan(describeDistrict({ seed: 1 }).expected.buildings * 2)

    expect(() => describeDistrict({ seed: 1, scale: 0 })).toThrow(RangeError)
    expect(() => describeDistrict({ seed: 1, scale: 1.5 })).toThrow(RangeError)
    expect(() => describeDistrict({ seed: 1, residents: 0 })).toThrow(RangeError)
    expect(() => describeDistrict({ seed: Number.NaN })).toThrow(RangeError)
  })

  it("streams 200,000 residents to a slow reader in bounded memory, waiting for it to drain", async () => {
    let bytes = 0
    let drains = 0
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length
        setImmediate(done)
      }
    })
    slow.on("drain", () => drains++)
    const before = process.memoryUsage().rss
    let peak = before
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5)
    const { rows } = await writeResidents({ seed: 5, residents: 200_000 }, slow)
    clearInterval(sampler)
    peak = Math.max(peak, process.memoryUsage().rss)
    expect(rows).toBe(200_000)
    expect(bytes).toBeGreaterThan(200_000 * 60)
    expect(drains).toBeGreaterThan(100)
    expect(peak - before).toBeLessThan(150 * 1024 * 1024)
  })

  it("ships samples that write-samples.ts regenerates byte for byte", async () => {
    const data = new URL("../data/", import.meta.url)
    const places = readFileSync(new URL("sample-places.csv", data))
    const residents = readFileSync(new URL("sample-residents.csv", data))
    expect(places.equals(await placesBytes(SAMPLE_OPTIONS))).toBe(true)
    expect(residents.equals(await residentsBytes(SAMPLE_OPTIONS))).toBe(true)
    expect(residents.toString("utf8").startsWith("身份证号,")).toBe(true)
  })
})
