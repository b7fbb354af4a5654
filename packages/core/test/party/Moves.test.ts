import { describe, expect, it } from "vitest"
import { sqliteStorage } from "../../../adapters/sqlite/src/index.js"
import { Party } from "../../src/party/Party.js"
import { Registry } from "../../src/registry/Registry.js"
import { partyActors, partyFixture, partyPlaces } from "../../src/testing/party.js"
import { DISTRICT } from "../../src/testing/tasks.js"

const { boaiSecretary } = partyActors

/**
 * G1's cell with 张一's household (P001) and 张二's (P002) as central
 * households from 1 September 2019: 张一's looks after P004 and P005, 张二's
 * after P006.
 */
const withCentralHouseholds = async () => {
  const fixture = await partyFixture(sqliteStorage({ filename: ":memory:" }))
  const { kernel, exec, g1, organisations, member } = fixture
  await exec(
    Party.commands.formCell({
      district: DISTRICT,
      grid: partyPlaces.g1,
      branch: organisations.boai.id,
      formedOn: "2019-08-01"
    }),
    boaiSecretary
  )
  const central = []
  for (const [i, neighbours] of [
    [0, [3, 4]],
    [1, [5]]
  ] as const) {
    const m = await member(g1[i]!.id, "resident", organisations.boai.id)
    const appointed = await exec(
      Party.commands.appointCentralHousehold({
        district: DISTRICT,
        grid: partyPlaces.g1,
        household: g1[i]!.household,
        member: m.id,
        appointedOn: "2019-09-01"
      }),
      boaiSecretary
    )
    await exec(
      Party.commands.setNeighbours({
        district: DISTRICT,
        centralHousehold: appointed.id,
        households: neighbours.map((n) => g1[n]!.household),
        since: "2019-09-01"
      }),
      boaiSecretary
    )
    central.push(appointed.id)
  }
  const cell = async () =>
    (await exec(Party.queries.cell({ district: DISTRICT, grid: partyPlaces.g1 })))!.centralHouseholds.map((c) => [
      c.number,
      c.neighbours.map((n) => n.number)
    ])
  const events = async (type: string) =>
    (await kernel.events.since({ district: DISTRICT, after: 0, limit: 1000 }))
      .filter((e) => e.type === type)
      .map((e): Readonly<Record<string, unknown>> => ({ subject: e.subject, ...e.payload }))
  const elsewhere = { compound: "博爱小区", building: "3号楼", unit: "2", flat: "202" }
  return { ...fixture, central, cell, events, elsewhere }
}

describe("central households follow the registry's moves", () => {
  it("a central household that moves to another grid stands down on the day it moves, and its neighbours are released with it", async () => {
    const { exec, g1, central, cell, events, elsewhere } = await withCentralHouseholds()
    // Moving within the grid changes nothing.
    await exec(
      Registry.commands.relocate({
        district: DISTRICT,
        household: g1[0]!.household,
        to: { compound: "博爱小区", building: "1号楼", unit: "2", flat: "201" },
        on: "2020-03-01"
      })
    )
    expect(await cell()).toEqual([
      ["P001", ["P004", "P005"]],
      ["P002", ["P006"]]
    ])
    await exec(
      Registry.commands.relocate({ district: DISTRICT, household: g1[0]!.household, to: elsewhere, on: "2020-06-15" })
    )
    expect(await cell()).toEqual([["P002", ["P006"]]])
    expect(await events("party.central-household-stood-down")).toEqual([
      {
        subject: central[0],
        household: g1[0]!.household,
        neighbours: [g1[3]!.household, g1[4]!.household].sort(),
        endedOn: "2020-06-15",
        reason: "moved-out-of-grid"
      }
    ])
  })

  it("a neighbouring household that moves to another grid, or out of the district, is released; the central household stays", async () => {
    const { exec, g1, central, cell, events, elsewhere } = await withCentralHouseholds()
    await exec(
      Registry.commands.relocate({ district: DISTRICT, household: g1[3]!.household, to: elsewhere, on: "2020-04-01" })
    )
    await exec(Registry.commands.moveOut({ district: DISTRICT, household: g1[5]!.household, on: "2020-05-01" }))
    expect(await cell()).toEqual([
      ["P001", ["P005"]],
      ["P002", []]
    ])
    expect(await events("party.neighbour-released")).toEqual([
      { subject: central[0], household: g1[3]!.household, releasedOn: "2020-04-01", reason: "moved-out-of-grid" },
      { subject: central[1], household: g1[5]!.household, releasedOn: "2020-05-01", reason: "household-dissolved" }
    ])
    expect(await events("party.central-household-stood-down")).toEqual([])
  })

  it("a central household whose member moves away stands down, and so does one that merges into another household", async () => {
    const { exec, g1, central, cell, events } = await withCentralHouseholds()
    // 张四 joins 张一's household; then 张一 moves to a flat of their own, leaving 张四 its head.
    await exec(
      Registry.commands.relocate({
        district: DISTRICT,
        resident: g1[3]!.id,
        join: { household: "P001", relation: "配偶" },
        on: "2020-02-01"
      })
    )
    await exec(
      Registry.commands.relocate({
        district: DISTRICT,
        resident: g1[0]!.id,
        to: { compound: "博爱小区", building: "1号楼", unit: "3", flat: "301" },
        newHousehold: "P101",
        newHead: g1[3]!.id,
        on: "2020-03-01"
      })
    )
    // 张二's household merges into 张三's.
    await exec(
      Registry.commands.mergeHouseholds({
        district: DISTRICT,
        into: g1[2]!.household,
        from: g1[1]!.household,
        members: [{ resident: g1[1]!.id, relation: "兄弟姐妹" }],
        on: "2020-04-01"
      })
    )
    expect(await cell()).toEqual([])
    expect(
      (await events("party.central-household-stood-down")).map((e) => [e.subject, e["endedOn"], e["reason"]])
    ).toEqual([
      [central[0], "2020-03-01", "member-left"],
      [central[1], "2020-04-01", "household-dissolved"]
    ])
  })

  it("a central household whose member dies stands down on the day of death", async () => {
    const { exec, g1, central, events } = await withCentralHouseholds()
    await exec(
      Registry.commands.relocate({
        district: DISTRICT,
        resident: g1[3]!.id,
        join: { household: "P002", relation: "配偶" },
        on: "2020-02-01"
      })
    )
    await exec(
      Registry.commands.registerDeath({ district: DISTRICT, resident: g1[1]!.id, on: "2020-08-08", newHead: g1[3]!.id })
    )
    expect(
      (await events("party.central-household-stood-down")).map((e) => [e.subject, e["endedOn"], e["reason"]])
    ).toEqual([[central[1], "2020-08-08", "member-died"]])
  })

  it("a re-districting that puts a central household's building in another grid stands it down in its old cell", async () => {
    const { exec, central, cell, events } = await withCentralHouseholds()
    await exec(
      Registry.commands.applyPlan({
        district: DISTRICT,
        effectiveOn: "2020-07-01",
        moveBuildings: [{ compound: "博爱小区", building: "1号楼", toGrid: partyPlaces.g2 }]
      })
    )
    expect(await cell()).toEqual([])
    const stoodDown = await events("party.central-household-stood-down")
    expect(stoodDown.map((e) => e.subject).sort()).toEqual([...central].sort())
    expect(stoodDown.map((e) => [e["endedOn"], e["reason"]])).toEqual([
      ["2020-07-01", "grid-redrawn"],
      ["2020-07-01", "grid-redrawn"]
    ])
  })

  it("a move recorded as of a date before the appointment ends it on the day it began", async () => {
    const { exec, g1, central, events, elsewhere } = await withCentralHouseholds()
    await exec(
      Registry.commands.relocate({ district: DISTRICT, household: g1[1]!.household, to: elsewhere, on: "2019-08-15" })
    )
    expect((await events("party.central-household-stood-down")).map((e) => [e.subject, e["endedOn"]])).toEqual([
      [central[1], "2019-09-01"]
    ])
  })
})
