/**
 * Two document numbers can share the 52-bit hash prefix an import remembers
 * them by. Here every number shares one, so every row after the first is a
 * suspect: the full hashes must still tell a new number from one met before.
 */
import { afterEach, describe, expect, it, vi } from "vitest"
import { sqliteStorage } from "../../../adapters/sqlite/src/index.js"
import * as Actor from "../../src/Actor.js"
import { Core } from "../../src/Core.js"
import { makeKernel, type Kernel } from "../../src/Kernel.js"
import { Registry } from "../../src/registry/Registry.js"
import type { ResidentRow } from "../../src/registry/ResidentsImport.js"
import type * as SeenNumbersModule from "../../src/registry/SeenNumbers.js"
import { residentId } from "../../src/testing/registry.js"

vi.mock("../../src/registry/SeenNumbers.js", async (original) => ({
  ...(await original<typeof SeenNumbersModule>()),
  prefixOf: () => 42
}))

const D = "230503"
const system = Actor.system("collisions")
let kernel: Kernel | undefined
afterEach(async () => {
  await kernel?.close()
  kernel = undefined
})

const person = (sequence: string, flat: string, household: string, relation: string): ResidentRow => ({
  id_number: residentId("230503", "19700101", sequence),
  name: `居民${sequence}`,
  compound: "博爱小区",
  building: "1号楼",
  flat,
  household,
  relation
})

describe("numbers that share a hash prefix", () => {
  it("are told apart by their full hash: new numbers are written, a repeated one and a second head are refused", async () => {
    kernel = await makeKernel({ storage: sqliteStorage({ filename: ":memory:" }), secrets: { key: "c".repeat(64) } })
    await kernel.exec(Core.commands.registerDistrict({ code: D, name: "岭东区" }), system)
    await kernel.import(
      Registry.imports.places({ district: D, create: true, since: "2020-01-01" }, [
        { street: "中山街道", community: "博爱社区", grid: "第1网格", compound: "博爱小区", building: "1号楼" }
      ]),
      system
    )
    const rows = [
      person("001", "101", "H1", "户主"),
      person("002", "101", "H1", "配偶"),
      person("003", "102", "H2", "户主"),
      person("002", "102", "H2", "长子"),
      person("004", "102", "H2", "户主")
    ]
    const result = await kernel.import(Registry.imports.residents({ district: D }, rows), system, {
      goodRowsOnly: true
    })
    expect(result.problems.map((p) => [p.row, p.code])).toEqual([
      [4, "REGISTRY.DOCUMENT_DUPLICATE_IN_FILE"],
      [5, "REGISTRY.SECOND_HEAD"]
    ])
    expect(result.counts).toMatchObject({ residents: 3, households: 2, dwellings: 2 })
    const again = await kernel.import(Registry.imports.residents({ district: D }, [rows[0]!]), system, {
      goodRowsOnly: true
    })
    expect(again.problems.map((p) => p.code)).toEqual(["REGISTRY.DOCUMENT_REGISTERED"])
  })
})
