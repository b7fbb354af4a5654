import { type Kernel, lingdongWhitelist } from "@shequ/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { CREEPING_ITEM, CUT_ITEMS, OLD_ITEMS, PLAQUES_ASKED, WORK_ASKED } from "../src/stampItems.js"
import { runStamps, type StampsResult } from "../src/stamps.js"
import { SEED, smallLingdong } from "./district.js"

describe("the stamp whitelist through 2020", () => {
  let kernel: Kernel
  let communities: number
  let stamps: StampsResult
  beforeAll(async () => {
    const small = await smallLingdong(0.2)
    kernel = small.kernel
    communities = small.places.communities.length
    stamps = await runStamps(kernel, { seed: SEED }, small.places)
  })
  afterAll(() => kernel.close())

  const items = () => stamps.lines.filter((l) => l.kind === "item")
  const sum = (values: ReadonlyArray<number>) => values.reduce((a, b) => a + b, 0)

  it("departments ask for the old 90 items: the 8 kept and 82 the case cut", () => {
    expect(OLD_ITEMS).toHaveLength(90)
    expect(new Set(OLD_ITEMS.map((i) => i.code)).size).toBe(90)
    expect(OLD_ITEMS.slice(0, 8).map((i) => i.code)).toEqual(lingdongWhitelist.items.map((i) => i.code))
    expect(stamps.version).toEqual({ number: 1, effectiveOn: "2019-07-01", title: lingdongWhitelist.title })
    expect(stamps.listed).toEqual({ items: 8, plaques: 4, work: 6 })
  })

  it("the whitelist of 8 refuses the rest of the old 90 items, and the refusals are counted", () => {
    const kept = new Set(lingdongWhitelist.items.map((i) => i.code))
    const cut = new Set(CUT_ITEMS.map((i) => i.code))
    const granted = items().filter((l) => l.granted > 0)
    const refused = items().filter((l) => l.refused > 0)
    expect(granted.length).toBeGreaterThan(0)
    expect(refused.length).toBeGreaterThan(0)
    expect(granted.every((l) => kept.has(l.code) && l.refused === 0)).toBe(true)
    expect(refused.every((l) => cut.has(l.code) && l.granted === 0)).toBe(true)
    // Each refusal is counted against the department that asked for the item.
    const departmentOf = new Map(OLD_ITEMS.map((i) => [i.code, i.department]))
    expect(items().every((l) => l.department === departmentOf.get(l.code))).toBe(true)
    // Every request the windows put through the whitelist is in the report, granted or refused: the
    // replay's commands are the requests and the one publication.
    expect(sum(stamps.lines.map((l) => l.granted + l.refused))).toBe(stamps.commands - 1)
  })

  it("plaques beyond the 4 and work off the access list are refused and counted as well", () => {
    const plaques = stamps.lines.filter((l) => l.kind === "plaque")
    const allowed = new Set(lingdongWhitelist.plaques.map((p) => p.code))
    expect(plaques.filter((l) => l.granted > 0).every((l) => allowed.has(l.code))).toBe(true)
    expect(plaques.filter((l) => l.refused > 0).every((l) => PLAQUES_ASKED.some((p) => p.code === l.code))).toBe(true)
    // The communities that moved into new offices hung their 4 plaques again.
    expect(sum(plaques.map((l) => l.granted)) % 4).toBe(0)
    const work = stamps.lines.filter((l) => l.kind === "work")
    const admitted = new Set(lingdongWhitelist.work.map((w) => `${w.department}/${w.code}`))
    expect(work.filter((l) => l.granted > 0).every((l) => admitted.has(`${l.department}/${l.code}`))).toBe(true)
    expect(
      work
        .filter((l) => l.refused > 0)
        .every((l) => !admitted.has(`${l.department}/${l.code}`) && WORK_ASKED.some((w) => w.code === l.code))
    ).toBe(true)
    expect(stamps.examples.map((e) => e.code).sort()).toEqual([
      "STAMPS.ITEM_NOT_WHITELISTED",
      "STAMPS.PLAQUE_NOT_ALLOWED",
      "STAMPS.WORK_NOT_ADMITTED"
    ])
    expect(stamps.examples.every((e) => e.version === 1 && e.effectiveOn === "2019-07-01")).toBe(true)
  })

  it("a department falling back on a cut certificate shows as refusals rising month by month (防止反弹)", () => {
    const creeping = items().filter((l) => l.code === CREEPING_ITEM)
    const byMonth = Array.from({ length: 12 }, (_, m) =>
      sum(creeping.filter((l) => l.month === `2020-${String(m + 1).padStart(2, "0")}`).map((l) => l.refused))
    )
    // Asked m times in month m across the case's 11 communities, in proportion here: every one refused.
    expect(byMonth).toEqual(byMonth.map((_, m) => Math.round(((m + 1) * communities) / 11)))
    expect(byMonth[11]).toBeGreaterThan(byMonth[0]!)
    expect(creeping.every((l) => l.granted === 0)).toBe(true)
  })
})
