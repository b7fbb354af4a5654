import { describe, expect, it } from "vitest"
import { sqliteStorage } from "../../../adapters/sqlite/src/index.js"
import { Forbidden } from "../../src/Errors.js"
import { Party } from "../../src/party/Party.js"
import type { PartyRefused } from "../../src/party/Refused.js"
import { partyActors, partyFixture, partyPlaces, problemsOf, rejection } from "../../src/testing/party.js"
import { DISTRICT } from "../../src/testing/tasks.js"

const fixture = () => partyFixture(sqliteStorage({ filename: ":memory:" }))
const { organisationDepartment, boaiSecretary, huiminSecretary } = partyActors

describe("party organisations", () => {
  it("kinds constrain parents: a working committee leads general branches and branches, a general branch leads branches, a branch leads none", async () => {
    const { exec, organisations } = await fixture()
    const register = (name: string, kind: "working_committee" | "general_branch" | "branch", parent: string) =>
      exec(
        Party.commands.registerOrganisation({ district: DISTRICT, name, kind, at: partyPlaces.boai, parent }),
        boaiSecretary
      )
    const general = await register("博爱社区党总支", "general_branch", organisations.street.id)
    await register("博爱社区第一党支部", "branch", general.id)
    const refusals = []
    for (const [name, kind, parent] of [
      ["总支下的总支", "general_branch", general.id],
      ["总支下的党工委", "working_committee", general.id],
      ["支部下的支部", "branch", organisations.boai.id],
      ["支部下的总支", "general_branch", organisations.boai.id],
      ["支部下的党工委", "working_committee", organisations.boai.id]
    ] as const) {
      refusals.push(problemsOf(await rejection(register(name, kind, parent))))
    }
    expect(refusals).toEqual(Array.from({ length: 5 }, () => ["parent PARTY.WRONG_PARENT_KIND"]))
    const names = (await exec(Party.queries.organisations({ district: DISTRICT }))).map((o) => o.name)
    expect(names).toEqual([
      "中山街道党工委",
      "博爱社区党总支",
      "博爱社区第一党支部",
      "博爱社区党支部",
      "惠民社区党支部"
    ])
  })

  it("an organisation sits at or below its parent's place, and one name is used once at a place, every problem listed", async () => {
    const { exec, organisations } = await fixture()
    const refused = await rejection(
      exec(
        Party.commands.registerOrganisation({
          district: DISTRICT,
          name: "惠民社区党支部",
          kind: "branch",
          at: partyPlaces.huimin,
          parent: organisations.boai.id,
          establishedOn: "2019-01-01"
        }),
        huiminSecretary
      )
    )
    expect(problemsOf(refused)).toEqual([
      "parent PARTY.WRONG_PARENT_KIND",
      "parent PARTY.OUTSIDE_PARENT_SCOPE",
      "name PARTY.ORGANISATION_NAME_TAKEN"
    ])
    // The same name at another place is another organisation.
    await exec(
      Party.commands.registerOrganisation({
        district: DISTRICT,
        name: "惠民社区党支部",
        kind: "branch",
        at: partyPlaces.boai
      }),
      boaiSecretary
    )
  })

  it("a community's secretary registers organisations in the community only", async () => {
    const { exec } = await fixture()
    const outside = await rejection(
      exec(
        Party.commands.registerOrganisation({
          district: DISTRICT,
          name: "惠民社区党总支",
          kind: "general_branch",
          at: partyPlaces.huimin
        }),
        boaiSecretary
      )
    )
    expect(outside).toBeInstanceOf(Forbidden)
    const gridWorker = await rejection(
      exec(
        Party.commands.registerOrganisation({
          district: DISTRICT,
          name: "网格党支部",
          kind: "branch",
          at: partyPlaces.boai
        }),
        partyActors.g1Worker
      )
    )
    expect(gridWorker).toBeInstanceOf(Forbidden)
  })

  it("an organisation moves under another parent, to none, or nowhere new without an event; under itself it is refused", async () => {
    const { kernel, exec, organisations } = await fixture()
    const events = async () =>
      (await kernel.events.since({ district: DISTRICT, after: 0, limit: 1000 })).filter(
        (e) => e.type === "party.organisation-moved"
      )
    const self = await rejection(
      exec(
        Party.commands.moveOrganisation({
          district: DISTRICT,
          organisation: organisations.street.id,
          parent: organisations.street.id
        }),
        organisationDepartment
      )
    )
    expect(problemsOf(self)).toEqual(["parent PARTY.ORGANISATION_CYCLE"])
    await exec(
      Party.commands.moveOrganisation({
        district: DISTRICT,
        organisation: organisations.boai.id,
        parent: organisations.street.id
      }),
      boaiSecretary
    )
    expect(await events()).toEqual([])
    await exec(
      Party.commands.moveOrganisation({ district: DISTRICT, organisation: organisations.boai.id, parent: null }),
      boaiSecretary
    )
    expect((await events()).map((e) => e.payload)).toEqual([{ from: organisations.street.id, to: null }])
    const tree = await exec(Party.queries.organisations({ district: DISTRICT }))
    expect(tree.find((o) => o.id === organisations.boai.id)?.parent).toBeNull()
  })

  it("an organisation is dissolved once empty: a refusal lists each member, organisation, cell and committee seat still in it", async () => {
    const { kernel, exec, g1, organisations, member } = await fixture()
    await exec(
      Party.commands.formCell({ district: DISTRICT, grid: partyPlaces.g1, branch: organisations.boai.id }),
      boaiSecretary
    )
    const zhang1 = await member(g1[0]!.id, "resident", organisations.boai.id)
    const zhang2 = await member(g1[1]!.id, "resident", organisations.boai.id)
    const dissolve = (organisation: string, dissolvedOn = "2020-12-31") =>
      exec(
        Party.commands.dissolveOrganisation({ district: DISTRICT, organisation, dissolvedOn }),
        organisationDepartment
      )
    const full = await rejection(dissolve(organisations.boai.id, "2018-01-01"))
    expect(problemsOf(full)).toEqual([
      "organisation PARTY.ORGANISATION_HAS_MEMBERS",
      "organisation PARTY.ORGANISATION_HAS_MEMBERS",
      "organisation PARTY.ORGANISATION_HAS_CELLS",
      "dissolvedOn PARTY.END_BEFORE_START"
    ])
    expect((full as PartyRefused).problems.map((p) => p["zh-CN"]).slice(2, 3)).toEqual([
      "第1网格党小组 仍属于 博爱社区党支部：请先将其划归其他党支部"
    ])
    expect(problemsOf(await rejection(dissolve(organisations.street.id)))).toEqual([
      "organisation PARTY.ORGANISATION_HAS_CHILDREN",
      "organisation PARTY.ORGANISATION_HAS_CHILDREN"
    ])
    // The community re-organises: a new branch takes G1's cell and the members, then the old one is dissolved.
    const second = await exec(
      Party.commands.registerOrganisation({
        district: DISTRICT,
        name: "博爱社区第二党支部",
        kind: "branch",
        at: partyPlaces.boai,
        parent: organisations.street.id
      }),
      boaiSecretary
    )
    await exec(Party.commands.moveCell({ district: DISTRICT, grid: partyPlaces.g1, branch: second.id }), boaiSecretary)
    for (const m of [zhang1, zhang2]) {
      await exec(
        Party.commands.transferMember({
          district: DISTRICT,
          member: m.id,
          organisation: second.id,
          transferredOn: "2020-12-01"
        }),
        boaiSecretary
      )
    }
    await dissolve(organisations.boai.id)
    const tree = await exec(Party.queries.organisations({ district: DISTRICT }))
    expect(tree.find((o) => o.id === organisations.boai.id)?.dissolvedOn).toBe("2020-12-31")
    // Nothing joins a dissolved organisation, and it is dissolved once.
    expect(problemsOf(await rejection(member(g1[2]!.id, "resident", organisations.boai.id)))).toEqual([
      "organisation PARTY.ORGANISATION_DISSOLVED"
    ])
    expect(
      problemsOf(
        await rejection(
          exec(
            Party.commands.moveCell({ district: DISTRICT, grid: partyPlaces.g1, branch: organisations.boai.id }),
            boaiSecretary
          )
        )
      )
    ).toEqual(["branch PARTY.ORGANISATION_DISSOLVED"])
    expect(((await rejection(dissolve(organisations.boai.id))) as PartyRefused).code).toBe(
      "PARTY.ORGANISATION_DISSOLVED"
    )
    const events = (await kernel.events.since({ district: DISTRICT, after: 0, limit: 1000 })).filter(
      (e) => e.type === "party.organisation-dissolved" || e.type === "party.cell-moved"
    )
    expect(events.map((e) => [e.type, e.subject])).toEqual([
      ["party.cell-moved", (await exec(Party.queries.cell({ district: DISTRICT, grid: partyPlaces.g1 })))!.id],
      ["party.organisation-dissolved", organisations.boai.id]
    ])
  })

  it("a member unit's organisation leaves its grand party committee before it is dissolved", async () => {
    const { exec } = await fixture()
    const unit = await exec(
      Party.commands.registerOrganisation({ district: DISTRICT, name: "岭东供电公司党支部", kind: "branch" }),
      organisationDepartment
    )
    const committee = await exec(
      Party.commands.createCommittee({
        district: DISTRICT,
        name: "博爱社区大党委",
        communities: [partyPlaces.boai],
        establishedOn: "2019-05-01"
      }),
      organisationDepartment
    )
    const seat = await exec(
      Party.commands.joinCommittee({
        district: DISTRICT,
        committee: committee.id,
        unit: "岭东供电公司",
        branch: unit.id,
        joinedOn: "2019-06-01"
      }),
      organisationDepartment
    )
    const dissolve = () =>
      exec(
        Party.commands.dissolveOrganisation({ district: DISTRICT, organisation: unit.id, dissolvedOn: "2020-06-30" }),
        organisationDepartment
      )
    expect(problemsOf(await rejection(dissolve()))).toEqual(["organisation PARTY.ORGANISATION_IN_COMMITTEE"])
    await exec(
      Party.commands.leaveCommittee({ district: DISTRICT, membership: seat.id, leftOn: "2020-06-30" }),
      organisationDepartment
    )
    await dissolve()
  })
})
