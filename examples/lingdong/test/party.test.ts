import { type Kernel, Party, Registry } from "@shequ/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { PARTY_CASE, type PartyResult, runParty } from "../src/party.js"
import { LINGDONG } from "../src/scenario.js"
import { type Places, staffIds } from "../src/staff.js"
import { SEED, smallLingdong } from "./district.js"

const SCALE = 0.05

describe("party building in 2020", () => {
  let kernel: Kernel
  let places: Places
  let party: PartyResult
  beforeAll(async () => {
    const small = await smallLingdong(SCALE)
    kernel = small.kernel
    places = small.places
    party = await runParty(kernel, { seed: SEED, scale: SCALE }, places)
  })
  afterAll(() => kernel.close())

  const office = () => kernel.actorFor(staffIds.districtOffice)

  it("lays the case's tree on the district: working committees lead general branches, which lead branches", async () => {
    const tree = await kernel.exec(Party.queries.organisations({ district: LINGDONG }), await office())
    const units = Math.max(1, Math.round(PARTY_CASE.unitOrganisations * SCALE))
    // A working committee per community and the district organs' one; the member units' branches beside.
    expect(party.organisations.working_committee).toBe(places.communities.length + 1)
    expect(party.organisations.general_branch).toBeGreaterThan(0)
    expect(party.organisations.branch).toBe(Math.max(places.communities.length, Math.round(36 * SCALE)) + units)
    const kindOf = new Map(tree.map((o) => [o.id, o.kind]))
    for (const general of tree.filter((o) => o.kind === "general_branch")) {
      expect(kindOf.get(general.parent!)).toBe("working_committee")
    }
    expect(party.branchesUnder.branch).toBe(0)
    expect(party.branchesUnder.general_branch).toBeGreaterThan(0)
  })

  it("sets up grand party committees over the communities, with member units' branches joined", () => {
    const communities = party.committees.flatMap((c) => c.communities.map((x) => x.code))
    expect(communities.sort()).toEqual(places.communities.map((c) => c.code).sort())
    const joined = party.committees.flatMap((c) => c.units)
    expect(joined).toHaveLength(Math.max(1, Math.round(PARTY_CASE.unitOrganisations * SCALE)))
    expect(joined.every((u) => u.joinedOn === "2020-01-08" && u.leftOn === null)).toBe(true)
  })

  it("gives every grid a party cell with three central households, each looking after neighbours of its own grid", async () => {
    expect(party.cells).toMatchObject({ grids: places.grids.length, cells: places.grids.length })
    expect(party.cells.central).toBe(3 * places.grids.length)
    for (const grid of places.grids) {
      const worker = await kernel.actorFor(staffIds.gridWorker(grid.code))
      const cell = await kernel.exec(Party.queries.cell({ district: LINGDONG, grid: grid.code }), worker)
      const roster = await kernel.exec(Registry.queries.roster({ district: LINGDONG, grid: grid.code }), worker)
      const households = new Set(roster.map((r) => r.household))
      expect(cell?.centralHouseholds).toHaveLength(3)
      const central = new Set(cell!.centralHouseholds.map((c) => c.number))
      for (const household of cell!.centralHouseholds) {
        expect(households.has(household.number)).toBe(true)
        expect(household.memberName).not.toBeNull()
        expect(household.neighbours.length).toBeGreaterThanOrEqual(3)
        for (const neighbour of household.neighbours) {
          expect(households.has(neighbour.number)).toBe(true)
          expect(central.has(neighbour.number)).toBe(false)
        }
      }
    }
  })

  it("members living here, working in member units and in the pocket check in and pledge; their service hours are counted", async () => {
    const figures = party.checkIns
    const of = (kind: "resident" | "in_unit" | "pocket") =>
      figures.filter((f) => f.kind === kind).reduce((n, f) => n + f.checkIns, 0)
    // Every member checked in once in 2020, the central households' members among those living here.
    expect(of("resident")).toBe(party.members.resident)
    expect(of("in_unit")).toBe(party.members.in_unit)
    expect(of("pocket")).toBe(party.members.pocket)
    expect(party.members.resident).toBeGreaterThanOrEqual(party.cells.central)
    expect(party.members.in_unit).toBe(Math.round(PARTY_CASE.cadres * SCALE))
    expect(party.members.pocket).toBe(Math.round(PARTY_CASE.pocketMembers * SCALE))
    // The public board of each community shows its members' pledges and the hours they served.
    for (const community of places.communities) {
      const board = await kernel.exec(
        Party.queries.pledges({ district: LINGDONG, community: community.code, on: "2020-12-31" }),
        await office()
      )
      const counted = figures.filter((f) => f.community === community.code)
      expect(board).toHaveLength(counted.reduce((n, f) => n + f.checkIns, 0))
      expect(board.every((entry) => entry.pledge.length > 0)).toBe(true)
      expect(board.reduce((h, entry) => h + entry.hours, 0)).toBeCloseTo(
        counted.reduce((h, f) => h + f.hours, 0),
        6
      )
    }
    expect(figures.reduce((h, f) => h + f.hours, 0)).toBeGreaterThan(0)
  })
})
