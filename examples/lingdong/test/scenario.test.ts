import { sqliteStorage } from "@shequ/adapter-sqlite"
import { Forbidden, InvalidInput, makeKernel } from "@shequ/core"
import { describe, expect, it } from "vitest"
import { run } from "../src/scenario.js"
import { visits } from "../src/visits.js"

const KEY = "f".repeat(64)

const kernel = () =>
  makeKernel({ storage: sqliteStorage({ filename: ":memory:" }), plugins: [visits], secrets: { key: KEY } })

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

  it("gives the same visits for the same seed", async () => {
    const households = async () => {
      const k = await kernel()
      const result = await run(k, { seed: 2020, scale: 0.01 })
      await k.close()
      return result.recent.map((r) => `${r.household} ${r.purpose} ${r.visitedAt.toISOString()}`)
    }
    const first = await households()
    expect(first).toHaveLength(5)
    expect(await households()).toEqual(first)
  })
})
