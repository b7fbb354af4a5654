/**
 * Party building leads (党建引领), 2020: the organisation department sets up
 * the tree of party organisations and the grand party committees (社区大党委)
 * over the communities, with the branches of member units (驻区单位) joined to
 * them; each community's secretary forms a party cell in every grid with its
 * three central households (党员中心户), each looking after a few neighbouring
 * households; and party members check in with their communities (党员报到),
 * show who they are and pledge (亮身份、亮承诺), then serve through the year.
 * Members living here are residents of the registry; members working in member
 * units and members "in the pocket" (their mine's organisation went with the
 * bankruptcy) are recorded as people. Every figure returned is read back from
 * the party module's queries.
 *
 * The case's tree (12 working committees, 2 general branches, 72 branches) is
 * laid out on the generated district as: a working committee per community
 * (社区党工委, the plaque every community hangs) and the district organs'
 * working committee (区直机关工委); a general branch in each community with a
 * resettlement compound; and 36 community branches, each with the cells of a
 * run of grids, beside the 36 member units' organisations the case sent to the
 * committees. Below scale 1 every count shrinks in proportion, never below one
 * per community.
 */
import {
  type Actor,
  type CellEntry,
  type CheckInFigures,
  type CommitteeEntry,
  type CommandRequest,
  type Kernel,
  type MemberEntry,
  type OrganisationEntry,
  Party,
  type PledgeEntry,
  type PopulationRow,
  Registry,
  type RosterEntry
} from "@shequ/core"
import { Effect } from "effect"
import { apportion } from "./generator/district.js"
import { dayOf, IdIssuer, LOCAL_REGIONS } from "./generator/idNumbers.js"
import { redistrictingPlan } from "./generator/index.js"
import { givenName, surname } from "./generator/names.js"
import { makeRng, mix, type Rng, weighted } from "./generator/random.js"
import { datesBetween, replay, setClock, shanghai, YEAR } from "./replay.js"
import { pathCodes, type Places, staffIds } from "./staff.js"

/** The random stream of the party stage (the generator's streams are 1-4). */
const STREAM = 11

/** The case's figures at scale 1. */
export const PARTY_CASE = {
  committees: 4,
  communityBranches: 36,
  unitOrganisations: 36,
  centralHouseholdsPerCell: 3,
  /** Of the ~1,000 cadres the units sent down, those the example checks in. */
  cadres: 300,
  pocketMembers: 60
} as const

/** Residents who are members besides the central households, per grid: 0 to this many. */
const MORE_MEMBERS_PER_GRID = 2
/** Neighbouring households a central household looks after: from 3 to this many. */
const MOST_NEIGHBOURS = 6
/** Services a checked-in member records in the year: 0 to this many. */
const MOST_SERVICES = 3

/** The member units: their name, and whether they are the district's own (区属, under 区直机关工委). */
const UNITS: ReadonlyArray<readonly [name: string, districtOwned: boolean]> = [
  ["区民政局", true],
  ["区人力资源和社会保障局", true],
  ["区卫生健康局", true],
  ["区住房和城乡建设局", true],
  ["区教育局", true],
  ["区司法局", true],
  ["区城市管理综合执法局", true],
  ["区市场监督管理局", true],
  ["区退役军人事务局", true],
  ["区医疗保障局", true],
  ["区应急管理局", true],
  ["区财政局", true],
  ["区自然资源局", true],
  ["区农业农村局", true],
  ["岭东公安分局", true],
  ["岭东区人民医院", true],
  ["岭东区实验小学", true],
  ["岭东区文体中心", true],
  ["双鸭山矿业集团东保卫矿", false],
  ["双鸭山矿业集团选煤厂", false],
  ["双鸭山矿业集团物业公司岭东分公司", false],
  ["国网双鸭山供电公司岭东供电所", false],
  ["双鸭山热电有限公司岭东供热站", false],
  ["双鸭山市供水公司岭东营业所", false],
  ["中国工商银行双鸭山岭东支行", false],
  ["中国农业银行双鸭山岭东支行", false],
  ["中国邮政双鸭山岭东营业部", false],
  ["中国移动双鸭山岭东营业部", false],
  ["中国联通双鸭山岭东营业部", false],
  ["中国人寿双鸭山岭东营销服务部", false],
  ["国家税务总局双鸭山市岭东区税务局", false],
  ["双鸭山市住房公积金管理中心岭东管理部", false],
  ["双鸭山市第十中学", false],
  ["双鸭山市人民医院岭东分院", false],
  ["双鸭山市公共交通公司岭东车队", false],
  ["中国石油双鸭山岭东加油站", false]
]

const PLEDGES = [
  "每周看望一次独居老人",
  "义务清扫楼道、清理小广告",
  "帮助行动不便的邻居代购药品和生活用品",
  "参加小区疫情防控值守",
  "调解邻里纠纷，做到小事不出楼栋",
  "为困难家庭子女辅导功课",
  "宣传垃圾分类和文明养犬",
  "冬季帮助清理楼前积雪",
  "为邻居义务维修水电",
  "带头参加社区志愿服务队"
]

const SERVICES = [
  ["疫情防控值守", [2, 3, 4]],
  ["为独居老人代购药品", [1, 1.5]],
  ["楼道清扫和小广告清理", [1, 2]],
  ["帮扶困难家庭", [2, 3]],
  ["调解邻里纠纷", [1, 1.5, 2]],
  ["清理楼前积雪", [1.5, 2]],
  ["社区大讲堂志愿服务", [2, 3]],
  ["陪同老人就医", [2.5, 3, 4]]
] as const

/** What the party stage did, every count read back from the party module's queries. */
export interface PartyResult {
  readonly seconds: number
  readonly commands: number
  /** Party organisations by kind, and the branches by the kind of their parent ("none" when unrecorded). */
  readonly organisations: Readonly<Record<OrganisationEntry["kind"], number>>
  readonly branchesUnder: Readonly<Record<OrganisationEntry["kind"] | "none", number>>
  readonly committees: ReadonlyArray<CommitteeEntry>
  readonly cells: {
    readonly grids: number
    readonly cells: number
    readonly central: number
    readonly neighbours: number
  }
  /** A cell of a resettlement compound's grid, as its grid's staff see it. */
  readonly sampleCell: CellEntry | null
  readonly members: Readonly<Record<MemberEntry["kind"], number>>
  readonly checkIns: ReadonlyArray<CheckInFigures>
  /** The first lines of the sample cell's community's board of pledges at the end of the year. */
  readonly pledges: ReadonlyArray<PledgeEntry>
}

interface Home {
  readonly id: string
  readonly number: string
  readonly members: ReadonlyArray<RosterEntry>
}

/** Whole years on 2020-01-01 of someone born on `birthDate`, or -1 when it is not known. */
const ageOf = (birthDate: string | null): number =>
  birthDate === null ? -1 : 2019 - Number(birthDate.slice(0, 4)) + (birthDate.slice(5) <= "01-01" ? 1 : 0)

const pick = <A>(rng: Rng, items: ReadonlyArray<A>): A => items[rng.int(0, items.length - 1)]!

/** A date between `from` and `to`, both included. */
const dateIn = (rng: Rng, from: string, to: string): string => pick(rng, datesBetween(from, to))

/** The year a member joined the party: at 20 to 35, and not after 2019. */
const joinedOn = (rng: Rng, birthDate: string): string => {
  const year = Math.min(2019, Number(birthDate.slice(0, 4)) + rng.int(20, 35))
  return `${year}-07-01`
}

/** Runs the party stage. */
export const runParty = async (
  kernel: Kernel,
  options: { readonly seed: number; readonly scale: number },
  places: Places
): Promise<PartyResult> => {
  const started = performance.now()
  const rng = makeRng(mix(options.seed, STREAM))
  const { district } = places
  const office = await kernel.actorFor(staffIds.districtOffice)
  const actors = new Map<string, Actor.Actor>()
  const actorOf = async (id: string) => {
    const found = actors.get(id) ?? (await kernel.actorFor(id))
    actors.set(id, found)
    return found
  }
  for (const community of places.communities) await actorOf(staffIds.secretary(community.code))
  for (const grid of places.grids) await actorOf(staffIds.gridWorker(grid.code))
  const secretary = (community: string) => actors.get(staffIds.secretary(community))!
  const gridWorker = (grid: string) => actors.get(staffIds.gridWorker(grid))!

  let commands = 0
  const run = <A, E>(request: CommandRequest<A, E>, actor: Actor.Actor) =>
    Effect.tap(kernel.run(request, actor), () => {
      commands++
    })

  const gridsOf = (community: string) => places.grids.filter((g) => pathCodes(g.scopePath).community === community)
  const newGrids = new Set(redistrictingPlan(options).createGrids.map((g) => g.code))
  const issuer = new IdIssuer("last")
  const region = weighted(LOCAL_REGIONS)

  const program = Effect.gen(function* () {
    // 6 January: the organisation department records the tree and sets up the grand party committees.
    yield* setClock(shanghai("2020-01-06", "09:00"))
    const organ = (name: string, kind: OrganisationEntry["kind"], at?: string, parent?: string, since?: string) =>
      run(
        Party.commands.registerOrganisation({
          district,
          name,
          kind,
          ...(at === undefined ? {} : { at }),
          ...(parent === undefined ? {} : { parent }),
          ...(since === undefined ? {} : { establishedOn: since })
        }),
        office
      )
    const organsCommittee = yield* organ("岭东区直机关工委", "working_committee", undefined, undefined, "2019-03-01")
    const branchOf = new Map<string, string>()
    const branchShare = apportion(
      Math.max(places.communities.length, Math.round(PARTY_CASE.communityBranches * options.scale)),
      places.communities.map((c) => gridsOf(c.code).length),
      1
    )
    for (const [c, community] of places.communities.entries()) {
      const stem = community.name.replace(/社区$/, "")
      const committee = yield* organ(
        `${community.name}党工委`,
        "working_committee",
        community.code,
        undefined,
        "2019-04-01"
      )
      const grids = gridsOf(community.code)
      const hasNewGrids = grids.some((g) => newGrids.has(g.code))
      const general = hasNewGrids
        ? yield* organ(`${stem}社区回迁小区党总支`, "general_branch", community.code, committee.id, "2019-04-01")
        : undefined
      // Each branch takes a run of grids; the runs holding the compounds' new grids answer to the general branch.
      for (const [b, share] of cutRuns(grids, branchShare[c]!).entries()) {
        const parent = general !== undefined && share.some((g) => newGrids.has(g.code)) ? general.id : committee.id
        const branch = yield* organ(`${stem}社区第${b + 1}党支部`, "branch", community.code, parent, "2019-04-01")
        for (const grid of share) branchOf.set(grid.code, branch.id)
      }
    }
    const committeeCount = Math.min(PARTY_CASE.committees, places.communities.length)
    const committeeRuns = cutRuns(places.communities, committeeCount)
    const committees: Array<{ id: string; communities: ReadonlyArray<PopulationRow> }> = []
    for (const group of committeeRuns) {
      const { id } = yield* run(
        Party.commands.createCommittee({
          district,
          name: `${group.map((c) => c.name.replace(/社区$/, "")).join("、")}社区大党委`,
          communities: group.map((c) => c.code) as [string, ...Array<string>],
          establishedOn: "2020-01-06"
        }),
        office
      )
      committees.push({ id, communities: group })
    }
    // The district's own units and those stationed here take turns, so a small district has both.
    const stationed = UNITS.filter(([, districtOwned]) => !districtOwned)
    const units = UNITS.filter(([, districtOwned]) => districtOwned)
      .flatMap((unit, i) => [unit, stationed[i]!])
      .slice(0, Math.max(1, Math.round(PARTY_CASE.unitOrganisations * options.scale)))
    yield* setClock(shanghai("2020-01-08", "09:00"))
    const unitBranches: Array<{ branch: string; unit: string; committee: (typeof committees)[number] }> = []
    for (const [u, [unit, districtOwned]] of units.entries()) {
      const branch = yield* organ(`${unit}党支部`, "branch", undefined, districtOwned ? organsCommittee.id : undefined)
      const committee = committees[u % committees.length]!
      yield* run(
        Party.commands.joinCommittee({
          district,
          committee: committee.id,
          unit,
          branch: branch.id,
          joinedOn: "2020-01-08"
        }),
        office
      )
      unitBranches.push({ branch: branch.id, unit, committee })
    }

    // 13 January: each community's secretary forms a party cell in every grid, in the branch of its run.
    yield* setClock(shanghai("2020-01-13", "09:00"))
    for (const grid of places.grids) {
      const { community } = pathCodes(grid.scopePath)
      yield* run(
        Party.commands.formCell({
          district,
          grid: grid.code,
          branch: branchOf.get(grid.code)!,
          formedOn: "2020-01-13"
        }),
        secretary(community)
      )
    }

    // 20 January: members living in each grid are recorded; three of their households become central households.
    yield* setClock(shanghai("2020-01-20", "09:00"))
    interface Member {
      readonly id: string
      readonly community: string
      readonly grid?: string
      readonly recorder: Actor.Actor
      readonly checkInFrom: string
      readonly checkInTo: string
    }
    const members: Array<Member> = []
    const registerMember = (
      person: string,
      kind: MemberEntry["kind"],
      community: string,
      birthDate: string,
      organisation?: string
    ) =>
      Effect.map(
        run(
          Party.commands.registerMember({
            district,
            person,
            kind,
            community,
            joinedPartyOn: joinedOn(rng, birthDate),
            ...(organisation === undefined ? {} : { organisation })
          }),
          secretary(community)
        ),
        (member) => member.id
      )
    for (const grid of places.grids) {
      const { community } = pathCodes(grid.scopePath)
      const homes = yield* homesOf(kernel, district, grid, secretary(community))
      const adults = (home: Home) => home.members.filter((m) => ageOf(m.birthDate) >= 25 && ageOf(m.birthDate) <= 80)
      const chosen = new Set<string>()
      const thirds = cutRuns(homes, Math.min(PARTY_CASE.centralHouseholdsPerCell, homes.length))
      for (const third of thirds) {
        const eligible = third.filter((h) => adults(h).length > 0)
        if (eligible.length === 0) continue
        const home = pick(rng, eligible)
        const person = pick(rng, adults(home))
        const member = yield* registerMember(
          person.id,
          "resident",
          community,
          person.birthDate!,
          branchOf.get(grid.code)
        )
        chosen.add(person.id)
        const central = yield* run(
          Party.commands.appointCentralHousehold({
            district,
            grid: grid.code,
            household: home.id,
            member,
            appointedOn: "2020-01-20"
          }),
          secretary(community)
        )
        const at = third.indexOf(home)
        const around = [...third.slice(at + 1), ...third.slice(0, at)].slice(0, rng.int(3, MOST_NEIGHBOURS))
        if (around.length > 0) {
          yield* run(
            Party.commands.setNeighbours({
              district,
              centralHousehold: central.id,
              households: around.map((h) => h.id),
              since: "2020-01-20"
            }),
            secretary(community)
          )
        }
        members.push({
          id: member,
          community,
          grid: grid.code,
          recorder: gridWorker(grid.code),
          checkInFrom: "2020-03-02",
          checkInTo: "2020-06-30"
        })
      }
      const others = homes.flatMap(adults).filter((p) => !chosen.has(p.id))
      for (let n = rng.int(0, MORE_MEMBERS_PER_GRID); n > 0 && others.length > 0; n--) {
        const [person] = others.splice(rng.int(0, others.length - 1), 1)
        const member = yield* registerMember(
          person!.id,
          "resident",
          community,
          person!.birthDate!,
          branchOf.get(grid.code)
        )
        members.push({
          id: member,
          community,
          grid: grid.code,
          recorder: gridWorker(grid.code),
          checkInFrom: "2020-03-02",
          checkInTo: "2020-06-30"
        })
      }
    }

    // Cadres of the member units and members in the pocket are recorded as people: they do not live here.
    const person = (fromAge: number, toAge: number) =>
      Effect.gen(function* () {
        const male = rng.chance(0.6)
        const age = rng.int(fromAge, toAge)
        const born = dayOf(2019 - age, 1, 1) + rng.int(0, 364)
        const number = issuer.issue(region(rng), born, male)
        const birthDate = `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`
        const { id } = yield* run(
          Registry.commands.registerPerson({
            district,
            document: { type: "resident_id_card", number },
            name: surname(rng) + givenName(rng, male, Number(number.slice(6, 10)))
          }),
          office
        )
        return { id, birthDate }
      })
    for (let n = 0; n < Math.round(PARTY_CASE.cadres * options.scale); n++) {
      const unit = unitBranches[n % unitBranches.length]!
      const community = pick(rng, unit.committee.communities)
      const grid = pick(rng, gridsOf(community.code))
      const cadre = yield* person(24, 58)
      members.push({
        id: yield* registerMember(cadre.id, "in_unit", community.code, cadre.birthDate, unit.branch),
        community: community.code,
        grid: grid.code,
        recorder: gridWorker(grid.code),
        checkInFrom: "2020-03-02",
        checkInTo: "2020-06-30"
      })
    }
    for (let n = 0; n < Math.round(PARTY_CASE.pocketMembers * options.scale); n++) {
      const community = pick(rng, places.communities)
      const miner = yield* person(40, 68)
      members.push({
        id: yield* registerMember(miner.id, "pocket", community.code, miner.birthDate),
        community: community.code,
        recorder: secretary(community.code),
        checkInFrom: "2020-04-01",
        checkInTo: "2020-09-30"
      })
    }

    // Through the year: each member checks in with a pledge, then serves; each entry made on its day.
    const agenda: Array<{ at: Date; order: number; act: Effect.Effect<void, unknown> }> = []
    const checkIns = new Map<string, string>()
    for (const member of members) {
      const on = dateIn(rng, member.checkInFrom, member.checkInTo)
      agenda.push({
        at: shanghai(on, "10:00"),
        order: agenda.length,
        act: Effect.map(
          run(
            Party.commands.checkIn({
              district,
              member: member.id,
              community: member.community,
              ...(member.grid === undefined ? {} : { grid: member.grid }),
              pledge: pick(rng, PLEDGES),
              checkedInOn: on
            }),
            member.recorder
          ),
          ({ id }) => {
            checkIns.set(member.id, id)
          }
        )
      })
      const dayAfter = new Date(Date.parse(`${on}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
      for (let s = dayAfter <= YEAR.to ? rng.int(0, MOST_SERVICES) : 0; s > 0; s--) {
        const servedOn = dateIn(rng, dayAfter, YEAR.to)
        const [what, hours] = pick(rng, SERVICES)
        const spent = pick(rng, hours)
        agenda.push({
          at: shanghai(servedOn, "18:00"),
          order: agenda.length,
          act: Effect.suspend(() =>
            run(
              Party.commands.recordService({
                district,
                checkIn: checkIns.get(member.id)!,
                servedOn,
                what,
                hours: spent
              }),
              member.recorder
            )
          )
        })
      }
    }
    agenda.sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order)
    for (const entry of agenda) {
      yield* setClock(entry.at)
      yield* entry.act
    }

    // The year's figures, as the organisation department reads them on 31 December.
    yield* setClock(shanghai(YEAR.to, "20:00"))
    const tree = yield* kernel.run(Party.queries.organisations({ district }), office)
    const kindOf = new Map(tree.map((o) => [o.id, o.kind]))
    const count = <K extends string>(keys: ReadonlyArray<K>, of: ReadonlyArray<K>) =>
      Object.fromEntries(keys.map((k) => [k, of.filter((x) => x === k).length])) as Record<K, number>
    const kinds = ["working_committee", "general_branch", "branch"] as const
    const branches = tree.filter((o) => o.kind === "branch")
    const cells = { grids: places.grids.length, cells: 0, central: 0, neighbours: 0 }
    let sampleCell: CellEntry | null = null
    for (const grid of places.grids) {
      const cell = yield* kernel.run(Party.queries.cell({ district, grid: grid.code }), office)
      if (cell === null) continue
      cells.cells++
      cells.central += cell.centralHouseholds.length
      cells.neighbours += cell.centralHouseholds.reduce((n, c) => n + c.neighbours.length, 0)
      if (sampleCell === null && newGrids.has(grid.code)) {
        sampleCell = yield* kernel.run(Party.queries.cell({ district, grid: grid.code }), gridWorker(grid.code))
      }
    }
    const sampleGrid = places.grids.find((g) => g.code === sampleCell?.grid) ?? places.grids[0]!
    return {
      organisations: count(
        kinds,
        tree.map((o) => o.kind)
      ),
      branchesUnder: count(
        [...kinds, "none"] as const,
        branches.map((b) => (b.parent === null ? "none" : kindOf.get(b.parent)!))
      ),
      committees: yield* kernel.run(Party.queries.committees({ district }), office),
      cells,
      sampleCell,
      members: count(
        ["resident", "in_unit", "pocket"] as const,
        (yield* kernel.run(Party.queries.members({ district }), office)).map((m) => m.kind)
      ),
      checkIns: yield* kernel.run(Party.queries.checkInFigures({ district, from: YEAR.from, to: YEAR.to }), office),
      pledges: (yield* kernel.run(
        Party.queries.pledges({ district, community: pathCodes(sampleGrid.scopePath).community, on: YEAR.to }),
        office
      )).slice(0, 3)
    }
  })
  const result = await replay(program)
  return { ...result, commands, seconds: (performance.now() - started) / 1000 }
}

/** `items` cut into `parts` runs in order, as even as the counts allow (every run non-empty when it can be). */
const cutRuns = <A>(items: ReadonlyArray<A>, parts: number): ReadonlyArray<ReadonlyArray<A>> => {
  const sizes = apportion(
    items.length,
    Array.from({ length: Math.min(parts, items.length) }, () => 1),
    1
  )
  const runs: Array<ReadonlyArray<A>> = []
  let at = 0
  for (const size of sizes) {
    runs.push(items.slice(at, at + size))
    at += size
  }
  return runs
}

/** A grid's households in roster order (building, unit, flat), with their members and ids. */
const homesOf = (kernel: Kernel, district: string, grid: PopulationRow, reader: Actor.Actor) =>
  Effect.map(kernel.run(Registry.queries.roster({ district, grid: grid.code }), reader), (roster) => {
    const homes = new Map<string, { id: string; number: string; members: Array<RosterEntry> }>()
    for (const entry of roster) {
      if (entry.householdId === null || entry.household === null) continue
      const home = homes.get(entry.householdId) ?? { id: entry.householdId, number: entry.household, members: [] }
      home.members.push(entry)
      homes.set(entry.householdId, home)
    }
    return [...homes.values()] satisfies ReadonlyArray<Home>
  })
