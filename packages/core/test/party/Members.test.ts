import { describe, expect, it } from "vitest"
import { sqliteStorage } from "../../../adapters/sqlite/src/index.js"
import { Forbidden } from "../../src/Errors.js"
import { Party } from "../../src/party/Party.js"
import { partyActors, partyFixture, partyPlaces, problemsOf, rejection } from "../../src/testing/party.js"
import { DISTRICT } from "../../src/testing/tasks.js"

const fixture = () => partyFixture(sqliteStorage({ filename: ":memory:" }))
const { boaiSecretary, boaiWorker, huiminSecretary, g1Worker, organisationDepartment } = partyActors

describe("party members", () => {
  it("a member in a unit is attached to the unit's organisation; one in the pocket to none; a person is registered once", async () => {
    const { exec, g1, zhou, organisations, member } = await fixture()
    const unattached = await rejection(member(zhou.id, "in_unit", undefined))
    expect(problemsOf(unattached)).toEqual(["organisation PARTY.ORGANISATION_REQUIRED"])
    await member(g1[0]!.id, "resident", organisations.boai.id)
    const twice = await rejection(
      exec(
        Party.commands.registerMember({
          district: DISTRICT,
          person: g1[0]!.id,
          kind: "pocket",
          organisation: organisations.boai.id,
          community: partyPlaces.boai,
          joinedPartyOn: "2999-07-01"
        }),
        boaiWorker
      )
    )
    expect(problemsOf(twice)).toEqual([
      "person PARTY.ALREADY_A_MEMBER",
      "organisation PARTY.POCKET_MEMBER_ATTACHED",
      "joinedPartyOn PARTY.DATE_IN_FUTURE"
    ])
  })

  it("a community keeps its members' records: its staff register and list them, another community's do not", async () => {
    const { exec, g1, wang, zhou, organisations, member } = await fixture()
    await member(g1[0]!.id, "resident", organisations.boai.id)
    await member(zhou.id, "pocket", undefined)
    await member(wang.id, "resident", organisations.huimin.id, partyPlaces.huimin, huiminSecretary)
    const outside = await rejection(
      member(g1[1]!.id, "resident", organisations.boai.id, partyPlaces.boai, huiminSecretary)
    )
    expect(outside).toBeInstanceOf(Forbidden)
    const list = (actor = boaiSecretary) => exec(Party.queries.members({ district: DISTRICT }), actor)
    // 周九 lives elsewhere, so only the district sees the name; the community sees the member.
    expect((await list()).map((m) => [m.name, m.kind, m.community])).toEqual([
      ["张一", "resident", partyPlaces.boai],
      [null, "pocket", partyPlaces.boai]
    ])
    expect((await list(huiminSecretary)).map((m) => m.name)).toEqual(["王八"])
    expect((await list(organisationDepartment)).map((m) => m.name)).toEqual(["张一", "周九", "王八"])
    // Members are kept at the community, not in a grid.
    expect(await list(g1Worker)).toEqual([])
    expect(
      (await exec(Party.queries.members({ district: DISTRICT, organisation: organisations.huimin.id }))).map(
        (m) => m.name
      )
    ).toEqual(["王八"])
  })
})
