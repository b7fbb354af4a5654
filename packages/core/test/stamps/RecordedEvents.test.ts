import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { sqliteStorage } from "../../../adapters/sqlite/src/index.js"
import { HandlerFailed } from "../../src/Errors.js"
import { definePlugin } from "../../src/Plugin.js"
import { districtAdmin, failure, gate, stampsFixture, TurnedAway } from "../../src/testing/stamps.js"
import { DISTRICT } from "../../src/testing/tasks.js"

/** A plugin whose handler of the recorded event cannot do its work. */
const brokenTally = definePlugin({
  name: "broken-tally",
  version: "0.0.0",
  on: { "gate.turned-away": () => Effect.fail(new Error("tally table is gone")) }
})

describe("errors that record events", () => {
  it("a refusal is never dropped unseen: when its record cannot be written, the caller gets that failure", async () => {
    const kernel = await stampsFixture(sqliteStorage({ filename: ":memory:" }), [gate, brokenTally])
    const error = await failure(
      kernel.exec(gate.commands.enter({ district: DISTRICT, visitor: "丙", welcome: false }), districtAdmin)
    )
    expect(error).toBeInstanceOf(HandlerFailed)
    expect(error).toMatchObject({ plugin: "broken-tally", event: "gate.turned-away" })
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    expect(events.map((e) => e.type).filter((t) => t.startsWith("gate."))).toEqual([])
  })

  it("the caller gets the refusal itself, through both faces of the kernel", async () => {
    const kernel = await stampsFixture(sqliteStorage({ filename: ":memory:" }), [gate])
    const enter = gate.commands.enter({ district: DISTRICT, visitor: "丁", welcome: false })
    expect(await failure(kernel.exec(enter, districtAdmin))).toBeInstanceOf(TurnedAway)
    const viaEffect = await Effect.runPromise(Effect.flip(kernel.run(enter, districtAdmin)))
    expect(viaEffect).toBeInstanceOf(TurnedAway)
    const recorded = (await kernel.events.since({ district: DISTRICT, after: 0 })).filter(
      (e) => e.type === "gate.turned-away"
    )
    expect(recorded).toHaveLength(2)
  })
})
