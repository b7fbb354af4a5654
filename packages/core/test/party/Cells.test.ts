import { describe, expect, it } from "vitest"
import { sqliteStorage } from "../../../adapters/sqlite/src/index.js"
import { Forbidden, InvalidInput } from "../../src/Errors.js"
import { CENTRAL_HOUSEHOLDS_PER_CELL } from "../../src/party/CentralHouseholds.js"
import { Party } from "../../src/party/Party.js"
import { type PartyRefused } from "../../src/party/Refused.js"
import { Registry } from "../../src/registry/Registry.js"
import { partyActors, partyFixture, partyPlaces, problemsOf, rejection } from "../../src/testing/party.js"
import { DISTRICT } from "../../src/testing/tasks.js"

const { organisationDepartment, boaiSecretary, boaiWorker, g1Worker } = partyActors

/** The fixture with G1's party cell formed under 博爱社区党支部, and 张一 to 张六 registered as its members. */
const withCell = async () => {
  const fixture = await partyFixture(sqliteStorage({ filename: ":memory:" }))
  const { exec, g1, organisations, member } = fixture
  await exec(
    Party.commands.formCell({
      district: DISTRICT,
      grid: partyPlaces.g1,
      branch: organisations.boai.id,
      formedOn: "2019-08-01"
    }),
    boaiSecretary
  )
  const members: Array<{ readonly id: string }> = []
  for (const resident of g1) members.push(await member(resident.id, "resident", organisations.boai.id))
  const appoint = (i: number, memberOf = i) =>
    exec(
      Party.commands.appointCentralHousehold({
        district: DISTRICT,
        grid: partyPlaces.g1,
        household: g1[i]!.household,
        member: members[memberOf]!.id,
        appointedOn: "2019-09-01"
      }),
      boaiSecretary
    )
  const centralHouseholds = async () =>
    (await exec(Party.queries.cell({ district: DISTRICT, grid: partyPlaces.g1 })))!.centralHouseholds.map(
      (c) => c.number
    )
  return { ...fixture, members, appoint, centralHouseholds }
}

describe("grid party cells", () => {
  it("a grid has one party cell, in a branch whose place holds the grid, formed by the level above the grid", async () => {
    const { exec, organisations } = await withCell()
    const form = (grid: string, branch: string, actor = boaiSecretary) =>
      exec(Party.commands.formCell({ district: DISTRICT, grid, branch }), actor)
    expect(problemsOf(await rejection(form(partyPlaces.g1, organisations.boai.id)))).toEqual(["grid PARTY.CELL_EXISTS"])
    expect(problemsOf(await rejection(form(partyPlaces.g2, organisations.street.id)))).toEqual([
      "branch PARTY.NOT_A_BRANCH"
    ])
    expect(problemsOf(await rejection(form(partyPlaces.g3, organisations.boai.id, organisationDepartment)))).toEqual([
      "grid PARTY.GRID_OUTSIDE"
    ])
    expect(await rejection(form(partyPlaces.g1, organisations.boai.id, g1Worker))).toBeInstanceOf(Forbidden)
    const cell = await form(partyPlaces.g2, organisations.boai.id)
    expect((await exec(Party.queries.cell({ district: DISTRICT, grid: partyPlaces.g2 })))?.id).toBe(cell.id)
    expect(await exec(Party.queries.cell({ district: DISTRICT, grid: partyPlaces.g3 }))).toBeNull()
  })

  it("a retired grid gets no cell", async () => {
    const { exec, organisations } = await withCell()
    await exec(
      Registry.commands.applyPlan({
        district: DISTRICT,
        effectiveOn: "2020-01-01",
        moveBuildings: [{ compound: "博爱小区", building: "3号楼", toGrid: partyPlaces.g1 }],
        retireGrids: [partyPlaces.g2]
      })
    )
    const retired = await rejection(
      exec(
        Party.commands.formCell({ district: DISTRICT, grid: partyPlaces.g2, branch: organisations.boai.id }),
        boaiSecretary
      )
    )
    expect(problemsOf(retired)).toEqual(["grid PARTY.GRID_RETIRED"])
  })

  it("a central household is a household of the cell's grid with the member living in it, appointed once", async () => {
    const { exec, li, members, appoint, centralHouseholds } = await withCell()
    const wrong = await rejection(appoint(0, 1))
    expect(problemsOf(wrong)).toEqual(["member PARTY.MEMBER_NOT_IN_HOUSEHOLD"])
    await appoint(0)
    const again = await rejection(appoint(0))
    expect(problemsOf(again)).toEqual(["household PARTY.ALREADY_CENTRAL_HOUSEHOLD"])
    const elsewhere = await rejection(
      exec(
        Party.commands.appointCentralHousehold({
          district: DISTRICT,
          grid: partyPlaces.g1,
          household: li.household,
          member: members[1]!.id,
          appointedOn: "2999-01-01"
        }),
        boaiSecretary
      )
    )
    expect(problemsOf(elsewhere)).toEqual([
      "household PARTY.HOUSEHOLD_OUTSIDE_GRID",
      "member PARTY.MEMBER_NOT_IN_HOUSEHOLD",
      "appointedOn PARTY.DATE_IN_FUTURE"
    ])
    expect(await centralHouseholds()).toEqual(["P001"])
  })

  it(`the case's ${CENTRAL_HOUSEHOLDS_PER_CELL} per cell is a district setting: with 4, a fourth is appointed and a fifth refused`, async () => {
    const { exec, appoint, centralHouseholds } = await withCell()
    for (const i of [0, 1, 2]) await appoint(i)
    expect(
      await rejection(exec(Party.commands.setCentralHouseholdLimit({ district: DISTRICT, limit: 4 }), boaiSecretary))
    ).toBeInstanceOf(Forbidden)
    expect(
      await rejection(
        exec(Party.commands.setCentralHouseholdLimit({ district: DISTRICT, limit: 0 }), organisationDepartment)
      )
    ).toBeInstanceOf(InvalidInput)
    await exec(Party.commands.setCentralHouseholdLimit({ district: DISTRICT, limit: 4 }), organisationDepartment)
    await appoint(3)
    const fifth = await rejection(appoint(4))
    expect((fifth as PartyRefused).reason.en).toBe(
      "第1网格党小组 already has 4 central households; a cell has at most 4"
    )
    expect(await centralHouseholds()).toEqual(["P001", "P002", "P003", "P004"])
  })

  it("a central household stood down frees its place, and the neighbours it looked after go with it, kept in the event", async () => {
    const { kernel, exec, g1, appoint, centralHouseholds } = await withCell()
    const first = await appoint(0)
    for (const i of [1, 2]) await appoint(i)
    await exec(
      Party.commands.setNeighbours({ district: DISTRICT, centralHousehold: first.id, households: [g1[5]!.household] }),
      boaiWorker
    )
    const early = await rejection(
      exec(
        Party.commands.endCentralHousehold({ district: DISTRICT, centralHousehold: first.id, endedOn: "2019-08-31" }),
        boaiSecretary
      )
    )
    expect(problemsOf(early)).toEqual(["endedOn PARTY.END_BEFORE_START"])
    await exec(
      Party.commands.endCentralHousehold({ district: DISTRICT, centralHousehold: first.id, endedOn: "2020-06-30" }),
      boaiSecretary
    )
    await appoint(3)
    expect(await centralHouseholds()).toEqual(["P002", "P003", "P004"])
    const ended = (await kernel.events.since({ district: DISTRICT, after: 0, limit: 1000 })).find(
      (e) => e.type === "party.central-household-stood-down"
    )
    expect(ended?.payload).toEqual({
      household: g1[0]!.household,
      neighbours: [g1[5]!.household],
      endedOn: "2020-06-30",
      reason: "decision"
    })
    const stoodDown = await rejection(
      exec(Party.commands.setNeighbours({ district: DISTRICT, centralHousehold: first.id, households: [] }), boaiWorker)
    )
    expect((stoodDown as PartyRefused).code).toBe("PARTY.CENTRAL_HOUSEHOLD_ENDED")
  })

  it("neighbours are listed whole: itself, a household named twice and an unknown one are each a problem", async () => {
    const { kernel, exec, g1, appoint } = await withCell()
    const central = await appoint(0)
    const unknown = "0190f000-0000-7000-8000-000000000000"
    const refused = await rejection(
      exec(
        Party.commands.setNeighbours({
          district: DISTRICT,
          centralHousehold: central.id,
          households: [g1[1]!.household, g1[0]!.household, g1[1]!.household, unknown]
        }),
        boaiWorker
      )
    )
    expect(problemsOf(refused)).toEqual([
      "households[1] PARTY.NEIGHBOUR_IS_SELF",
      "households[2] PARTY.LISTED_TWICE",
      "households[3] PARTY.UNKNOWN"
    ])
    const set = (households: ReadonlyArray<string>) =>
      exec(Party.commands.setNeighbours({ district: DISTRICT, centralHousehold: central.id, households }), boaiWorker)
    await set([g1[1]!.household, g1[2]!.household])
    await set([g1[2]!.household, g1[1]!.household])
    await set([g1[2]!.household, g1[3]!.household])
    const events = (await kernel.events.since({ district: DISTRICT, after: 0, limit: 1000 })).filter(
      (e) => e.type === "party.neighbours-set"
    )
    const sorted = (ids: ReadonlyArray<string>) => [...ids].sort()
    expect(events.map((e) => [e.payload["added"], e.payload["removed"]])).toEqual([
      [sorted([g1[1]!.household, g1[2]!.household]), []],
      [[g1[3]!.household], [g1[1]!.household]]
    ])
  })
})
