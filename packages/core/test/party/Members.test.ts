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

  it("a member is transferred on a date: to another branch, to the pocket, or as another kind; each change is kept with its date", async () => {
    const { kernel, exec, g1, zhou, organisations, member } = await fixture()
    const early = await rejection(
      exec(
        Party.commands.registerMember({
          district: DISTRICT,
          person: g1[0]!.id,
          kind: "resident",
          organisation: organisations.boai.id,
          community: partyPlaces.boai,
          joinedPartyOn: "1990-07-01",
          attachedOn: "1989-01-01"
        }),
        boaiSecretary
      )
    )
    expect(problemsOf(early)).toEqual(["attachedOn PARTY.ATTACHED_BEFORE_JOINING"])
    const cadre = await member(zhou.id, "in_unit", organisations.huimin.id)
    const transfer = (
      changes: { kind?: "resident" | "in_unit" | "pocket"; organisation?: string | null },
      on: string
    ) =>
      exec(
        Party.commands.transferMember({ district: DISTRICT, member: cadre.id, ...changes, transferredOn: on }),
        boaiSecretary
      )
    // Leaving the unit's organisation makes an in-unit member one in the pocket, not an unattached cadre.
    expect(problemsOf(await rejection(transfer({ organisation: null }, "2020-03-01")))).toEqual([
      "organisation PARTY.ORGANISATION_REQUIRED"
    ])
    expect(problemsOf(await rejection(transfer({ kind: "pocket" }, "1980-01-01")))).toEqual([
      "organisation PARTY.POCKET_MEMBER_ATTACHED",
      "transferredOn PARTY.DATE_BEFORE_HISTORY"
    ])
    await transfer({ kind: "pocket", organisation: null }, "2020-03-01")
    // Corrected the same day: the attachment of that day is replaced, not stacked.
    await transfer({ kind: "resident", organisation: organisations.boai.id }, "2020-03-01")
    await transfer({ organisation: organisations.boai.id }, "2020-05-01")
    await transfer({ kind: "in_unit", organisation: organisations.huimin.id }, "2020-09-01")
    expect(
      (await exec(Party.queries.members({ district: DISTRICT }), organisationDepartment)).map((m) => [
        m.kind,
        m.organisation
      ])
    ).toEqual([["in_unit", organisations.huimin.id]])
    const transferred = (await kernel.events.since({ district: DISTRICT, after: 0, limit: 1000 })).filter(
      (e) => e.type === "party.member-transferred"
    )
    expect(transferred.map((e) => e.payload)).toEqual([
      {
        from: { kind: "in_unit", organisation: organisations.huimin.id },
        to: { kind: "pocket", organisation: null },
        transferredOn: "2020-03-01"
      },
      {
        from: { kind: "pocket", organisation: null },
        to: { kind: "resident", organisation: organisations.boai.id },
        transferredOn: "2020-03-01"
      },
      {
        from: { kind: "resident", organisation: organisations.boai.id },
        to: { kind: "in_unit", organisation: organisations.huimin.id },
        transferredOn: "2020-09-01"
      }
    ])
    // The branch's roll on a date follows the history: 周九 belonged to 博爱 from March to August.
    const roll = (on: string) =>
      exec(
        Party.queries.roll({ district: DISTRICT, organisation: organisations.boai.id, kind: "branch_members", on }),
        organisationDepartment
      )
    expect([await roll("2020-02-29"), await roll("2020-06-01"), await roll("2020-09-01")].map((r) => r.length)).toEqual(
      [0, 1, 0]
    )
  })
})
