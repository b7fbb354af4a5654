import { type Kernel, type ServiceLevel, type ServiceRequestRecord, Services } from "@shequ/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { isWorkingDay, localDate, shanghai } from "../src/replay.js"
import { LINGDONG } from "../src/scenario.js"
import { runServices, type ServicesResult } from "../src/services.js"
import { staffIds } from "../src/staff.js"
import { SEED, smallLingdong } from "./district.js"

const climb: ReadonlyArray<ServiceLevel> = ["grid", "community", "street", "district"]

describe("the service desk through 2020", () => {
  let kernel: Kernel
  let services: ServicesResult
  let records: ReadonlyArray<ServiceRequestRecord>
  beforeAll(async () => {
    const small = await smallLingdong(0.1)
    kernel = small.kernel
    services = await runServices(kernel, { seed: SEED }, small.places)
    const centre = await kernel.actorFor(staffIds.commandCentre)
    const all = []
    for (const status of ["open", "done"] as const) {
      all.push(...(await kernel.exec(Services.queries.requests({ district: LINGDONG, status, limit: 1000 }), centre)))
    }
    records = await Promise.all(
      all.map((r) => kernel.exec(Services.queries.request({ district: LINGDONG, id: r.id }), centre))
    )
  })
  afterAll(() => kernel.close())

  it("a year of requests, received by grid workers and at the community windows, mostly done on time", () => {
    const { totals } = services.report
    expect(records).toHaveLength(totals.received)
    expect(new Set(records.map((r) => r.received.level))).toEqual(new Set(["grid", "community"]))
    expect(totals.doneOnTime).toBeGreaterThan(totals.received * 0.8)
    expect(totals.doneLate).toBeGreaterThan(0)
    expect(services.sweeps).toBe(249)
  })

  it("the worker a request first reached owns it until it climbs; a colleague cannot close it", () => {
    for (const record of records) {
      expect(record.owners[0]).toMatchObject({
        kind: "received",
        owner: record.received.by,
        level: record.received.level
      })
      if (record.escalations.length === 0 && record.done !== null) expect(record.done.by).toBe(record.received.by)
      // Nobody owns it at a level it climbed to until a worker of that level takes it.
      for (const owner of record.owners.slice(1)) expect(owner.kind).toBe("taken")
    }
    expect(services.refusals.map((r) => (r.error as { code: string }).code)).toEqual([
      "SERVICES.NOT_OWNER",
      "SERVICES.NOT_ON_MENU"
    ])
  })

  it("a year of requests: every overdue one climbs a level once per lapsed deadline, stamped at that deadline", () => {
    const climbed = records.filter((r) => r.escalations.some((e) => e.cause === "deadline"))
    expect(climbed.length).toBeGreaterThan(0)
    expect(records.some((r) => r.level === "district" && r.received.level === "grid")).toBe(true)
    for (const record of records) {
      // One step at a time, never twice to one level.
      for (const e of record.escalations) expect(climb.indexOf(e.to)).toBe(climb.indexOf(e.from) + 1)
      expect(new Set(record.escalations.map((e) => e.to)).size).toBe(record.escalations.length)
      for (const lapse of record.lapses) {
        const step = record.escalations.find((e) => e.from === lapse.level)
        if (lapse.level === record.level) {
          // Where it lapsed last it stayed: done late there, or held at the command centre, once.
          expect(step).toBeUndefined()
          expect(record.done === null ? record.level === "district" : record.done.at > lapse.lapsedAt).toBe(true)
        } else {
          expect(step).toMatchObject({ cause: "deadline", at: lapse.lapsedAt })
        }
      }
      for (const e of record.escalations.filter((e) => e.cause === "deadline")) {
        expect(record.lapses.some((l) => l.level === e.from && l.lapsedAt.getTime() === e.at.getTime())).toBe(true)
      }
    }
  })

  it("deadlines count working days over the 2020 holidays: none ends on a day off", () => {
    const ends = records.flatMap((r) => [
      r.deadline,
      ...r.escalations.map((e) => e.deadline),
      ...r.lapses.map((l) => l.lapsedAt)
    ])
    expect(ends.every((end) => isWorkingDay(localDate(end)))).toBe(true)
    // Received before National Day and the Mid-Autumn Festival, due after the eight days off.
    expect(
      records.some(
        (r) =>
          r.escalations.length === 0 && r.received.at < shanghai("2020-10-01") && r.deadline > shanghai("2020-10-09")
      )
    ).toBe(true)
  })

  it("the report adds up: what reached a level was done there, climbed on, or is still open there", () => {
    expect(services.byLevel.map((l) => l.level)).toEqual(climb)
    for (const level of services.byLevel) {
      expect(level.reached).toBe(level.doneOnTime + level.doneLate + level.escalated + level.open)
    }
    const reachedDistrict = records.filter((r) => r.escalations.some((e) => e.to === "district")).length
    expect(services.byLevel[3]!.reached).toBe(reachedDistrict)
    expect(services.climbed?.escalations.map((e) => e.to)).toEqual(["community", "street", "district"])
  })

  it("the evening's sweep run again for the same time does nothing", async () => {
    const again = await kernel.tick(shanghai("2020-12-31", "17:30"))
    expect(again.ran).toEqual([])
    expect(again.skipped).toContainEqual({ district: LINGDONG, job: "services.escalateOverdue" })
  })
})
