import { sqliteStorage } from "@shequ/adapter-sqlite"
import { Forbidden, InvalidInput, makeKernel } from "@shequ/core"
import { describe, expect, it } from "vitest"
import { plugins, run } from "../src/scenario.js"

const KEY = "f".repeat(64)

const kernel = () =>
  makeKernel({ storage: sqliteStorage({ filename: ":memory:" }), plugins: [...plugins], secrets: { key: KEY } })

describe("the Lingdong scenario", () => {
  it("imports the base record, re-districts the three compounds, and gives every grid worker their visits", async () => {
    const k = await kernel()
    const result = await run(k, { seed: 7, scale: 0.05 })
    await k.close()
    const { baseData } = result
    expect(baseData.stages.map((s) => s.name)).toEqual(["generate", "register", "places", "residents", "redistrict"])
    // Counts come from the registry: the imported residents are all counted, before and after the plan.
    const residents = (snapshot: typeof baseData.before) => snapshot.streets.reduce((n, s) => n + s.residents, 0)
    expect(residents(baseData.before)).toBe(baseData.imported["residents"])
    expect(residents(baseData.after)).toBe(baseData.imported["residents"])
    // The compounds sat in a few crowded grids; the plan gives them grids of their own.
    expect(baseData.after.largest.households).toBeLessThan(baseData.before.largest.households)
    expect(baseData.after.grids).toBe(baseData.before.grids + baseData.plan.gridsCreated)
    expect(baseData.followed).toBeDefined()
    expect(baseData.followed!.before).not.toBe(baseData.followed!.after)

    expect(result.grids).toHaveLength(baseData.after.grids)
    expect(result.visits).toBe(result.grids.length * 20)
    expect(result.byCommunity.reduce((n, c) => n + c.visits, 0)).toBe(result.visits)
    expect(result.refusals.map((r) => r.error)).toEqual([expect.any(Forbidden), expect.any(InvalidInput)])
    expect((result.refusals[1]!.error as InvalidInput).problems.map((p) => p.path)).toEqual([
      "district",
      "household",
      "purpose",
      "visitedAt"
    ])
    expect(result.eventCounts.get("visits.recorded")).toBe(result.visits)
    expect(result.eventCounts.get("registry.residents-imported")).toBe(1)
    expect(result.eventCounts.get("registry.plan-applied")).toBe(1)
  })

  it("replays 2020 after the visits, and the audit trail agrees with every module's figures", async () => {
    const k = await kernel()
    const result = await run(k, { seed: 7, scale: 0.02 })
    await k.close()
    const { party, meetings, stars, stamps, services } = result.year
    const events = (type: string) => result.eventCounts.get(type) ?? 0
    const sum = (values: ReadonlyArray<number>) => values.reduce((a, b) => a + b, 0)
    expect(party.cells.cells).toBe(result.grids.length)
    expect(events("party.cell-formed")).toBe(party.cells.cells)
    expect(events("party.central-household-appointed")).toBe(party.cells.central)
    expect(events("party.checked-in")).toBe(sum(party.checkIns.map((f) => f.checkIns)))
    expect(events("party.service-recorded")).toBe(sum(party.checkIns.map((f) => f.services)))
    expect(events("party.meeting-recorded")).toBe(sum(meetings.attendance.map((a) => a.meetings)))
    expect(events("party.score-entered")).toBe(4 * sum(stars.byOrganisation.map((o) => o.rated)))
    expect(events("stamps.granted")).toBe(sum(stamps.lines.map((l) => l.granted)))
    expect(events("stamps.refused")).toBe(sum(stamps.lines.map((l) => l.refused)))
    expect(events("services.request-received")).toBe(services.report.totals.received)
    expect(events("services.deadline-lapsed")).toBe(services.report.totals.overdue)
    expect(events("services.request-completed")).toBe(
      services.report.totals.doneOnTime + services.report.totals.doneLate
    )
  })

  it("gives the same visits and the same year for the same seed", async () => {
    const replayed = async () => {
      const k = await kernel()
      const result = await run(k, { seed: 2020, scale: 0.01 })
      await k.close()
      return {
        visits: result.recent.map((r) => `${r.household} ${r.purpose} ${r.visitedAt.toISOString()}`),
        checkIns: result.year.party.checkIns,
        // Organisations' ids are made anew each run; their names and figures are the seed's.
        attendance: result.year.meetings.attendance.map(({ organisation: _, ...figures }) => figures),
        stars: result.year.stars.byOrganisation.map(({ organisation: _, ...figures }) => figures),
        stamps: result.year.stamps.lines,
        services: result.year.services.report
      }
    }
    const first = await replayed()
    expect(first.visits).toHaveLength(5)
    expect(await replayed()).toEqual(first)
  })
})
