/**
 * The district's own files through the registry's imports: what Excel on a
 * zh-CN Windows saves is GB18030 with no byte-order mark, and it imports as
 * it is, the encoding detected.
 */
import { Writable } from "node:stream"
import { sqliteStorage } from "@shequ/adapter-sqlite"
import { Actor, Core, Csv, makeKernel, placeColumns, Registry, residentColumns } from "@shequ/core"
import { describe, expect, it } from "vitest"
import { SAMPLE_OPTIONS, writePlaces, writeResidents } from "../src/generator/index.js"

const system = Actor.system("lingdong-test")

const bytesOf = async (write: (out: NodeJS.WritableStream) => Promise<unknown>) => {
  const chunks: Array<Buffer> = []
  await write(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk)
        done()
      }
    })
  )
  return Buffer.concat(chunks)
}

describe("the base-data files as districts keep them", () => {
  it("a GB18030 file with a BOM-less header imports, with the same counts as its UTF-8 twin", async () => {
    const places = await bytesOf((out) => writePlaces(SAMPLE_OPTIONS, out, "gb18030"))
    const gb = await bytesOf((out) => writeResidents(SAMPLE_OPTIONS, out, "gb18030"))
    const utf8 = await bytesOf((out) => writeResidents(SAMPLE_OPTIONS, out))
    expect(gb.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false)
    expect(gb.equals(utf8)).toBe(false)
    expect(Csv.detectEncoding(gb.subarray(0, 4096))).toBe("gb18030")

    const imported = async (residents: Buffer) => {
      const kernel = await makeKernel({
        storage: sqliteStorage({ filename: ":memory:" }),
        secrets: { key: "a".repeat(64) }
      })
      try {
        await kernel.exec(Core.commands.registerDistrict({ code: "230503", name: "岭东区" }), system)
        await kernel.import(
          Registry.imports.places(
            { district: "230503", create: true, since: "2019-06-01" },
            Csv.readCsv(places, { columns: placeColumns })
          ),
          system
        )
        const result = await kernel.import(
          Registry.imports.residents({ district: "230503" }, Csv.readCsv(residents, { columns: residentColumns })),
          system
        )
        const byGrid = await kernel.exec(Registry.queries.population({ district: "230503", by: "grid" }), system)
        return { counts: result.counts, byGrid: byGrid.map((g) => [g.name, g.households, g.residents]) }
      } finally {
        await kernel.close()
      }
    }
    const fromGb = await imported(gb)
    expect(fromGb.counts?.["residents"]).toBe(utf8.toString("utf8").trim().split("\n").length - 1)
    expect(fromGb).toEqual(await imported(utf8))
  })
})
