import { sqliteStorage } from "@shequ/adapter-sqlite"
import { Forbidden, InvalidInput, makeKernel } from "@shequ/core"
import { describe, expect, it } from "vitest"
import { layout, run } from "../src/scenario.js"
import { visits } from "../src/visits.js"

describe("the Lingdong scenario", () => {
  it("lays out the case's 214 grids over 11 communities, each grid its own scope", () => {
    const grids = layout(1)
    expect(grids).toHaveLength(214)
    expect(new Set(grids.map((g) => g.scopePath.slice(0, 30))).size).toBe(11)
    expect(new Set(grids.map((g) => g.scopePath)).size).toBe(214)
    for (const grid of grids)
      expect(grid.scopePath.startsWith(`230503/${grid.code.slice(0, 9)}/${grid.code.slice(0, 12)}/`)).toBe(true)
  })

  it("records every grid worker's visits and refuses a worker outside their grid and a form filled in wrong", async () => {
    const kernel = await makeKernel({ storage: sqliteStorage({ filename: ":memory:" }), plugins: [visits] })
    const result = await run(kernel, { seed: 7, scale: 0.05 })
    await kernel.close()
    expect(result.grids).toHaveLength(11)
    expect(result.visits).toBe(11 * 20)
    expect(result.byCommunity.reduce((n, c) => n + c.visits, 0)).toBe(220)
    expect(result.refusals.map((r) => r.error)).toEqual([expect.any(Forbidden), expect.any(InvalidInput)])
    expect((result.refusals[1]!.error as InvalidInput).problems.map((p) => p.path)).toEqual([
      "district",
      "household",
      "purpose",
      "visitedAt"
    ])
    expect(result.eventCounts.get("visits.recorded")).toBe(220)
    expect(result.eventCounts.get("core.role-granted")).toBe(12)
  })

  it("gives the same visits for the same seed", async () => {
    const households = async () => {
      const kernel = await makeKernel({ storage: sqliteStorage({ filename: ":memory:" }), plugins: [visits] })
      const result = await run(kernel, { seed: 2020, scale: 0.01 })
      await kernel.close()
      return result.recent.map((r) => `${r.household} ${r.purpose} ${r.visitedAt.toISOString()}`)
    }
    const first = await households()
    expect(first).toHaveLength(5)
    expect(await households()).toEqual(first)
  })
})
