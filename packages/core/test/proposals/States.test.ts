import { describe, expect, it } from "vitest"
import { sqliteStorage } from "../../../adapters/sqlite/src/index.js"
import * as Actor from "../../src/Actor.js"
import { definePlugin } from "../../src/Plugin.js"
import { Proposals } from "../../src/proposals/Proposals.js"
import { TransitionNotAllowed } from "../../src/proposals/Refused.js"
import { extendProposalStates } from "../../src/proposals/States.js"
import { Registry } from "../../src/registry/Registry.js"
import { boaiWorker, proposalPlaces, proposalsFixture } from "../../src/testing/proposals.js"
import { DISTRICT } from "../../src/testing/tasks.js"

const system = Actor.system("test")

/** A later plugin's states: a public hearing (民主听证) between deliberation and its outcome. */
const hearing = definePlugin({
  name: "hearing",
  version: "0.1.0",
  migrations: [
    extendProposalStates("0001_hearing_states", "hearing", {
      states: ["in_hearing"],
      transitions: [
        ["under_deliberation", "in_hearing"],
        ["in_hearing", "settled"],
        ["in_hearing", "submitted_upward"]
      ]
    })
  ]
})

const raise = (authors: ReadonlyArray<string>, grid: string = proposalPlaces.g1) =>
  Proposals.commands.raiseProposal({
    district: DISTRICT,
    community: proposalPlaces.boai,
    grid,
    title: "楼道加装扶手",
    text: "高层住户多为老人，建议楼道加装扶手。",
    category: "适老化改造",
    authors: [...authors]
  })

describe("proposal states as data", () => {
  it("a plugin adds a state and its transitions in its own migration, and core's command follows them", async () => {
    const { kernel, zhao } = await proposalsFixture(sqliteStorage({ filename: ":memory:" }), [hearing])
    expect(kernel.applied).toContain("hearing/0001_hearing_states")
    const { id } = await kernel.exec(raise([zhao]), boaiWorker)
    const change = (to: string, reason: string) =>
      kernel.exec(Proposals.commands.changeState({ district: DISTRICT, proposal: id, to, reason }), boaiWorker)
    await change("under_deliberation", "提交居民议事会")
    const refused = (await change("adopted", "跳过听证").catch((e: unknown) => e)) as TransitionNotAllowed
    expect(refused).toBeInstanceOf(TransitionNotAllowed)
    expect(refused.allowed).toEqual(["in_hearing", "rejected", "settled", "submitted_upward", "withdrawn"])
    await change("in_hearing", "涉及多户利益，召开民主听证会")
    await change("settled", "听证通过，物业实施")
    const record = await kernel.exec(Proposals.queries.proposal({ district: DISTRICT, id }), boaiWorker)
    expect(record.history.map((c) => c.to)).toEqual(["raised", "under_deliberation", "in_hearing", "settled"])
  })

  it("without the plugin, its state does not exist and the change is refused", async () => {
    const { kernel, zhao } = await proposalsFixture(sqliteStorage({ filename: ":memory:" }))
    const { id } = await kernel.exec(raise([zhao]), boaiWorker)
    await kernel.exec(
      Proposals.commands.changeState({ district: DISTRICT, proposal: id, to: "under_deliberation", reason: "议事" }),
      boaiWorker
    )
    const refused = await kernel
      .exec(
        Proposals.commands.changeState({ district: DISTRICT, proposal: id, to: "in_hearing", reason: "听证" }),
        boaiWorker
      )
      .catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: "PROPOSALS.TRANSITION_NOT_ALLOWED", from: "under_deliberation" })
  })

  it("the key itself refuses a second support written past the command", async () => {
    const storage = sqliteStorage({ filename: ":memory:" })
    const { kernel, zhao, qian } = await proposalsFixture(storage)
    const { id } = await kernel.exec(raise([zhao]), boaiWorker)
    await kernel.exec(Proposals.commands.support({ district: DISTRICT, proposal: id, resident: qian }), boaiWorker)
    const tx = await storage.begin("write")
    const again = await tx.db
      .insertInto("proposals_support")
      .values({
        district_code: DISTRICT,
        proposal_id: id,
        resident_id: qian,
        recorded_by: "someone",
        supported_at: new Date()
      })
      .execute()
      .catch((e: unknown) => e)
    await tx.rollback()
    expect(String(again)).toMatch(/UNIQUE constraint failed: proposals_support/)
  })

  it("a proposal about a grid follows the grid when re-districting moves it to another community", async () => {
    const { kernel, zhao } = await proposalsFixture(sqliteStorage({ filename: ":memory:" }))
    const { id } = await kernel.exec(raise([zhao], proposalPlaces.g2), boaiWorker)
    await kernel.exec(
      Registry.commands.applyPlan({
        district: DISTRICT,
        effectiveOn: "2021-01-01",
        moveGrids: [{ grid: proposalPlaces.g2, toCommunity: proposalPlaces.huimin }]
      }),
      system
    )
    const of = (community: string) =>
      kernel.exec(Proposals.queries.proposalsOf({ district: DISTRICT, community }), system)
    expect(await of(proposalPlaces.boai)).toEqual([])
    expect((await of(proposalPlaces.huimin)).map((s) => [s.id, s.community, s.grid])).toEqual([
      [id, proposalPlaces.huimin, proposalPlaces.g2]
    ])
  })
})
