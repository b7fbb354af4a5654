import { Actor, Core, type Kernel, Registry, Services, type ServicesReport } from "@shequ/core"
import { afterEach, describe, expect, it, vi } from "vitest"
import { dateInShanghai, firstOfMonth } from "../src/internal/dates.js"
import { kernelOn, shequ, sqliteAndNewest } from "./helpers.js"

const DISTRICT = "230503"
const STREET = "230503003"
const BOAI = "230503003001"
const G1 = "230503003001001"
const G2 = "230503003001002"
const G1_PATH = `${DISTRICT}/${STREET}/${BOAI}/${G1}/`
const KEY = "d".repeat(64)

/** An instant given as a time in Asia/Shanghai. */
const shanghai = (local: string) => new Date(`${local}:00+08:00`)

/** A resident ID number (GB 11643) with its check character. */
const residentId = (region: string, birth: string, sequence: string) => {
  const body = `${region}${birth}${sequence}`
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...body].reduce((acc, digit, i) => acc + Number(digit) * weights[i]!, 0)
  return body + "10X98765432"[sum % 11]!
}

// The kernel reads its clock from Date: the desk's work is done at the times the case gives.
afterEach(() => {
  vi.useRealTimers()
})
const clockAt = (local: string) => {
  vi.useFakeTimers({ toFake: ["Date"] })
  vi.setSystemTime(shanghai(local))
}

const setUp = async (kernel: Kernel) => {
  const setup = Actor.system("setup")
  await kernel.exec(Core.commands.registerDistrict({ code: DISTRICT, name: "岭东区" }), setup)
  await kernel.exec(
    Registry.commands.registerStreet({ district: DISTRICT, code: STREET, name: "南翼街道", kind: "street_office" }),
    setup
  )
  await kernel.exec(
    Registry.commands.registerCommunity({ district: DISTRICT, street: STREET, code: BOAI, name: "博爱社区" }),
    setup
  )
  for (const [code, name] of [
    [G1, "第1网格"],
    [G2, "第2网格"]
  ] as const) {
    await kernel.exec(
      Registry.commands.registerGrid({ district: DISTRICT, community: BOAI, code, name, createdOn: "2019-01-01" }),
      setup
    )
  }
  return setup
}

/**
 * Bo'ai's grid 1, through the kernel as a host would: on Monday 30 September
 * 2024 grid worker Wang takes two requests from Zhao on a visit, employment and
 * social security, each due in 3 working days, which over the National Day
 * holiday is the end of Thursday 10 October. He settles the social security one
 * on 9 October and leaves the other open.
 */
const serviceDesk = async (db: ReadonlyArray<string>) => {
  clockAt("2024-09-30T10:00")
  const kernel = await kernelOn(db, { secrets: { key: KEY } })
  try {
    const setup = await setUp(kernel)
    await kernel.exec(
      Registry.commands.registerBuilding({
        district: DISTRICT,
        compound: "博爱小区",
        name: "1号楼",
        grid: G1,
        since: "2019-01-01"
      }),
      setup
    )
    const { id: zhao } = await kernel.exec(
      Registry.commands.registerResident({
        district: DISTRICT,
        document: { type: "resident_id_card", number: residentId(DISTRICT, "19480312", "051") },
        name: "赵大爷",
        address: { compound: "博爱小区", building: "1号楼", unit: "1", flat: "101" },
        household: "H1",
        relation: "户主",
        movedIn: "2019-06-01"
      }),
      setup
    )
    await kernel.exec(
      Core.commands.grantRole({
        district: DISTRICT,
        userId: "u-wang",
        role: "grid_worker",
        level: "grid",
        scopePath: G1_PATH
      }),
      setup
    )
    const wang = await kernel.actorFor("u-wang")
    const receive = (service: string) =>
      kernel.exec(
        Services.commands.receive({ district: DISTRICT, resident: zhao, service, level: "grid", summary: "失业登记" }),
        wang
      )
    const left = await receive("employment")
    expect(left.deadline).toEqual(new Date(shanghai("2024-10-11T00:00").getTime() - 1))
    const settled = await receive("social_security")
    vi.setSystemTime(shanghai("2024-10-09T15:00"))
    await kernel.exec(
      Services.commands.complete({ district: DISTRICT, request: settled.id, resolution: "已办理社保转移" }),
      wang
    )
  } finally {
    await kernel.close()
    vi.useRealTimers()
  }
}

const report = async (db: ReadonlyArray<string>, from: string, to: string) => {
  const run = await shequ("report", "services", ...db, "--from", from, "--to", to, "--format", "json", "--lang", "en")
  expect(run.stderr).toBe("")
  expect(run.code).toBe(0)
  return JSON.parse(run.stdout) as ServicesReport
}

const none = { received: 0, open: 0, doneOnTime: 0, doneLate: 0, overdue: 0, escalated: 0 }
const sweep = "services.escalateOverdue"

describe.each(sqliteAndNewest())("shequ tick and shequ report services on $name", ({ fresh }) => {
  it("a request left open past its 3 working days over the National Day holiday is escalated by shequ tick, once, and the report shows it overdue and escalated", async () => {
    const db = fresh()
    await serviceDesk(db)

    const before = await shequ("tick", ...db, "--at", "2024-10-10T18:00", "--lang", "en")
    expect(before.stderr).toBe("")
    expect(before.code).toBe(0)
    expect(before.stdout).toContain("jobs for 2024-10-10T18:00:00+08:00\n")
    expect(before.stdout).toContain(`ran: ${DISTRICT} ${sweep}\n`)
    expect(await report(db, "2024-09-01", "2024-10-31")).toEqual({
      from: "2024-09-01",
      to: "2024-10-31",
      rows: [{ grid: G1, level: "grid", ...none, received: 2, open: 1, doneOnTime: 1 }],
      totals: { ...none, received: 2, open: 1, doneOnTime: 1 }
    })

    const lapsed = await shequ("tick", ...db, "--at", "2024-10-11T00:30", "--lang", "zh-CN")
    expect(lapsed.code).toBe(0)
    expect(lapsed.stdout).toContain("定时任务时间：2024-10-11T00:30:00+08:00\n")
    expect(lapsed.stdout).toContain(`已运行：${DISTRICT} ${sweep}\n`)
    const again = await shequ("tick", ...db, "--at", "2024-10-11T00:30:00+08:00", "--lang", "en")
    expect(again.code).toBe(0)
    expect(again.stdout).toContain(`already run for this time, skipped: ${DISTRICT} ${sweep}\n`)
    expect(again.stdout).not.toContain("ran:")

    const october = await report(db, "2024-09-01", "2024-10-31")
    expect(october.rows).toEqual([
      { grid: G1, level: "grid", ...none, received: 2, doneOnTime: 1, overdue: 1, escalated: 1 },
      { grid: G1, level: "community", ...none, open: 1 }
    ])
    expect(october.totals).toEqual({ ...none, received: 2, open: 1, doneOnTime: 1, overdue: 1, escalated: 1 })

    const table = await shequ(
      "report",
      "services",
      ...db,
      "--from",
      "2024-09-01",
      "--to",
      "2024-10-31",
      "--lang",
      "zh-CN"
    )
    expect(table.code).toBe(0)
    const lines = table.stdout.trimEnd().split("\n")
    expect(lines[0]).toBe("统计期：2024-09-01 至 2024-10-31")
    expect(lines[1]).toMatch(/^网格\s+层级\s+受理\s+在办\s+按时办结\s+超时办结\s+超期未办\s+上报$/)
    expect(lines[3]).toMatch(new RegExp(`^${G1}\\s+网格\\s+2\\s+0\\s+1\\s+0\\s+1\\s+1$`))
    expect(lines[4]).toMatch(new RegExp(`^${G1}\\s+社区\\s+0\\s+1\\s+0\\s+0\\s+0\\s+0$`))
    expect(lines.at(-1)).toMatch(/^合计\s+2\s+1\s+1\s+0\s+1\s+1$/)

    const csv = await shequ(
      "report",
      "services",
      ...db,
      "--from",
      "2024-09-01",
      "--to",
      "2024-10-31",
      "--format",
      "csv"
    )
    expect(csv.stdout.trimEnd().split("\n")).toEqual([
      "grid,level,received,open,done_on_time,done_late,overdue,escalated",
      `${G1},grid,2,0,1,0,1,1`,
      `${G1},community,0,1,0,0,0,0`
    ])
  })

  it("a tick run a week late escalates once per lapsed deadline, through the community to the street", async () => {
    const db = fresh()
    await serviceDesk(db)
    // The community's 5 working days run from the lapse: 11, 12 (a Saturday worked), 14, 15 and 16 October.
    const late = await shequ("tick", ...db, "--at", "2024-10-17T09:00", "--lang", "en")
    expect(late.code).toBe(0)
    expect(late.stdout).toContain(`ran: ${DISTRICT} ${sweep}\n`)
    const october = await report(db, "2024-10-01", "2024-10-31")
    expect(october.rows).toEqual([
      { grid: G1, level: "grid", ...none, doneOnTime: 1, overdue: 1, escalated: 1 },
      { grid: G1, level: "community", ...none, overdue: 1, escalated: 1 },
      { grid: G1, level: "street", ...none, open: 1 }
    ])
  })

  it("reports the current month so far by default, and refuses a date that is not one or a period the query refuses, in the language asked for", async () => {
    const db = fresh()
    const kernel = await kernelOn(db)
    await setUp(kernel).finally(() => kernel.close())

    const today = dateInShanghai(new Date())
    const run = await shequ("report", "services", ...db, "--format", "json")
    expect(run.code).toBe(0)
    const period = JSON.parse(run.stdout) as ServicesReport
    // Run at midnight in Shanghai, the command may see the next day.
    expect([today, dateInShanghai(new Date())]).toContain(period.to)
    expect(period).toEqual({ from: firstOfMonth(period.to), to: period.to, rows: [], totals: none })
    expect((await report(db, "2024-10-01", "2024-10-01")).rows).toEqual([])

    const bad = await shequ("report", "services", ...db, "--from", "2024-10-32", "--lang", "en")
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("--from is not a date: 2024-10-32 (YYYY-MM-DD")
    const backwards = await shequ(
      "report",
      "services",
      ...db,
      "--from",
      "2024-10-31",
      "--to",
      "2024-10-01",
      "--lang",
      "zh-CN"
    )
    expect(backwards.code).toBe(2)
    expect(backwards.stderr.trim()).toBe("[SERVICES.PERIOD] 统计期的起始日期不能晚于结束日期")
    expect(backwards.stdout).toBe("")
  })
})
