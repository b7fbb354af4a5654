import { Actor, Core, lingdongWhitelist, Registry, type StampFigures, Stamps } from "@shequ/core"
import { describe, expect, it } from "vitest"
import { displayWidth } from "../src/internal/table.js"
import { kernelOn, shequ, shequWith, sqliteAndNewest } from "./helpers.js"

const DISTRICT = "230503"
const STREET = "230503002"
const BOAI = "230503002001"
const HUIMIN = "230503002002"

const person = (id: string, role: string, level: Actor.ScopeLevel, scopePath: string): Actor.Actor => ({
  id,
  kind: "user",
  roles: [{ role, district: DISTRICT, level, scopePath }]
})
const districtAdmin = person("admin@district", "district_admin", "district", `${DISTRICT}/`)
const boaiWorker = person("wang.li", "community_worker", "community", `${DISTRICT}/${STREET}/${BOAI}/`)
const huiminWorker = person("zhou.min", "community_worker", "community", `${DISTRICT}/${STREET}/${HUIMIN}/`)

/** 居住证明: one of the 90 items the case cut, so the 9th item a community is asked for. */
const NINTH = "residence_proof"
const POLICE = "区公安分局"
const CIVIL_AFFAIRS = "区民政局"

/** `text` as a regular expression that matches it and nothing else. */
const literally = (text: string) => text.replace(/[[\]\\^$.|?*+()]/g, "\\$&")

/**
 * Lingdong publishes its whitelist of 8 from 1 July 2019, through the kernel
 * as a host would. In March 2020 Bo'ai stamps a low-income first opinion for
 * the civil affairs bureau and twice turns away the police's residence proof;
 * in April Huimin turns it away once more.
 */
const lingdong = async (db: ReadonlyArray<string>) => {
  const kernel = await kernelOn(db)
  try {
    const setup = Actor.system("setup")
    await kernel.exec(Core.commands.registerDistrict({ code: DISTRICT, name: "岭东区" }), setup)
    await kernel.exec(
      Registry.commands.registerStreet({ district: DISTRICT, code: STREET, name: "东山街道", kind: "street_office" }),
      setup
    )
    for (const [code, name] of [
      [BOAI, "博爱社区"],
      [HUIMIN, "惠民社区"]
    ] as const) {
      await kernel.exec(Registry.commands.registerCommunity({ district: DISTRICT, street: STREET, code, name }), setup)
    }
    await kernel.exec(
      Stamps.commands.publishWhitelist({ district: DISTRICT, effectiveOn: "2019-07-01", ...lingdongWhitelist }),
      districtAdmin
    )
    const ask = (worker: Actor.Actor, community: string, item: string, department: string, requestedOn: string) =>
      kernel.exec(Stamps.commands.stamp({ district: DISTRICT, community, item, department, requestedOn }), worker)
    await ask(boaiWorker, BOAI, "low_income_first_opinion", CIVIL_AFFAIRS, "2020-03-02")
    const turnedAway = { code: "STAMPS.ITEM_NOT_WHITELISTED", version: 1 }
    await expect(ask(boaiWorker, BOAI, NINTH, POLICE, "2020-03-05")).rejects.toMatchObject(turnedAway)
    await expect(ask(boaiWorker, BOAI, NINTH, POLICE, "2020-03-20")).rejects.toMatchObject(turnedAway)
    await expect(ask(huiminWorker, HUIMIN, NINTH, POLICE, "2020-04-08")).rejects.toMatchObject(turnedAway)
  } finally {
    await kernel.close()
  }
}

const json = async (db: ReadonlyArray<string>, ...options: ReadonlyArray<string>) => {
  const run = await shequ("report", "stamps", ...db, ...options, "--format", "json", "--lang", "en")
  expect(run.stderr).toBe("")
  expect(run.code).toBe(0)
  return JSON.parse(run.stdout) as ReadonlyArray<StampFigures>
}

const march = [
  {
    month: "2020-03",
    kind: "item",
    code: "low_income_first_opinion",
    department: CIVIL_AFFAIRS,
    granted: 1,
    refused: 0
  },
  { month: "2020-03", kind: "item", code: NINTH, department: POLICE, granted: 0, refused: 2 }
]
const april = [{ month: "2020-04", kind: "item", code: NINTH, department: POLICE, granted: 0, refused: 1 }]

describe.each(sqliteAndNewest())("shequ report stamps on $name", ({ fresh }) => {
  it("the whitelist of 8 refuses the 9th item twice for one department, and the report counts both, with a total line", async () => {
    const db = fresh()
    await lingdong(db)

    expect(await json(db)).toEqual([...march, ...april])

    const zh = await shequ("report", "stamps", ...db, "--lang", "zh-CN")
    expect(zh.code).toBe(0)
    const lines = zh.stdout.trimEnd().split("\n")
    expect(lines[0]).toMatch(/^月份\s+类别\s+代码\s+提出部门\s+准予\s+拒绝$/)
    expect(lines[2]).toMatch(/^2020-03\s+盖章事项\s+low_income_first_opinion\s+区民政局\s+1\s+0$/)
    expect(lines[3]).toMatch(/^2020-03\s+盖章事项\s+residence_proof\s+区公安分局\s+0\s+2$/)
    expect(lines.at(-1)).toMatch(/^合计\s+1\s+3$/)
    expect(zh.stdout).not.toContain("\x1b[")

    const csv = await shequ("report", "stamps", ...db, "--format", "csv", "--lang", "zh-CN")
    expect(csv.stdout.trimEnd().split("\n")).toEqual([
      "month,kind,code,department,granted,refused",
      `2020-03,item,low_income_first_opinion,${CIVIL_AFFAIRS},1,0`,
      `2020-03,item,${NINTH},${POLICE},0,2`,
      `2020-04,item,${NINTH},${POLICE},0,1`
    ])
  })

  it("on a colour terminal a refusal stands out, in its line and in the total, and nothing else does", async () => {
    const db = fresh()
    await lingdong(db)
    const run = await shequWith({ FORCE_COLOR: "1" }, "report", "stamps", ...db, "--lang", "en")
    expect(run.code).toBe(0)
    const lines = run.stdout.trimEnd().split("\n")
    const red = (n: number) => `\x1b[1;31m${n}\x1b[0m`
    expect(lines[2]).toMatch(/ 1 {2,}0$/)
    expect(lines[3]).toMatch(new RegExp(` 0 {2,}${literally(red(2))}$`))
    expect(lines.at(-1)).toMatch(new RegExp(`^total\\s+1 {2,}${literally(red(3))}$`))
    // The escape codes take no column: the numbers still line up under their header.
    const plain = lines.map((line) => line.replaceAll("\x1b[1;31m", "").replaceAll("\x1b[0m", ""))
    expect(new Set(plain.slice(2).map(displayWidth))).toEqual(new Set([displayWidth(plain[1]!)]))
    expect((await shequWith({ FORCE_COLOR: "1", NO_COLOR: "1" }, "report", "stamps", ...db)).stdout).not.toContain(
      "\x1b["
    )
  })

  it("narrows to a community and to a period, its first and last days included", async () => {
    const db = fresh()
    await lingdong(db)
    expect(await json(db, "--community", BOAI)).toEqual(march)
    expect(await json(db, "--community", HUIMIN)).toEqual(april)
    expect(await json(db, "--from", "2020-03-20", "--to", "2020-04-08")).toEqual([
      { ...march[1], refused: 1 },
      ...april
    ])
    expect(await json(db, "--to", "2020-03-04")).toEqual([march[0]])
    expect(await json(db, "--from", "2021-01-01")).toEqual([])
  })

  it("refuses a date that is not one, a period that ends before it starts and an unknown community, as usage errors in the language asked for", async () => {
    const db = fresh()
    await lingdong(db)
    const zh = await shequ("report", "stamps", ...db, "--from", "2020-02-30", "--to", "2020-3-31", "--lang", "zh-CN")
    expect(zh.code).toBe(2)
    expect(zh.stderr).toContain("--from 不是有效日期：2020-02-30（应为 YYYY-MM-DD")
    expect(zh.stderr).toContain("--to 不是有效日期：2020-3-31")
    expect(zh.stdout).toBe("")
    const backwards = await shequ(
      "report",
      "stamps",
      ...db,
      "--from",
      "2020-04-01",
      "--to",
      "2020-03-01",
      "--lang",
      "en"
    )
    expect(backwards.code).toBe(2)
    expect(backwards.stderr).toContain("the first day 2020-04-01 is after the last day 2020-03-01")
    const unknown = await shequ("report", "stamps", ...db, "--community", "230503002009", "--lang", "en")
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("230503002009")
    const malformed = await shequ("report", "stamps", ...db, "--community", "boai", "--lang", "zh-CN")
    expect(malformed.code).toBe(2)
    expect(malformed.stderr).toMatch(/^\[[A-Z]+\.[A-Z_]+\] \S/)
  })
})
