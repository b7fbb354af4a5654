import { describe, expect, it } from "vitest"
import { sqliteStorage } from "../../../adapters/sqlite/src/index.js"
import { Forbidden, NotFound } from "../../src/Errors.js"
import { Party } from "../../src/party/Party.js"
import { type PartyRefused } from "../../src/party/Refused.js"
import { partyActors, partyFixture, partyPlaces, problemsOf, rejection } from "../../src/testing/party.js"
import { DISTRICT } from "../../src/testing/tasks.js"

const fixture = () => partyFixture(sqliteStorage({ filename: ":memory:" }))
const { organisationDepartment, boaiSecretary } = partyActors

describe("grand party committees", () => {
  it("a committee of one community answers to that community's secretary", async () => {
    const { exec } = await fixture()
    const committee = await exec(
      Party.commands.createCommittee({
        district: DISTRICT,
        name: "博爱社区大党委",
        communities: [partyPlaces.boai],
        establishedOn: "2019-05-01"
      }),
      boaiSecretary
    )
    expect(await exec(Party.queries.committees({ district: DISTRICT }))).toMatchObject([
      { id: committee.id, communities: [{ code: partyPlaces.boai }], units: [] }
    ])
  })

  it("every problem of a new committee is listed, and nothing is written", async () => {
    const { kernel, exec } = await fixture()
    await exec(
      Party.commands.createCommittee({ district: DISTRICT, name: "博爱社区大党委", communities: [partyPlaces.boai] }),
      organisationDepartment
    )
    const unknown = await rejection(
      exec(
        Party.commands.createCommittee({
          district: DISTRICT,
          name: "新社区大党委",
          communities: [partyPlaces.huimin, "230503001009", partyPlaces.huimin]
        }),
        organisationDepartment
      )
    )
    expect(problemsOf(unknown)).toEqual(["communities[1] PARTY.UNKNOWN", "communities[2] PARTY.LISTED_TWICE"])
    const before = (await kernel.events.since({ district: DISTRICT, after: 0, limit: 1000 })).length
    const taken = await rejection(
      exec(
        Party.commands.createCommittee({
          district: DISTRICT,
          name: "博爱社区大党委",
          communities: [partyPlaces.huimin, partyPlaces.boai],
          establishedOn: "2999-01-01"
        }),
        organisationDepartment
      )
    )
    expect(problemsOf(taken)).toEqual([
      "communities[1] PARTY.COMMUNITY_IN_COMMITTEE",
      "name PARTY.COMMITTEE_NAME_TAKEN",
      "establishedOn PARTY.DATE_IN_FUTURE"
    ])
    expect((taken as PartyRefused).code).toBe("PARTY.COMMUNITY_IN_COMMITTEE")
    expect((await kernel.events.since({ district: DISTRICT, after: 0, limit: 1000 })).length).toBe(before)
    expect(await exec(Party.queries.committees({ district: DISTRICT }))).toHaveLength(1)
  })

  it("a member unit's branch is in one committee at a time; it leaves once, not before it joined", async () => {
    const { exec } = await fixture()
    const [boai, huimin] = [
      await exec(
        Party.commands.createCommittee({ district: DISTRICT, name: "博爱社区大党委", communities: [partyPlaces.boai] })
      ),
      await exec(
        Party.commands.createCommittee({
          district: DISTRICT,
          name: "惠民社区大党委",
          communities: [partyPlaces.huimin]
        })
      )
    ]
    const branch = await exec(
      Party.commands.registerOrganisation({ district: DISTRICT, name: "岭东区医院党总支", kind: "general_branch" })
    )
    const join = (committee: string, joinedOn: string) =>
      exec(
        Party.commands.joinCommittee({
          district: DISTRICT,
          committee,
          unit: "岭东区医院",
          branch: branch.id,
          joinedOn
        }),
        organisationDepartment
      )
    const first = await join(boai.id, "2019-06-01")
    expect(problemsOf(await rejection(join(huimin.id, "2019-07-01")))).toEqual(["branch PARTY.BRANCH_ALREADY_JOINED"])
    const early = await rejection(
      exec(
        Party.commands.leaveCommittee({ district: DISTRICT, membership: first.id, leftOn: "2019-05-31" }),
        organisationDepartment
      )
    )
    expect(problemsOf(early)).toEqual(["leftOn PARTY.END_BEFORE_START"])
    await exec(
      Party.commands.leaveCommittee({ district: DISTRICT, membership: first.id, leftOn: "2020-01-31" }),
      organisationDepartment
    )
    const twice = await rejection(
      exec(Party.commands.leaveCommittee({ district: DISTRICT, membership: first.id }), organisationDepartment)
    )
    expect((twice as PartyRefused).code).toBe("PARTY.UNIT_ALREADY_LEFT")
    // Having left, the branch may join another committee.
    await join(huimin.id, "2020-02-01")
    const units = (await exec(Party.queries.committees({ district: DISTRICT }))).map((c) => [
      c.name,
      c.units.map((u) => [u.joinedOn, u.leftOn])
    ])
    expect(units).toEqual([
      ["博爱社区大党委", [["2019-06-01", "2020-01-31"]]],
      ["惠民社区大党委", [["2020-02-01", null]]]
    ])
    expect(
      await rejection(
        exec(
          Party.commands.joinCommittee({
            district: DISTRICT,
            committee: boai.id,
            unit: "无此单位",
            branch: "0190f000-0000-7000-8000-000000000000"
          }),
          organisationDepartment
        )
      )
    ).toBeInstanceOf(NotFound)
  })

  it("communities are added to a committee and removed from it on dates that are kept; its place follows them", async () => {
    const { exec } = await fixture()
    const committee = await exec(
      Party.commands.createCommittee({
        district: DISTRICT,
        name: "博爱社区大党委",
        communities: [partyPlaces.boai],
        establishedOn: "2019-05-01"
      }),
      boaiSecretary
    )
    const add = (actor = boaiSecretary, addedOn = "2020-07-01") =>
      exec(
        Party.commands.addCommitteeCommunities({
          district: DISTRICT,
          committee: committee.id,
          communities: [partyPlaces.huimin],
          addedOn
        }),
        actor
      )
    // With 惠民社区 the committee spans the street: not one community's secretary's to decide.
    expect(await rejection(add())).toBeInstanceOf(Forbidden)
    expect(problemsOf(await rejection(add(organisationDepartment, "2019-01-01")))).toEqual([
      "addedOn PARTY.DATE_BEFORE_HISTORY"
    ])
    await add(organisationDepartment)
    expect(problemsOf(await rejection(add(organisationDepartment)))).toEqual([
      "communities[0] PARTY.COMMUNITY_IN_COMMITTEE"
    ])
    const remove = (
      communities: [string, ...Array<string>],
      removedOn = "2020-12-31",
      actor = organisationDepartment
    ) =>
      exec(
        Party.commands.removeCommitteeCommunities({
          district: DISTRICT,
          committee: committee.id,
          communities,
          removedOn
        }),
        actor
      )
    expect(problemsOf(await rejection(remove([partyPlaces.huimin, partyPlaces.boai])))).toEqual([
      "communities PARTY.COMMITTEE_WITHOUT_COMMUNITY"
    ])
    expect(problemsOf(await rejection(remove([partyPlaces.huimin], "2020-06-30")))).toEqual([
      "communities[0] PARTY.DATE_BEFORE_HISTORY"
    ])
    await remove([partyPlaces.huimin])
    expect(await exec(Party.queries.committees({ district: DISTRICT }), boaiSecretary)).toMatchObject([
      {
        communities: [{ code: partyPlaces.boai, since: "2019-05-01" }],
        formerCommunities: [{ code: partyPlaces.huimin, from: "2020-07-01", to: "2020-12-31" }]
      }
    ])
    // 惠民社区 may now come under another committee, from the day it left, not before.
    const early = await rejection(
      exec(
        Party.commands.createCommittee({
          district: DISTRICT,
          name: "惠民社区大党委",
          communities: [partyPlaces.huimin],
          establishedOn: "2020-12-30"
        }),
        organisationDepartment
      )
    )
    expect(problemsOf(early)).toEqual(["communities[0] PARTY.DATE_BEFORE_HISTORY"])
    await exec(
      Party.commands.createCommittee({
        district: DISTRICT,
        name: "惠民社区大党委",
        communities: [partyPlaces.huimin],
        establishedOn: "2020-12-31"
      }),
      organisationDepartment
    )
    // Back to one community, the committee is its secretary's again.
    expect(problemsOf(await rejection(remove([partyPlaces.boai], "2021-01-01", boaiSecretary)))).toEqual([
      "communities PARTY.COMMITTEE_WITHOUT_COMMUNITY"
    ])
  })
})
