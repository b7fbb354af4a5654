/**
 * The proposals module's conformance tests, on every adapter: raising for
 * residents, one support per resident, states as data with every change an
 * event with its reason, and proposals seen within scope.
 */
import { expect, it } from "vitest"
import * as Actor from "../Actor.js"
import { Core } from "../Core.js"
import { Forbidden, InvalidInput, NotFound } from "../Errors.js"
import { makeKernel } from "../Kernel.js"
import { Proposals } from "../proposals/Proposals.js"
import { ProposalRefused, TransitionNotAllowed } from "../proposals/Refused.js"
import { Registry } from "../registry/Registry.js"
import type { Storage } from "../Storage.js"
import { type RegistryDatabase, residentId } from "./registry.js"
import { DISTRICT } from "./tasks.js"

const system = Actor.system("conformance")
const KEY = "d".repeat(64)

/** The places of the proposals fixture: Bo'ai with grids G1 and G2, Huimin with G3. @since 0.3.0 */
export const proposalPlaces = {
  street: "230503003",
  boai: "230503003001",
  huimin: "230503003002",
  g1: "230503003001001",
  g2: "230503003001002",
  g3: "230503003002001"
} as const

const p = proposalPlaces
const boaiPath = `${DISTRICT}/${p.street}/${p.boai}/`
const huiminPath = `${DISTRICT}/${p.street}/${p.huimin}/`

const actor = (id: string, role: string, level: Actor.ScopeLevel, scopePath: string): Actor.Actor => ({
  id,
  kind: "user",
  roles: [{ role, district: DISTRICT, level, scopePath }]
})

/** A community worker of Bo'ai, who raises proposals and records changes. @since 0.3.0 */
export const boaiWorker = actor("worker@boai", "community_worker", "community", boaiPath)
/** Huimin's community admin. @since 0.3.0 */
export const huiminAdmin = actor("admin@huimin", "community_admin", "community", huiminPath)
/** A grid worker of G1, in Bo'ai. @since 0.3.0 */
export const g1Worker = actor("worker@g1", "grid_worker", "grid", `${boaiPath}${p.g1}/`)
/** A grid worker of G2, in Bo'ai. @since 0.3.0 */
export const g2Worker = actor("worker@g2", "grid_worker", "grid", `${boaiPath}${p.g2}/`)

/**
 * A kernel on `storage` with the proposals fixture: residents 赵一 and 钱二 in
 * G1, 孙三 in G2 (all of Bo'ai), 周四 in G3 (Huimin).
 *
 * @since 0.3.0
 */
export const proposalsFixture = async (storage: Storage, plugins: Parameters<typeof makeKernel>[0]["plugins"] = []) => {
  const kernel = await makeKernel({ storage, plugins, secrets: { key: KEY } })
  await kernel.exec(Core.commands.registerDistrict({ code: DISTRICT, name: "岭东区" }), system)
  await kernel.exec(
    Registry.commands.registerStreet({ district: DISTRICT, code: p.street, name: "西山街道", kind: "street_office" }),
    system
  )
  for (const [code, name] of [
    [p.boai, "博爱社区"],
    [p.huimin, "惠民社区"]
  ] as const) {
    await kernel.exec(Registry.commands.registerCommunity({ district: DISTRICT, street: p.street, code, name }), system)
  }
  for (const [community, code, name] of [
    [p.boai, p.g1, "第1网格"],
    [p.boai, p.g2, "第2网格"],
    [p.huimin, p.g3, "第1网格"]
  ] as const) {
    await kernel.exec(
      Registry.commands.registerGrid({ district: DISTRICT, community, code, name, createdOn: "2020-01-01" }),
      system
    )
  }
  for (const [compound, building, grid] of [
    ["博爱家园", "1号楼", p.g1],
    ["博爱家园", "2号楼", p.g2],
    ["惠民小区", "1号楼", p.g3]
  ] as const) {
    await kernel.exec(
      Registry.commands.registerBuilding({ district: DISTRICT, compound, name: building, grid, since: "2020-01-01" }),
      system
    )
  }
  const resident = (birth: string, name: string, compound: string, building: string, household: string) =>
    kernel.exec(
      Registry.commands.registerResident({
        district: DISTRICT,
        document: { type: "resident_id_card", number: residentId("230503", birth, "051") },
        name,
        address: { compound, building, unit: "1", flat: "101" },
        household,
        relation: "户主",
        movedIn: "2020-06-01"
      }),
      system
    )
  const zhao = await resident("19450101", "赵一", "博爱家园", "1号楼", "P001")
  const qian = await resident("19470202", "钱二", "博爱家园", "1号楼", "P002")
  const sun = await resident("19800303", "孙三", "博爱家园", "2号楼", "P003")
  const zhou = await resident("19750404", "周四", "惠民小区", "1号楼", "P004")
  return { kernel, zhao: zhao.id, qian: qian.id, sun: sun.id, zhou: zhou.id }
}

/** Resolves with the error a promise rejects with; fails the test when it resolves. */
const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error("expected a refusal")
    },
    (error: unknown) => error
  )

const inBoai = {
  district: DISTRICT,
  community: p.boai,
  title: "1号楼前增设非机动车停车棚",
  text: "电动车在楼道内充电，存在火灾隐患，建议在1号楼前空地建停车棚并接入充电桩。",
  category: "公共设施"
}
const shed = { ...inBoai, grid: p.g1 }

/** The proposals module's conformance tests, registered inside the adapter's suite. @since 0.3.0 */
export const proposalsTests = (fresh: () => Promise<RegistryDatabase>) => {
  it("a proposal is raised for its resident authors and starts raised, the first entry of its log", async () => {
    const db = await fresh()
    const { kernel, zhao, qian } = await proposalsFixture(db.open())
    db.track(kernel)
    const raised = await kernel.exec(
      Proposals.commands.raiseProposal({ ...shed, authors: [zhao, qian, zhao] }),
      g1Worker
    )
    expect(raised.state).toBe("raised")
    const record = await kernel.exec(Proposals.queries.proposal({ district: DISTRICT, id: raised.id }), boaiWorker)
    expect(record).toMatchObject({
      id: raised.id,
      title: shed.title,
      text: shed.text,
      category: "公共设施",
      community: p.boai,
      grid: p.g1,
      compound: null,
      state: "raised",
      supports: 0,
      raisedBy: g1Worker.id
    })
    expect(record.authors.map((a) => a.name).sort()).toEqual(["赵一", "钱二"].sort())
    expect(record.history).toMatchObject([{ seq: 1, from: null, to: "raised", reason: null, by: g1Worker.id }])
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    expect(events.filter((e) => e.type === "proposals.raised")).toMatchObject([
      { subject: raised.id, payload: { community: p.boai, grid: p.g1, state: "raised" } }
    ])
  })

  it("a resident's second support is refused", async () => {
    const db = await fresh()
    const { kernel, zhao, sun, zhou } = await proposalsFixture(db.open())
    db.track(kernel)
    const { id } = await kernel.exec(Proposals.commands.raiseProposal({ ...shed, authors: [zhao] }), boaiWorker)
    const support = (resident: string, by: Actor.Actor = boaiWorker) =>
      kernel.exec(Proposals.commands.support({ district: DISTRICT, proposal: id, resident }), by)
    expect(await support(sun, g2Worker)).toEqual({ supports: 1 })
    const again = await failure(support(sun))
    expect(again).toBeInstanceOf(ProposalRefused)
    expect(again).toMatchObject({ code: "PROPOSALS.ALREADY_SUPPORTED", subject: sun })
    expect(await support(zhao, g1Worker)).toEqual({ supports: 2 })
    // Only residents of the proposal's community, and only by staff whose scope covers the resident.
    expect(await failure(support(zhou, huiminAdmin))).toMatchObject({ code: "PROPOSALS.NOT_IN_COMMUNITY" })
    expect(await failure(support(zhao, g2Worker))).toBeInstanceOf(Forbidden)
    expect((await kernel.exec(Proposals.queries.proposal({ district: DISTRICT, id }), boaiWorker)).supports).toBe(2)
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    expect(events.filter((e) => e.type === "proposals.supported").map((e) => e.payload)).toEqual([
      { resident: sun, supports: 1 },
      { resident: zhao, supports: 2 }
    ])
  })

  it("a state change the states do not allow is refused, naming from and to, and nothing is written", async () => {
    const db = await fresh()
    const { kernel, zhao, sun } = await proposalsFixture(db.open())
    db.track(kernel)
    const { id } = await kernel.exec(Proposals.commands.raiseProposal({ ...shed, authors: [zhao] }), boaiWorker)
    const change = (to: string, reason: string) =>
      kernel.exec(Proposals.commands.changeState({ district: DISTRICT, proposal: id, to, reason }), boaiWorker)
    const skipped = await failure(change("adopted", "直接列为利民实事"))
    expect(skipped).toBeInstanceOf(TransitionNotAllowed)
    expect(skipped).toMatchObject({
      code: "PROPOSALS.TRANSITION_NOT_ALLOWED",
      from: "raised",
      to: "adopted",
      allowed: ["rejected", "settled", "under_deliberation", "withdrawn"]
    })
    expect(await failure(change("no_such_state", "试试"))).toMatchObject({ from: "raised", to: "no_such_state" })
    const record = await kernel.exec(Proposals.queries.proposal({ district: DISTRICT, id }), boaiWorker)
    expect(record.state).toBe("raised")
    expect(record.history).toHaveLength(1)
    await change("settled", "两代表一委员现场协调物业，当场解决")
    // A settled proposal is closed: it goes nowhere and takes no more supports.
    const closed = (await failure(change("under_deliberation", "重新议事"))) as TransitionNotAllowed
    expect(closed.allowed).toEqual([])
    expect(closed.text.en).toBe("A proposal cannot go from settled to under_deliberation: that state is final")
    expect(
      await failure(
        kernel.exec(Proposals.commands.support({ district: DISTRICT, proposal: id, resident: sun }), boaiWorker)
      )
    ).toMatchObject({ code: "PROPOSALS.CLOSED" })
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    expect(events.filter((e) => e.type === "proposals.state-changed").map((e) => e.payload["to"])).toEqual(["settled"])
  })

  it("a state change without a reason is refused", async () => {
    const db = await fresh()
    const { kernel, zhao } = await proposalsFixture(db.open())
    db.track(kernel)
    const { id } = await kernel.exec(Proposals.commands.raiseProposal({ ...shed, authors: [zhao] }), boaiWorker)
    const blank = await failure(
      kernel.exec(
        Proposals.commands.changeState({ district: DISTRICT, proposal: id, to: "under_deliberation", reason: "  " }),
        boaiWorker
      )
    )
    expect(blank).toBeInstanceOf(InvalidInput)
    expect((blank as InvalidInput).problems).toMatchObject([{ path: "reason", code: "PROPOSALS.REASON" }])
    const missing = await failure(
      kernel.exec(
        Proposals.commands.changeState({ district: DISTRICT, proposal: id, to: "under_deliberation" } as never),
        boaiWorker
      )
    )
    expect((missing as InvalidInput).problems).toMatchObject([{ path: "reason", code: "REQUIRED" }])
    const record = await kernel.exec(Proposals.queries.proposal({ district: DISTRICT, id }), boaiWorker)
    expect(record.history).toHaveLength(1)
  })

  it("every change is an event with its reason, and the state is the last change of the log", async () => {
    const db = await fresh()
    const { kernel, zhao } = await proposalsFixture(db.open())
    db.track(kernel)
    const { id } = await kernel.exec(Proposals.commands.raiseProposal({ ...shed, authors: [zhao] }), boaiWorker)
    const other = await kernel.exec(
      Proposals.commands.raiseProposal({
        district: DISTRICT,
        community: p.boai,
        compound: "博爱家园",
        title: "小区增设老年人休息座椅",
        text: "小区内老人多，散步途中无处休息，建议沿主路增设座椅。",
        category: "养老服务",
        authors: [zhao]
      }),
      boaiWorker
    )
    const steps = [
      ["under_deliberation", "列入5月居民议事会"],
      ["submitted_upward", "涉及用地，由人大代表提交区委、区政府"],
      ["adopted", "确定为2020年度利民实事"]
    ] as const
    for (const [to, reason] of steps) {
      await kernel.exec(Proposals.commands.changeState({ district: DISTRICT, proposal: id, to, reason }), boaiWorker)
    }
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    expect(
      events
        .filter((e) => e.type === "proposals.state-changed")
        .map((e) => [e.subject, e.actor, e.payload["from"], e.payload["to"], e.payload["reason"], e.payload["seq"]])
    ).toEqual([
      [id, boaiWorker.id, "raised", "under_deliberation", steps[0][1], 2],
      [id, boaiWorker.id, "under_deliberation", "submitted_upward", steps[1][1], 3],
      [id, boaiWorker.id, "submitted_upward", "adopted", steps[2][1], 4]
    ])
    const record = await kernel.exec(Proposals.queries.proposal({ district: DISTRICT, id }), boaiWorker)
    expect(record.state).toBe("adopted")
    expect(record.history.map((c) => [c.from, c.to, c.reason])).toEqual([
      [null, "raised", null],
      ["raised", "under_deliberation", steps[0][1]],
      ["under_deliberation", "submitted_upward", steps[1][1]],
      ["submitted_upward", "adopted", steps[2][1]]
    ])
    const of = (state?: string) =>
      kernel.exec(
        Proposals.queries.proposalsOf({ district: DISTRICT, community: p.boai, ...(state ? { state } : {}) }),
        boaiWorker
      )
    expect((await of("adopted")).map((s) => s.id)).toEqual([id])
    expect((await of("raised")).map((s) => [s.id, s.compound, s.grid])).toEqual([[other.id, "博爱家园", null]])
    expect((await of()).map((s) => s.state)).toEqual(["adopted", "raised"])
  })

  it("authors are residents of the proposal's community, and its grid or compound lies in it; else nothing is written", async () => {
    const db = await fresh()
    const { kernel, zhao, zhou } = await proposalsFixture(db.open())
    db.track(kernel)
    const authors = await failure(
      kernel.exec(
        Proposals.commands.raiseProposal({ ...shed, authors: [zhao, zhou, "0190a0a0-0000-7000-8000-000000000000"] }),
        boaiWorker
      )
    )
    expect(authors).toBeInstanceOf(InvalidInput)
    expect((authors as InvalidInput).problems).toMatchObject([
      { path: "authors[1]", code: "PROPOSALS.AUTHOR_NOT_RESIDENT" },
      { path: "authors[2]", code: "PROPOSALS.AUTHOR_NOT_RESIDENT" }
    ])
    const elsewhere = await failure(
      kernel.exec(Proposals.commands.raiseProposal({ ...shed, grid: p.g3, authors: [zhao] }), boaiWorker)
    )
    // Huimin's grid lies outside a Bo'ai worker's scope before it lies outside Bo'ai.
    expect(elsewhere).toBeInstanceOf(Forbidden)
    const districtAdmin = actor("admin@district", "district_admin", "district", `${DISTRICT}/`)
    expect(
      await failure(
        kernel.exec(Proposals.commands.raiseProposal({ ...shed, grid: p.g3, authors: [zhao] }), districtAdmin)
      )
    ).toMatchObject({ code: "PROPOSALS.PLACE_NOT_IN_COMMUNITY", subject: p.g3 })
    expect(
      await failure(
        kernel.exec(Proposals.commands.raiseProposal({ ...inBoai, compound: "惠民小区", authors: [zhao] }), boaiWorker)
      )
    ).toMatchObject({ code: "PROPOSALS.PLACE_NOT_IN_COMMUNITY", subject: "惠民小区" })
    const both = await failure(
      kernel.exec(Proposals.commands.raiseProposal({ ...shed, compound: "博爱家园", authors: [zhao] }), boaiWorker)
    )
    expect((both as InvalidInput).problems).toMatchObject([{ code: "PROPOSALS.GRID_OR_COMPOUND" }])
    expect(
      await kernel.exec(Proposals.queries.proposalsOf({ district: DISTRICT, community: p.boai }), boaiWorker)
    ).toEqual([])
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    expect(events.map((e) => e.type)).not.toContain("proposals.raised")
  })

  it("proposals are seen and changed within scope", async () => {
    const db = await fresh()
    const { kernel, zhao } = await proposalsFixture(db.open())
    db.track(kernel)
    const { id } = await kernel.exec(Proposals.commands.raiseProposal({ ...shed, authors: [zhao] }), g1Worker)
    const read = (who: Actor.Actor) => kernel.exec(Proposals.queries.proposal({ district: DISTRICT, id }), who)
    expect((await read(g1Worker)).title).toBe(shed.title)
    expect((await read(boaiWorker)).title).toBe(shed.title)
    expect(await failure(read(g2Worker))).toBeInstanceOf(NotFound)
    expect(await failure(read(huiminAdmin))).toBeInstanceOf(NotFound)
    expect(
      await kernel.exec(Proposals.queries.proposalsOf({ district: DISTRICT, community: p.boai }), huiminAdmin)
    ).toEqual([])
    // A grid worker raises about their own grid only, and leaves state changes to the community.
    expect(
      await failure(kernel.exec(Proposals.commands.raiseProposal({ ...shed, grid: p.g2, authors: [zhao] }), g1Worker))
    ).toBeInstanceOf(Forbidden)
    expect(
      await failure(
        kernel.exec(
          Proposals.commands.changeState({ district: DISTRICT, proposal: id, to: "withdrawn", reason: "居民撤回" }),
          g1Worker
        )
      )
    ).toBeInstanceOf(Forbidden)
    expect(
      await failure(
        kernel.exec(
          Proposals.commands.changeState({ district: DISTRICT, proposal: id, to: "withdrawn", reason: "居民撤回" }),
          huiminAdmin
        )
      )
    ).toBeInstanceOf(Forbidden)
  })
}
