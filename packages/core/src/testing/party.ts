/**
 * The party module's conformance tests, on every adapter: the grand party
 * committee and the organisation tree, a grid's party cell with its three
 * central households and their neighbours, check-ins with pledges and service
 * hours, star rating, meeting attendance checked against the branch's
 * members on the meeting's date, central households standing down when the
 * registry moves them out of their grid, an organisation dissolved once empty
 * (also while members are registered into it at once), a committee's dated
 * communities, and a cell's scope following its grid through a re-districting.
 */
import { expect, it } from "vitest"
import * as Actor from "../Actor.js"
import { Core } from "../Core.js"
import { Forbidden } from "../Errors.js"
import { makeKernel } from "../Kernel.js"
import { Party } from "../party/Party.js"
import { PartyRefused } from "../party/Refused.js"
import type { MemberKind } from "../party/Vocabulary.js"
import type { CommandRequest, QueryRequest } from "../Plugin.js"
import { Registry } from "../registry/Registry.js"
import type { Storage } from "../Storage.js"
import { type RegistryDatabase, residentId } from "./registry.js"
import { DISTRICT } from "./tasks.js"

const system = Actor.system("conformance")
const KEY = "d".repeat(64)

/** The places of the party fixture: one street, two communities, three grids. */
export const partyPlaces = {
  street: "230503001",
  boai: "230503001001",
  huimin: "230503001002",
  g1: "230503001001001",
  g2: "230503001001002",
  g3: "230503001002001"
} as const

const STREET_PATH = `${DISTRICT}/${partyPlaces.street}/`
const BOAI_PATH = `${STREET_PATH}${partyPlaces.boai}/`
const HUIMIN_PATH = `${STREET_PATH}${partyPlaces.huimin}/`

/** The scope path of a grid of the fixture, under the community it is in. */
export const partyGridPath = (community: string, grid: string): string => `${STREET_PATH}${community}/${grid}/`

/** A user holding one role over one place of the fixture's district. */
export const partyActor = (id: string, role: string, level: Actor.ScopeLevel, scopePath: string): Actor.Actor => ({
  id,
  kind: "user",
  roles: [{ role, district: DISTRICT, level, scopePath }]
})

/** The people acting in the fixture. */
export const partyActors = {
  organisationDepartment: partyActor("zuzhibu", "district_admin", "district", `${DISTRICT}/`),
  boaiSecretary: partyActor("shuji@boai", "community_admin", "community", BOAI_PATH),
  boaiWorker: partyActor("worker@boai", "community_worker", "community", BOAI_PATH),
  huiminSecretary: partyActor("shuji@huimin", "community_admin", "community", HUIMIN_PATH),
  g1Worker: partyActor("worker@g1", "grid_worker", "grid", partyGridPath(partyPlaces.boai, partyPlaces.g1)),
  g2Worker: partyActor("worker@g2", "grid_worker", "grid", partyGridPath(partyPlaces.boai, partyPlaces.g2))
} as const

/** What a rejected promise rejected with. */
export const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error("expected a refusal")
    },
    (error: unknown) => error
  )

/** The codes and paths of a party refusal's problems, for comparing in one line. */
export const problemsOf = (error: unknown): ReadonlyArray<string> => {
  expect(error).toBeInstanceOf(PartyRefused)
  return (error as PartyRefused).problems.map((p) => `${p.path} ${p.code}`)
}

/**
 * The fixture: Lingdong with street 中山街道 (230503001), 博爱社区 with grids G1
 * and G2 (第1网格, 第2网格), 惠民社区 with G3 (第3网格). Six single-person households live in G1 (博爱小区 1号楼,
 * flats 101-106: 张一 to 张六), one in G2 (博爱小区 3号楼: 李七) and one in G3
 * (惠民小区 1号楼: 王八); 周九 works in a member unit and lives elsewhere. The
 * street's working committee (中山街道党工委) leads the branches of both
 * communities.
 */
export const partyFixture = async (storage: Storage) => {
  const kernel = await makeKernel({ storage, secrets: { key: KEY } })
  const exec = <A, E>(request: CommandRequest<A, E> | QueryRequest<A, E>, actor: Actor.Actor = system) =>
    kernel.exec(request, actor)
  await exec(Core.commands.registerDistrict({ code: DISTRICT, name: "岭东区" }))
  await exec(
    Registry.commands.registerStreet({
      district: DISTRICT,
      code: partyPlaces.street,
      name: "中山街道",
      kind: "street_office"
    })
  )
  for (const [code, name] of [
    [partyPlaces.boai, "博爱社区"],
    [partyPlaces.huimin, "惠民社区"]
  ] as const) {
    await exec(Registry.commands.registerCommunity({ district: DISTRICT, street: partyPlaces.street, code, name }))
  }
  for (const [community, code, name] of [
    [partyPlaces.boai, partyPlaces.g1, "第1网格"],
    [partyPlaces.boai, partyPlaces.g2, "第2网格"],
    [partyPlaces.huimin, partyPlaces.g3, "第3网格"]
  ] as const) {
    await exec(Registry.commands.registerGrid({ district: DISTRICT, community, code, name, createdOn: "2019-01-01" }))
  }
  for (const [compound, name, grid] of [
    ["博爱小区", "1号楼", partyPlaces.g1],
    ["博爱小区", "3号楼", partyPlaces.g2],
    ["惠民小区", "1号楼", partyPlaces.g3]
  ] as const) {
    await exec(Registry.commands.registerBuilding({ district: DISTRICT, compound, name, grid, since: "2019-06-01" }))
  }
  const resident = (sequence: number, name: string, compound: string, building: string, flat: string) =>
    exec(
      Registry.commands.registerResident({
        district: DISTRICT,
        document: {
          type: "resident_id_card",
          number: residentId("230503", "19550101", String(100 + sequence).padStart(3, "0"))
        },
        name,
        address: { compound, building, unit: "1", flat },
        household: `P${String(sequence).padStart(3, "0")}`,
        relation: "户主",
        movedIn: "2019-07-01"
      })
    )
  const g1 = []
  for (const [i, name] of ["张一", "张二", "张三", "张四", "张五", "张六"].entries()) {
    g1.push(await resident(i + 1, name, "博爱小区", "1号楼", `10${i + 1}`))
  }
  const li = await resident(7, "李七", "博爱小区", "3号楼", "101")
  const wang = await resident(8, "王八", "惠民小区", "1号楼", "101")
  const zhou = await exec(
    Registry.commands.registerPerson({
      district: DISTRICT,
      document: { type: "resident_id_card", number: residentId("230503", "19800808", "999") },
      name: "周九"
    })
  )
  const organisation = (name: string, kind: "working_committee" | "branch", at: string, parent?: string) =>
    exec(
      Party.commands.registerOrganisation({
        district: DISTRICT,
        name,
        kind,
        at,
        ...(parent === undefined ? {} : { parent }),
        establishedOn: "2018-03-01"
      })
    )
  const street = await organisation("中山街道党工委", "working_committee", partyPlaces.street)
  const boai = await organisation("博爱社区党支部", "branch", partyPlaces.boai, street.id)
  const huimin = await organisation("惠民社区党支部", "branch", partyPlaces.huimin, street.id)
  const member = (
    person: string,
    kind: MemberKind,
    organisationId: string | undefined,
    community: string = partyPlaces.boai,
    actor: Actor.Actor = partyActors.boaiSecretary
  ) =>
    exec(
      Party.commands.registerMember({
        district: DISTRICT,
        person,
        kind,
        ...(organisationId === undefined ? {} : { organisation: organisationId }),
        community,
        joinedPartyOn: "1990-07-01"
      }),
      actor
    )
  return { kernel, exec, g1, li, wang, zhou, organisations: { street, boai, huimin }, member }
}

/** Conformance tests of the party module, registered inside the adapter's suite. */
export const partyTests = (fresh: () => Promise<RegistryDatabase>) => {
  const start = async () => {
    const db = await fresh()
    const fixture = await partyFixture(db.open())
    db.track(fixture.kernel)
    return { ...fixture, db }
  }
  const { organisationDepartment, boaiSecretary, boaiWorker, huiminSecretary, g1Worker, g2Worker } = partyActors

  it("a grand party committee spans two communities; a member unit's branch joins and leaves on its dates, and a community cannot be under two committees", async () => {
    const { exec } = await start()
    const unitBranch = await exec(
      Party.commands.registerOrganisation({ district: DISTRICT, name: "岭东供电公司党支部", kind: "branch" }),
      organisationDepartment
    )
    // Two communities in one street: the committee answers to the street, not to either community.
    const forbidden = await rejection(
      exec(
        Party.commands.createCommittee({
          district: DISTRICT,
          name: "博爱惠民社区大党委",
          communities: [partyPlaces.boai, partyPlaces.huimin],
          establishedOn: "2019-05-01"
        }),
        boaiSecretary
      )
    )
    expect(forbidden).toBeInstanceOf(Forbidden)
    const committee = await exec(
      Party.commands.createCommittee({
        district: DISTRICT,
        name: "博爱惠民社区大党委",
        communities: [partyPlaces.boai, partyPlaces.huimin],
        establishedOn: "2019-05-01"
      }),
      organisationDepartment
    )
    const joined = await exec(
      Party.commands.joinCommittee({
        district: DISTRICT,
        committee: committee.id,
        unit: "岭东供电公司",
        branch: unitBranch.id,
        joinedOn: "2019-06-01"
      }),
      organisationDepartment
    )
    await exec(
      Party.commands.leaveCommittee({ district: DISTRICT, membership: joined.id, leftOn: "2020-12-31" }),
      organisationDepartment
    )
    const again = await rejection(
      exec(
        Party.commands.createCommittee({ district: DISTRICT, name: "博爱社区大党委", communities: [partyPlaces.boai] })
      )
    )
    expect(problemsOf(again)).toEqual(["communities[0] PARTY.COMMUNITY_IN_COMMITTEE"])
    expect(await exec(Party.queries.committees({ district: DISTRICT }), boaiWorker)).toEqual([
      {
        id: committee.id,
        name: "博爱惠民社区大党委",
        establishedOn: "2019-05-01",
        communities: [
          { code: partyPlaces.boai, name: "博爱社区", since: "2019-05-01" },
          { code: partyPlaces.huimin, name: "惠民社区", since: "2019-05-01" }
        ],
        formerCommunities: [],
        units: [
          {
            membership: joined.id,
            unit: "岭东供电公司",
            branch: { id: unitBranch.id, name: "岭东供电公司党支部" },
            joinedOn: "2019-06-01",
            leftOn: "2020-12-31"
          }
        ]
      }
    ])
    expect((await exec(Party.queries.organisations({ district: DISTRICT }), g1Worker)).map((o) => o.name)).toEqual([
      "岭东供电公司党支部",
      "中山街道党工委",
      "博爱社区党支部",
      "惠民社区党支部"
    ])
  })

  it("a branch under a branch is refused, and so is a move that would make a working committee its own ancestor", async () => {
    const { exec, organisations } = await start()
    const underBranch = await rejection(
      exec(
        Party.commands.registerOrganisation({
          district: DISTRICT,
          name: "博爱社区第一党支部",
          kind: "branch",
          at: partyPlaces.boai,
          parent: organisations.boai.id
        }),
        boaiSecretary
      )
    )
    expect(underBranch).toBeInstanceOf(PartyRefused)
    expect((underBranch as PartyRefused).code).toBe("PARTY.WRONG_PARENT_KIND")
    expect((underBranch as PartyRefused).reason["zh-CN"]).toBe("党支部不能设在党支部之下")
    const district = await exec(
      Party.commands.registerOrganisation({
        district: DISTRICT,
        name: "岭东区委社区党工委",
        kind: "working_committee"
      }),
      organisationDepartment
    )
    await exec(
      Party.commands.moveOrganisation({
        district: DISTRICT,
        organisation: organisations.street.id,
        parent: district.id
      }),
      organisationDepartment
    )
    // The district's working committee sits above the street's: under it would be a cycle, and below its place too.
    const cycle = await rejection(
      exec(
        Party.commands.moveOrganisation({
          district: DISTRICT,
          organisation: district.id,
          parent: organisations.street.id
        }),
        organisationDepartment
      )
    )
    expect(problemsOf(cycle)).toEqual(["parent PARTY.OUTSIDE_PARENT_SCOPE", "parent PARTY.ORGANISATION_CYCLE"])
    const tree = await exec(Party.queries.organisations({ district: DISTRICT }), boaiWorker)
    expect(tree.map((o) => [o.name, o.kind, tree.find((p) => p.id === o.parent)?.name ?? null])).toEqual([
      ["岭东区委社区党工委", "working_committee", null],
      ["中山街道党工委", "working_committee", "岭东区委社区党工委"],
      ["博爱社区党支部", "branch", "中山街道党工委"],
      ["惠民社区党支部", "branch", "中山街道党工委"]
    ])
  })

  it("a grid party cell has three central households, a fourth is refused", async () => {
    const { exec, g1, organisations, member } = await start()
    await exec(
      Party.commands.formCell({
        district: DISTRICT,
        grid: partyPlaces.g1,
        branch: organisations.boai.id,
        formedOn: "2019-08-01"
      }),
      boaiSecretary
    )
    const appoint = async (i: number) => {
      const m = await member(g1[i]!.id, "resident", organisations.boai.id)
      return exec(
        Party.commands.appointCentralHousehold({
          district: DISTRICT,
          grid: partyPlaces.g1,
          household: g1[i]!.household,
          member: m.id,
          appointedOn: "2019-09-01"
        }),
        boaiSecretary
      )
    }
    await appoint(0)
    await appoint(1)
    await appoint(2)
    const fourth = await rejection(appoint(3))
    expect(problemsOf(fourth)).toEqual(["grid PARTY.CENTRAL_HOUSEHOLDS_FULL"])
    expect((fourth as PartyRefused).reason["zh-CN"]).toBe("第1网格党小组已有 3 户党员中心户，每个网格党小组至多 3 户")
    const cell = await exec(Party.queries.cell({ district: DISTRICT, grid: partyPlaces.g1 }), g1Worker)
    expect(cell?.name).toBe("第1网格党小组")
    expect(cell?.centralHouseholds.map((c) => [c.number, c.memberName])).toEqual([
      ["P001", "张一"],
      ["P002", "张二"],
      ["P003", "张三"]
    ])
  })

  it("six appointments at once to an empty cell: three are appointed, three refused", async () => {
    const { exec, g1, organisations, member } = await start()
    await exec(
      Party.commands.formCell({ district: DISTRICT, grid: partyPlaces.g1, branch: organisations.boai.id }),
      boaiSecretary
    )
    const members: Array<{ readonly id: string }> = []
    for (const resident of g1) members.push(await member(resident.id, "resident", organisations.boai.id))
    const outcomes = await Promise.allSettled(
      g1.map((resident, i) =>
        exec(
          Party.commands.appointCentralHousehold({
            district: DISTRICT,
            grid: partyPlaces.g1,
            household: resident.household,
            member: members[i]!.id
          }),
          boaiSecretary
        )
      )
    )
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(3)
    for (const outcome of outcomes.filter((o) => o.status === "rejected")) {
      expect(problemsOf(outcome.reason)).toEqual(["grid PARTY.CENTRAL_HOUSEHOLDS_FULL"])
    }
    expect(
      (await exec(Party.queries.cell({ district: DISTRICT, grid: partyPlaces.g1 })))?.centralHouseholds
    ).toHaveLength(3)
  })

  it("a central household looks after neighbours in its own grid only", async () => {
    const { exec, g1, li, organisations, member } = await start()
    await exec(
      Party.commands.formCell({
        district: DISTRICT,
        grid: partyPlaces.g1,
        branch: organisations.boai.id,
        formedOn: "2019-08-01"
      }),
      boaiSecretary
    )
    const m = await member(g1[0]!.id, "resident", organisations.boai.id)
    const central = await exec(
      Party.commands.appointCentralHousehold({
        district: DISTRICT,
        grid: partyPlaces.g1,
        household: g1[0]!.household,
        member: m.id,
        appointedOn: "2019-09-01"
      }),
      boaiSecretary
    )
    const elsewhere = await rejection(
      exec(
        Party.commands.setNeighbours({
          district: DISTRICT,
          centralHousehold: central.id,
          households: [g1[3]!.household, li.household, g1[4]!.household],
          since: "2019-09-01"
        }),
        boaiWorker
      )
    )
    expect(problemsOf(elsewhere)).toEqual(["households[1] PARTY.NEIGHBOUR_OUTSIDE_GRID"])
    expect(
      (await exec(Party.queries.cell({ district: DISTRICT, grid: partyPlaces.g1 })))?.centralHouseholds[0]?.neighbours
    ).toEqual([])
    await exec(
      Party.commands.setNeighbours({
        district: DISTRICT,
        centralHousehold: central.id,
        households: [g1[4]!.household, g1[3]!.household],
        since: "2019-09-01"
      }),
      boaiWorker
    )
    const seen = await exec(Party.queries.cell({ district: DISTRICT, grid: partyPlaces.g1 }), g1Worker)
    expect(seen?.centralHouseholds[0]?.neighbours.map((n) => [n.number, n.since])).toEqual([
      ["P004", "2019-09-01"],
      ["P005", "2019-09-01"]
    ])
    // The cell is G1's: the worker of G2 does not see it.
    expect(await exec(Party.queries.cell({ district: DISTRICT, grid: partyPlaces.g1 }), g2Worker)).toBeNull()
  })

  it("a member in the pocket checks in with the community and pledges; the pledge and their service hours are counted", async () => {
    const { exec, g1, zhou, organisations, member } = await start()
    const attached = await rejection(member(g1[4]!.id, "pocket", organisations.boai.id))
    expect(problemsOf(attached)).toEqual(["organisation PARTY.POCKET_MEMBER_ATTACHED"])
    const pocket = await member(g1[4]!.id, "pocket", undefined)
    const unitBranch = await exec(
      Party.commands.registerOrganisation({ district: DISTRICT, name: "岭东供电公司党支部", kind: "branch" }),
      organisationDepartment
    )
    const inUnit = await member(zhou.id, "in_unit", unitBranch.id)
    // The pocket member serves in G1, so its grid worker records the check-in and the service.
    const pocketCheckIn = await exec(
      Party.commands.checkIn({
        district: DISTRICT,
        member: pocket.id,
        community: partyPlaces.boai,
        grid: partyPlaces.g1,
        pledge: "每周看望一次独居老人",
        checkedInOn: "2020-03-02"
      }),
      g1Worker
    )
    const unitCheckIn = await exec(
      Party.commands.checkIn({
        district: DISTRICT,
        member: inUnit.id,
        community: partyPlaces.boai,
        pledge: "义务检修楼道线路",
        checkedInOn: "2020-03-05"
      }),
      boaiWorker
    )
    const serve = (checkIn: string, servedOn: string, hours: number, actor: Actor.Actor) =>
      exec(Party.commands.recordService({ district: DISTRICT, checkIn, servedOn, what: "志愿服务", hours }), actor)
    await serve(pocketCheckIn.id, "2020-03-09", 1.5, g1Worker)
    await serve(pocketCheckIn.id, "2020-04-13", 2, g1Worker)
    await serve(unitCheckIn.id, "2020-04-20", 3, boaiWorker)
    await serve(pocketCheckIn.id, "2021-01-04", 1, g1Worker)
    const before = await rejection(serve(pocketCheckIn.id, "2020-03-01", 1, g1Worker))
    expect(problemsOf(before)).toEqual(["servedOn PARTY.SERVICE_OUTSIDE_CHECK_IN"])
    // A grid worker records in their own grid only.
    expect(await rejection(serve(unitCheckIn.id, "2020-04-21", 1, g1Worker))).toBeInstanceOf(Forbidden)

    const year = { district: DISTRICT, from: "2020-01-01", to: "2020-12-31" }
    const figures = await exec(Party.queries.checkInFigures(year), boaiSecretary)
    expect(figures).toEqual([
      {
        community: partyPlaces.boai,
        name: "博爱社区",
        kind: "in_unit",
        checkIns: 1,
        serving: 1,
        services: 1,
        hours: 3
      },
      {
        community: partyPlaces.boai,
        name: "博爱社区",
        kind: "pocket",
        checkIns: 1,
        serving: 1,
        services: 2,
        hours: 3.5
      }
    ])
    expect(await exec(Party.queries.checkInFigures(year), g1Worker)).toEqual([figures[1]])
    const board = await exec(
      Party.queries.pledges({ district: DISTRICT, community: partyPlaces.boai, on: "2021-01-31" }),
      boaiSecretary
    )
    expect(board.map((b) => [b.name, b.kind, b.grid, b.pledge, b.hours])).toEqual([
      // 周九 lives elsewhere: recorded at the district's level, so the community sees the pledge, not the name.
      ["张五", "pocket", partyPlaces.g1, "每周看望一次独居老人", 4.5],
      [null, "in_unit", null, "义务检修楼道线路", 3]
    ])
  })

  it("a member checking in four times at once is checked in once", async () => {
    const { exec, g1, organisations, member } = await start()
    const resident = await member(g1[0]!.id, "resident", organisations.boai.id)
    const outcomes = await Promise.allSettled(
      ["参加楼道清扫", "参加夜间巡逻", "看望独居老人", "宣传垃圾分类"].map((pledge) =>
        exec(
          Party.commands.checkIn({
            district: DISTRICT,
            member: resident.id,
            community: partyPlaces.boai,
            pledge,
            checkedInOn: "2020-03-02"
          }),
          boaiWorker
        )
      )
    )
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1)
    for (const outcome of outcomes.filter((o) => o.status === "rejected")) {
      expect(problemsOf(outcome.reason)).toEqual(["member PARTY.ALREADY_CHECKED_IN"])
    }
    const board = await exec(
      Party.queries.pledges({ district: DISTRICT, community: partyPlaces.boai, on: "2020-03-02" }),
      boaiWorker
    )
    expect(board).toHaveLength(1)
  })

  it("stars are computed from weighted scores with evidence; a score above the item's maximum is refused", async () => {
    const { exec, g1, organisations, member } = await start()
    const scheme = await exec(
      Party.commands.defineStarScheme({
        district: DISTRICT,
        name: "2020年度星级党员评定",
        at: partyPlaces.boai,
        from: "2020-01-01",
        to: "2020-12-31",
        items: [
          { code: "study", name: "学习教育", maxPoints: 10, weight: 2 },
          { code: "organisational_life", name: "组织生活", maxPoints: 10, weight: 3 },
          { code: "service", name: "服务群众", maxPoints: 10, weight: 5 }
        ],
        thresholds: [20, 40, 60, 75, 90]
      }),
      boaiSecretary
    )
    const zhang1 = await member(g1[0]!.id, "resident", organisations.boai.id)
    const zhang2 = await member(g1[1]!.id, "resident", organisations.boai.id)
    const score = (memberId: string, item: string, points: number, on = "2020-11-30") =>
      exec(
        Party.commands.enterScore({
          district: DISTRICT,
          scheme: scheme.id,
          member: memberId,
          item,
          points,
          evidence: `${item} 记录`,
          on
        }),
        boaiWorker
      )
    await score(zhang1.id, "study", 8)
    await score(zhang1.id, "organisational_life", 9)
    await score(zhang1.id, "service", 10)
    await score(zhang2.id, "study", 5)
    await score(zhang2.id, "organisational_life", 6)
    await score(zhang2.id, "service", 2)
    // A correction replaces the score; the event keeps what it was.
    await score(zhang2.id, "service", 4)
    const above = await rejection(score(zhang2.id, "study", 11, "2021-01-05"))
    expect(problemsOf(above)).toEqual(["points PARTY.SCORE_ABOVE_MAXIMUM", "on PARTY.SCORE_OUTSIDE_PERIOD"])
    const { ratings } = await exec(Party.queries.stars({ district: DISTRICT, scheme: scheme.id }), boaiSecretary)
    expect(ratings.map((r) => [r.name, r.organisation, r.score, r.stars])).toEqual([
      ["张一", organisations.boai.id, 93, 5],
      ["张二", organisations.boai.id, 48, 2]
    ])
    expect(ratings[1]?.items).toEqual([
      { item: "study", points: 5, evidence: "study 记录", on: "2020-11-30" },
      { item: "organisational_life", points: 6, evidence: "organisational_life 记录", on: "2020-11-30" },
      { item: "service", points: 4, evidence: "service 记录", on: "2020-11-30" }
    ])
    // 惠民社区's secretary sees no member of 博爱社区.
    expect(
      (await exec(Party.queries.stars({ district: DISTRICT, scheme: scheme.id }), huiminSecretary)).ratings
    ).toEqual([])
  })

  it("a meeting's list is checked against the branch's members on its date, every problem at once, and gives the attendance rate", async () => {
    const { exec, g1, wang, organisations, member } = await start()
    await exec(
      Party.commands.formCell({
        district: DISTRICT,
        grid: partyPlaces.g1,
        branch: organisations.boai.id,
        formedOn: "2019-08-01"
      }),
      boaiSecretary
    )
    const members = []
    for (let i = 0; i < 4; i++) members.push(await member(g1[i]!.id, "resident", organisations.boai.id))
    const [a, b, c, d] = members.map((m) => m.id) as [string, string, string, string]
    await exec(
      Party.commands.recordMeeting({
        district: DISTRICT,
        organisation: organisations.boai.id,
        kind: "branch_members",
        heldOn: "2020-04-10",
        topic: "学习党章",
        attendance: [
          { member: a, status: "present" },
          { member: b, status: "present" },
          { member: c, status: "present" },
          { member: d, status: "excused" }
        ]
      }),
      boaiWorker
    )
    // The grid's party group meets in the grid, and its worker records it from the roll.
    const roll = await exec(
      Party.queries.roll({
        district: DISTRICT,
        organisation: organisations.boai.id,
        kind: "party_group",
        grid: partyPlaces.g1,
        on: "2020-05-08"
      }),
      g1Worker
    )
    expect(roll.map((r) => r.name)).toEqual(["张一", "张三", "张二", "张四"])
    await exec(
      Party.commands.recordMeeting({
        district: DISTRICT,
        organisation: organisations.boai.id,
        kind: "party_group",
        grid: partyPlaces.g1,
        heldOn: "2020-05-08",
        topic: "走访独居老人",
        attendance: roll.map((r) => ({
          member: r.member,
          status: r.member === c ? ("absent" as const) : r.member === d ? ("excused" as const) : ("present" as const)
        }))
      }),
      g1Worker
    )
    const huiminMember = await member(wang.id, "resident", organisations.huimin.id, partyPlaces.huimin, huiminSecretary)
    const stranger = await rejection(
      exec(
        Party.commands.recordMeeting({
          district: DISTRICT,
          organisation: organisations.boai.id,
          kind: "party_lecture",
          heldOn: "2020-06-01",
          topic: "党课",
          attendance: [
            { member: a, status: "present" },
            { member: huiminMember.id, status: "present" }
          ]
        }),
        boaiWorker
      )
    )
    expect(problemsOf(stranger)).toEqual([
      "attendance[1].member PARTY.ATTENDEE_NOT_A_MEMBER",
      "attendance PARTY.ATTENDANCE_INCOMPLETE",
      "attendance PARTY.ATTENDANCE_INCOMPLETE",
      "attendance PARTY.ATTENDANCE_INCOMPLETE"
    ])
    // 张四 moves to 惠民社区's branch in June: the branch's meetings after expect him no more.
    await exec(
      Party.commands.transferMember({
        district: DISTRICT,
        member: d,
        organisation: organisations.huimin.id,
        transferredOn: "2020-06-01"
      }),
      organisationDepartment
    )
    await exec(
      Party.commands.recordMeeting({
        district: DISTRICT,
        organisation: organisations.boai.id,
        kind: "party_lecture",
        heldOn: "2020-06-10",
        topic: "党课：社区治理",
        attendance: [a, b, c].map((m) => ({ member: m, status: "present" as const }))
      }),
      boaiWorker
    )
    const half = { district: DISTRICT, from: "2020-01-01", to: "2020-06-30" }
    expect(await exec(Party.queries.attendance(half), boaiSecretary)).toEqual([
      {
        organisation: organisations.boai.id,
        name: "博爱社区党支部",
        kind: "branch",
        meetings: 3,
        present: 8,
        absent: 1,
        excused: 2,
        rate: 8 / 11
      }
    ])
    // The grid's worker sees the meeting held in the grid only.
    expect(await exec(Party.queries.attendance(half), g1Worker)).toMatchObject([
      { meetings: 1, present: 2, absent: 1, excused: 1, rate: 2 / 4 }
    ])
  })

  it("the registry's moves stand central households down in the same transaction: out of the grid, and redrawn into another", async () => {
    const { kernel, exec, g1, organisations, member } = await start()
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
    for (const i of [0, 1]) {
      const m = await member(g1[i]!.id, "resident", organisations.boai.id)
      central.push(
        await exec(
          Party.commands.appointCentralHousehold({
            district: DISTRICT,
            grid: partyPlaces.g1,
            household: g1[i]!.household,
            member: m.id,
            appointedOn: "2019-09-01"
          }),
          boaiSecretary
        )
      )
    }
    for (const [i, neighbours] of [
      [0, [2, 3]],
      [1, [4]]
    ] as const) {
      await exec(
        Party.commands.setNeighbours({
          district: DISTRICT,
          centralHousehold: central[i]!.id,
          households: neighbours.map((n) => g1[n]!.household),
          since: "2019-09-01"
        }),
        boaiSecretary
      )
    }
    const moveToG2 = (household: string, on: string) =>
      exec(
        Registry.commands.relocate({
          district: DISTRICT,
          household,
          to: { compound: "博爱小区", building: "3号楼", unit: "1", flat: "201" },
          on
        })
      )
    // A neighbour moves to G2: released. Then 张一's household itself: stood down, its last neighbour with it.
    await moveToG2(g1[2]!.household, "2020-03-01")
    await moveToG2(g1[0]!.household, "2020-04-01")
    const cell = async () =>
      (await exec(Party.queries.cell({ district: DISTRICT, grid: partyPlaces.g1 })))!.centralHouseholds.map((c) => [
        c.number,
        c.neighbours.map((n) => n.number)
      ])
    expect(await cell()).toEqual([["P002", ["P005"]]])
    // A re-districting puts 1号楼 in G3's community's grid: 张二's household stands down in G1's cell.
    await exec(
      Registry.commands.applyPlan({
        district: DISTRICT,
        effectiveOn: "2020-07-01",
        moveBuildings: [{ compound: "博爱小区", building: "1号楼", toGrid: partyPlaces.g3 }]
      })
    )
    expect(await cell()).toEqual([])
    const events = (await kernel.events.since({ district: DISTRICT, after: 0, limit: 1000 })).filter(
      (e) => e.type === "party.central-household-stood-down" || e.type === "party.neighbour-released"
    )
    expect(events.map((e) => [e.type, e.subject, e.payload["reason"]])).toEqual([
      ["party.neighbour-released", central[0]!.id, "moved-out-of-grid"],
      ["party.central-household-stood-down", central[0]!.id, "moved-out-of-grid"],
      ["party.central-household-stood-down", central[1]!.id, "grid-redrawn"]
    ])
    expect(events[1]?.payload).toMatchObject({ neighbours: [g1[3]!.household], endedOn: "2020-04-01" })
    // Its place in the cell is free again.
    const m = await member(g1[4]!.id, "resident", organisations.boai.id)
    expect(
      problemsOf(
        await rejection(
          exec(
            Party.commands.appointCentralHousehold({
              district: DISTRICT,
              grid: partyPlaces.g1,
              household: g1[4]!.household,
              member: m.id
            }),
            boaiSecretary
          )
        )
      )
    ).toEqual(["household PARTY.HOUSEHOLD_OUTSIDE_GRID"])
  })

  it("a branch is dissolved once empty, and one dissolved while members are registered into it at once takes none of them", async () => {
    const { exec, g1, organisations, member } = await start()
    const branch = await exec(
      Party.commands.registerOrganisation({
        district: DISTRICT,
        name: "博爱社区第二党支部",
        kind: "branch",
        at: partyPlaces.boai,
        parent: organisations.street.id,
        establishedOn: "2019-03-01"
      }),
      boaiSecretary
    )
    const outcomes = await Promise.allSettled([
      exec(
        Party.commands.dissolveOrganisation({ district: DISTRICT, organisation: branch.id, dissolvedOn: "2020-12-31" }),
        boaiSecretary
      ),
      ...g1.slice(0, 3).map((resident) => member(resident.id, "resident", branch.id))
    ])
    const dissolved = outcomes[0]!.status === "fulfilled"
    const joined = await exec(Party.queries.members({ district: DISTRICT, organisation: branch.id }), boaiSecretary)
    // Either the branch went first and every registration into it was refused, or it kept who joined first.
    if (dissolved) {
      expect(joined).toEqual([])
      for (const outcome of outcomes.slice(1)) {
        expect(outcome.status === "rejected" && problemsOf(outcome.reason)).toEqual([
          "organisation PARTY.ORGANISATION_DISSOLVED"
        ])
      }
    } else {
      expect(joined.length).toBeGreaterThan(0)
      expect(problemsOf((outcomes[0] as PromiseRejectedResult).reason)).toEqual(
        joined.map(() => "organisation PARTY.ORGANISATION_HAS_MEMBERS")
      )
    }
    expect(
      (await exec(Party.queries.organisations({ district: DISTRICT }))).find((o) => o.id === branch.id)?.dissolvedOn
    ).toBe(dissolved ? "2020-12-31" : null)
  })

  it("a grand party committee gains and loses communities on dates that are kept", async () => {
    const { exec } = await start()
    const committee = await exec(
      Party.commands.createCommittee({
        district: DISTRICT,
        name: "博爱社区大党委",
        communities: [partyPlaces.boai],
        establishedOn: "2019-05-01"
      }),
      organisationDepartment
    )
    await exec(
      Party.commands.addCommitteeCommunities({
        district: DISTRICT,
        committee: committee.id,
        communities: [partyPlaces.huimin],
        addedOn: "2020-01-01"
      }),
      organisationDepartment
    )
    await exec(
      Party.commands.removeCommitteeCommunities({
        district: DISTRICT,
        committee: committee.id,
        communities: [partyPlaces.huimin],
        removedOn: "2020-12-31"
      }),
      organisationDepartment
    )
    await exec(
      Party.commands.addCommitteeCommunities({
        district: DISTRICT,
        committee: committee.id,
        communities: [partyPlaces.huimin],
        addedOn: "2021-03-01"
      }),
      organisationDepartment
    )
    expect(await exec(Party.queries.committees({ district: DISTRICT }), huiminSecretary)).toMatchObject([
      {
        communities: [
          { code: partyPlaces.boai, since: "2019-05-01" },
          { code: partyPlaces.huimin, since: "2021-03-01" }
        ],
        formerCommunities: [{ code: partyPlaces.huimin, from: "2020-01-01", to: "2020-12-31" }]
      }
    ])
  })

  it("a re-districting moves a cell's scope, its central households' and its check-ins' with its grid", async () => {
    const { exec, g1, organisations, member } = await start()
    await exec(
      Party.commands.formCell({
        district: DISTRICT,
        grid: partyPlaces.g1,
        branch: organisations.boai.id,
        formedOn: "2019-08-01"
      }),
      boaiSecretary
    )
    const m = await member(g1[0]!.id, "resident", organisations.boai.id)
    const central = await exec(
      Party.commands.appointCentralHousehold({
        district: DISTRICT,
        grid: partyPlaces.g1,
        household: g1[0]!.household,
        member: m.id,
        appointedOn: "2019-09-01"
      }),
      boaiSecretary
    )
    await exec(
      Party.commands.setNeighbours({
        district: DISTRICT,
        centralHousehold: central.id,
        households: [g1[1]!.household]
      }),
      boaiSecretary
    )
    await exec(
      Party.commands.checkIn({
        district: DISTRICT,
        member: m.id,
        community: partyPlaces.boai,
        grid: partyPlaces.g1,
        pledge: "带头清理楼道杂物",
        checkedInOn: "2020-03-02"
      }),
      g1Worker
    )
    await exec(
      Registry.commands.applyPlan({
        district: DISTRICT,
        effectiveOn: "2021-01-01",
        moveGrids: [{ grid: partyPlaces.g1, toCommunity: partyPlaces.huimin }]
      })
    )
    const movedWorker = partyActor(
      "worker@g1",
      "grid_worker",
      "grid",
      partyGridPath(partyPlaces.huimin, partyPlaces.g1)
    )
    const cell = (actor: Actor.Actor) => exec(Party.queries.cell({ district: DISTRICT, grid: partyPlaces.g1 }), actor)
    expect((await cell(huiminSecretary))?.centralHouseholds.map((c) => c.neighbours.map((n) => n.number))).toEqual([
      ["P002"]
    ])
    expect((await cell(movedWorker))?.centralHouseholds).toHaveLength(1)
    expect(await cell(boaiSecretary)).toBeNull()
    expect(await cell(g1Worker)).toBeNull()
    const figures = { district: DISTRICT, from: "2020-01-01", to: "2020-12-31" }
    expect(await exec(Party.queries.checkInFigures(figures), movedWorker)).toMatchObject([
      { kind: "resident", checkIns: 1 }
    ])
    // The records go with the grid: 博爱社区 no longer holds them, though the check-in was made with it.
    expect(await exec(Party.queries.checkInFigures(figures), boaiSecretary)).toEqual([])
  })
}
