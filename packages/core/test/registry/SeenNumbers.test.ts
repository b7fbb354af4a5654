import { describe, expect, it } from "vitest"
import { prefixOf, SeenNumbers } from "../../src/registry/SeenNumbers.js"

describe("the numbers an import has met", () => {
  it("keeps the first line each prefix was met on, through growth", () => {
    const seen = new SeenNumbers(4)
    for (let i = 1; i <= 10_000; i++) seen.add(i * 7_919 * 1_000_003, i)
    seen.add(7_919 * 1_000_003, 99)
    expect(seen.get(7_919 * 1_000_003)).toBe(1)
    expect(seen.get(5_000 * 7_919 * 1_000_003)).toBe(5_000)
    expect(seen.get(3)).toBeUndefined()
  })

  it("reads 52 bits of a hex hash exactly, and a prefix of 0 is still found", () => {
    expect(prefixOf("fffffffffffff" + "0".repeat(51))).toBe(2 ** 52 - 1)
    const seen = new SeenNumbers()
    seen.add(0, 0)
    expect(seen.get(0)).toBe(0)
  })
})
