/**
 * The compact tables a residents import keeps its households and flats in
 * answer exactly as a `Map` would, whatever the keys.
 */
import { FastCheck as fc } from "effect"
import { describe, expect, it } from "vitest"
import { uuidv7 } from "../../src/Ids.js"
import { KeyTable, UuidColumn } from "../../src/registry/KeyTable.js"

describe("KeyTable", () => {
  it("numbers keys in the order they were first added and finds each again, as a Map does", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary", maxLength: 12 }), { maxLength: 3000 }), (keys) => {
        const table = new KeyTable()
        const model = new Map<string, number>()
        for (const key of keys) {
          const slot = table.add(key)
          if (!model.has(key)) model.set(key, model.size)
          expect(slot).toBe(model.get(key))
        }
        expect(table.size).toBe(model.size)
        for (const [key, slot] of model) {
          expect(table.get(key)).toBe(slot)
          expect(table.keyAt(slot)).toBe(key)
        }
        expect(table.get("\u0000never added\u0000")).toBe(model.get("\u0000never added\u0000") ?? -1)
      }),
      { numRuns: 60 }
    )
  })

  it("keeps 200,000 household numbers apart, though many share a position in its table", () => {
    const table = new KeyTable()
    const keys = Array.from({ length: 200_000 }, (_, i) => `户${i}`)
    const added = keys.map((key) => table.add(key))
    const found = keys.map((key) => table.get(key))
    expect(added).toEqual(keys.map((_, i) => i))
    expect(found).toEqual(added)
    expect(table.get("户200000")).toBe(-1)
  })
})

describe("UuidColumn", () => {
  it("gives back each id as it was stored, in lower case", () => {
    const column = new UuidColumn()
    const ids = Array.from({ length: 5000 }, () => uuidv7())
    ids.forEach((id, slot) => column.set(slot, slot % 2 === 0 ? id : id.toUpperCase()))
    ids.forEach((id, slot) => expect(column.get(slot)).toBe(id))
  })
})
