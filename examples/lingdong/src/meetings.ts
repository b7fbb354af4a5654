/**
 * 三会一课 in 2020: a few of the community branches hold their regular
 * meetings, March to December (the Spring Festival break and the epidemic
 * kept them from meeting in January and February). Each branch holds its
 * members' meeting (支部党员大会) and its party lecture (党课) each quarter,
 * its committee (支委会) each month, and each of its grid party cells its
 * party group meeting (党小组会) each month, in the grid. The recorder reads
 * the meeting's roll from the kernel (the members it expects that day) and
 * marks each of them present, absent or excused; the branch committee is its
 * first three members. The attendance rates returned are the kernel's
 * `attendance` query's, and what each member attended is the evidence the
 * star rating scores organisational life on.
 */
import {
  type Actor,
  type AttendanceFigures,
  type CommandRequest,
  type Kernel,
  type OrganisationEntry,
  Party,
  type PartyVocabulary,
  type PopulationRow
} from "@shequ/core"
import { Effect } from "effect"
import { makeRng, mix, type Rng } from "./generator/random.js"
import { replay, setClock, shanghai, workingDaysBetween, YEAR } from "./replay.js"
import { pathCodes, staffIds } from "./staff.js"

/** The random stream of the meetings stage. */
const STREAM = 14

/** Branches that record their meetings at scale 1; fewer below, never none. */
export const MEETING_BRANCHES = 4

/** How a member expected at a meeting attended it: mostly present, sometimes excused, now and then absent. */
const STATUSES: ReadonlyArray<readonly [Attendance, number]> = [
  ["present", 0.86],
  ["excused", 0.1],
  ["absent", 0.04]
]

/** The months each kind of meeting is held in, and its topics. */
const SCHEDULE: ReadonlyArray<{
  readonly kind: MeetingKind
  readonly months: ReadonlyArray<number>
  readonly topics: ReadonlyArray<string>
}> = [
  {
    kind: "branch_members",
    months: [3, 6, 9, 12],
    topics: [
      "学习疫情防控要求，部署党员志愿服务",
      "学习党章，开展主题党日",
      "民主评议党员",
      "总结全年工作，开展星级党员评定"
    ]
  },
  {
    kind: "party_lecture",
    months: [4, 7, 10, 12],
    topics: ["党课：抗击疫情中的党员担当", "党课：庆祝建党99周年", "党课：社区治理与党建引领", "党课：全面建成小康社会"]
  },
  {
    kind: "branch_committee",
    months: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    topics: ["研究本月支部工作", "研究党员报到和志愿服务安排", "研究发展党员工作"]
  },
  {
    kind: "party_group",
    months: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    topics: ["走访独居老人", "清理楼道杂物", "收集居民微心愿", "宣传垃圾分类", "冬季清雪分工"]
  }
]

/** What each member was expected at and attended, for the star rating's evidence. */
export interface MemberAttendance {
  readonly expected: number
  readonly present: number
  readonly absent: number
  /** Party lectures attended. */
  readonly lectures: number
}

/** What the meetings stage did; the figures are the kernel's. */
export interface MeetingsResult {
  readonly seconds: number
  readonly commands: number
  /** The branches that recorded their meetings. */
  readonly branches: ReadonlyArray<{ readonly id: string; readonly name: string; readonly community: string }>
  /** The year's meetings and attendance by organisation, as the kernel's `attendance` query gives them. */
  readonly attendance: ReadonlyArray<AttendanceFigures>
  /** What each member of those branches was expected at and attended, by member id. */
  readonly byMember: ReadonlyMap<string, MemberAttendance>
}

type MeetingKind = PartyVocabulary.MeetingKind
type Attendance = PartyVocabulary.Attendance

/** The year's meetings and attendance of these organisations, as the kernel's `attendance` query gives them. */
export const readAttendance = (
  kernel: Kernel,
  district: string,
  organisations: ReadonlyArray<string>,
  reader: Actor.Actor
): Effect.Effect<ReadonlyArray<AttendanceFigures>, unknown> =>
  Effect.map(kernel.run(Party.queries.attendance({ district, from: YEAR.from, to: YEAR.to }), reader), (rows) =>
    rows.filter((row) => organisations.includes(row.organisation))
  )

const drawStatus = (rng: Rng): Attendance => {
  let r = rng.next()
  for (const [status, p] of STATUSES) {
    r -= p
    if (r < 0) return status
  }
  return "present"
}

/** Runs the meetings stage. */
export const runMeetings = async (
  kernel: Kernel,
  options: { readonly seed: number; readonly scale: number },
  places: { readonly district: string; readonly grids: ReadonlyArray<PopulationRow> }
): Promise<MeetingsResult> => {
  const started = performance.now()
  const rng = makeRng(mix(options.seed, STREAM))
  const { district } = places
  const office = await kernel.actorFor(staffIds.districtOffice)
  let commands = 0
  const record = <A, E>(request: CommandRequest<A, E>, actor: Actor.Actor) =>
    Effect.tap(kernel.run(request, actor), () => {
      commands++
    })

  // The community branches, each with the grids of its cells; a few of them, drawn from the seed.
  const tree = await kernel.exec(Party.queries.organisations({ district }), office)
  const cellsOf = new Map<string, Array<string>>()
  for (const grid of places.grids) {
    const cell = await kernel.exec(Party.queries.cell({ district, grid: grid.code }), office)
    if (cell !== null) cellsOf.set(cell.branch.id, [...(cellsOf.get(cell.branch.id) ?? []), grid.code])
  }
  const withCells = tree.filter((o): o is OrganisationEntry => o.kind === "branch" && cellsOf.has(o.id))
  const count = Math.min(withCells.length, Math.max(1, Math.round(MEETING_BRANCHES * options.scale)))
  const branches: Array<(typeof withCells)[number]> = []
  const pool = [...withCells]
  while (branches.length < count) branches.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]!)
  branches.sort((a, b) => (a.scopePath < b.scopePath ? -1 : a.scopePath > b.scopePath ? 1 : a.name < b.name ? -1 : 1))

  const days = workingDaysBetween(YEAR.from, YEAR.to)
  const dayIn = (month: number) => {
    const inMonth = days.filter((d) => Number(d.slice(5, 7)) === month && d <= "2020-12-25")
    return inMonth[rng.int(0, inMonth.length - 1)]!
  }
  interface Planned {
    readonly on: string
    readonly order: number
    readonly branch: (typeof branches)[number]
    readonly kind: MeetingKind
    readonly grid?: string
    readonly topic: string
  }
  const planned: Array<Planned> = []
  for (const branch of branches) {
    for (const { kind, months, topics } of SCHEDULE) {
      for (const [i, month] of months.entries()) {
        const topic = topics[i % topics.length]!
        if (kind === "party_group") {
          for (const grid of cellsOf.get(branch.id)!) {
            planned.push({ on: dayIn(month), order: planned.length, branch, kind, grid, topic })
          }
        } else {
          planned.push({ on: dayIn(month), order: planned.length, branch, kind, topic })
        }
      }
    }
  }
  planned.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.order - b.order))

  // Branch meetings are recorded by the community's secretary, a party group's by its grid's worker.
  const recorders = new Map<string, Actor.Actor>()
  for (const meeting of planned) {
    const id =
      meeting.grid === undefined
        ? staffIds.secretary(pathCodes(meeting.branch.scopePath).community)
        : staffIds.gridWorker(meeting.grid)
    if (!recorders.has(id)) recorders.set(id, await kernel.actorFor(id))
  }
  const byMember = new Map<string, { expected: number; present: number; absent: number; lectures: number }>()
  const program = Effect.gen(function* () {
    for (const meeting of planned) {
      yield* setClock(shanghai(meeting.on, "19:00"))
      const recorder = recorders.get(
        meeting.grid === undefined
          ? staffIds.secretary(pathCodes(meeting.branch.scopePath).community)
          : staffIds.gridWorker(meeting.grid)
      )!
      const holder = {
        district,
        organisation: meeting.branch.id,
        ...(meeting.grid === undefined ? {} : { grid: meeting.grid })
      }
      // The committee is the branch's first three members; every other meeting is recorded from its roll.
      const roll =
        meeting.kind === "branch_committee"
          ? (yield* kernel.run(
              Party.queries.roll({ ...holder, kind: "branch_members", on: meeting.on }),
              recorder
            )).slice(0, 3)
          : yield* kernel.run(Party.queries.roll({ ...holder, kind: meeting.kind, on: meeting.on }), recorder)
      if (roll.length === 0) continue
      const attendance = roll.map((entry) => ({ member: entry.member, status: drawStatus(rng) }))
      yield* record(
        Party.commands.recordMeeting({
          ...holder,
          kind: meeting.kind,
          heldOn: meeting.on,
          topic: meeting.topic,
          attendance: attendance as [(typeof attendance)[number], ...typeof attendance]
        }),
        recorder
      )
      for (const { member, status } of attendance) {
        const tally = byMember.get(member) ?? { expected: 0, present: 0, absent: 0, lectures: 0 }
        tally.expected++
        if (status === "present") tally.present++
        if (status === "absent") tally.absent++
        if (status === "present" && meeting.kind === "party_lecture") tally.lectures++
        byMember.set(member, tally)
      }
    }
    yield* setClock(shanghai(YEAR.to, "20:00"))
    return yield* readAttendance(
      kernel,
      district,
      branches.map((b) => b.id),
      office
    )
  })
  const attendance = await replay(program)
  return {
    seconds: (performance.now() - started) / 1000,
    commands,
    branches: branches.map((b) => ({ id: b.id, name: b.name, community: pathCodes(b.scopePath).community })),
    attendance,
    byMember
  }
}
