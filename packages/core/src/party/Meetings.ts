/**
 * Party meetings (三会一课, PartyMeeting): the branch members' meeting, the
 * branch committee meeting, the party group meeting of a grid party cell, and
 * the party lecture, each recorded with who was present, absent or excused,
 * from which an organisation's attendance rate for any period is computed.
 *
 * A party group meeting is recorded in its cell's grid, so the grid's staff
 * record it; the others at the organisation's place. Its list is checked
 * against the organisation's membership on its date, kept as the members'
 * dated attachments: a member left off is refused, and so is a stranger.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { sql } from "kysely"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import type { Problem } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command, query } from "../Plugin.js"
import { authorize } from "../Policy.js"
import { GridCode, IsoDate, todayInChina } from "../registry/Places.js"
import {
  type CellRow,
  cellOfGrid,
  notAfter,
  type OrganisationRow,
  organisationRow,
  organisationTree,
  orderedPeriod,
  subtree
} from "./lookups.js"
import { byCodePoint } from "./order.js"
import { readable } from "./readable.js"
import { PartyCode, problem, refuseAny } from "./Refused.js"
import {
  Attendance,
  MeetingKind,
  meetingKindLabels,
  type OrganisationKind,
  organisationKindLabels
} from "./Vocabulary.js"

// A working committee leads organisations; the meetings of 三会一课 but the lecture are a branch's.
const heldBy: { readonly [K in MeetingKind]: ReadonlyArray<OrganisationKind> } = {
  branch_members: ["general_branch", "branch"],
  branch_committee: ["general_branch", "branch"],
  party_group: ["branch"],
  party_lecture: ["working_committee", "general_branch", "branch"]
}

/** What the meeting is held by: the organisation and, for a party group meeting, its cell. */
interface Holder {
  readonly organisation: OrganisationRow
  readonly cell: CellRow | undefined
}

const holderOf = (input: {
  readonly district: string
  readonly organisation: string
  readonly grid?: string | undefined
}) =>
  Effect.all({
    organisation: organisationRow(input.district, input.organisation),
    cell: input.grid === undefined ? Effect.succeed(undefined) : cellOfGrid(input.district, input.grid)
  })

/** The problems of holding a meeting of `kind` by this holder on a date. */
const holderProblems = (kind: MeetingKind, { organisation, cell }: Holder, on: string): ReadonlyArray<Problem> => {
  const label = meetingKindLabels[kind]
  const problems: Array<Problem> = []
  if (!heldBy[kind].includes(organisation.kind)) {
    problems.push(
      problem("kind", PartyCode.MeetingNotForOrganisation, {
        "zh-CN": `${organisationKindLabels[organisation.kind]["zh-CN"]}不召开${label["zh-CN"]}`,
        en: `A ${organisationKindLabels[organisation.kind].en.toLowerCase()} does not hold a ${label.en.toLowerCase()}`
      })
    )
  }
  if ((kind === "party_group") !== (cell !== undefined)) {
    problems.push(
      problem("grid", PartyCode.MeetingNotForOrganisation, {
        "zh-CN": "党小组会由网格党小组召开，须注明网格；其他会议不注明网格",
        en: "A party group meeting is held by a grid's party cell, named by its grid; no other meeting names a grid"
      })
    )
  } else if (cell !== undefined && cell.organisation_id !== organisation.id) {
    problems.push(
      problem("grid", PartyCode.NotABranch, {
        "zh-CN": `${cell.name}不属于${organisation.name}`,
        en: `${cell.name} does not belong to ${organisation.name}`
      })
    )
  }
  if (organisation.dissolved_on !== null && organisation.dissolved_on <= on) {
    problems.push(
      problem("organisation", PartyCode.OrganisationDissolved, {
        "zh-CN": `${organisation.name} 已于 ${organisation.dissolved_on} 撤销`,
        en: `${organisation.name} was dissolved on ${organisation.dissolved_on}`
      })
    )
  }
  return problems
}

/**
 * A member as a meeting's roll names them: `name` is `null` when the person's
 * own record lies outside the reader's scope.
 *
 * @since 0.3.0
 */
export interface RollEntry {
  readonly member: string
  readonly person: string
  readonly name: string | null
}

/**
 * The members of an organisation on a date, with those of the organisations it
 * leads: attached to one of them that day, and alive.
 */
const membersOn = (district: string, organisation: string, on: string, action: string) =>
  Effect.gen(function* () {
    const led = [...subtree(yield* organisationTree(district), organisation)]
    const visible = yield* readable(action)
    const rows = yield* Db.use((db) =>
      db
        .selectFrom("party_member_attachment as a")
        .innerJoin("party_member as m", (j) =>
          j.onRef("m.district_code", "=", "a.district_code").onRef("m.id", "=", "a.member_id")
        )
        .leftJoin("registry_person as p", (j) =>
          j.onRef("p.district_code", "=", "m.district_code").onRef("p.id", "=", "m.person_id")
        )
        .select([
          "a.member_id",
          "m.person_id",
          sql<string | null>`case when ${visible("p")} then p.name end`.as("name")
        ])
        .where("a.district_code", "=", district)
        .where("a.organisation_id", "in", led)
        .where("a.valid_from", "<=", on)
        .where((eb) => eb.or([eb("a.valid_to", "is", null), eb("a.valid_to", ">", on)]))
        .where((eb) => eb.or([eb("p.died_on", "is", null), eb("p.died_on", ">", on)]))
        .execute()
    )
    return rows
      .map((r): RollEntry => ({
        member: String(r.member_id),
        person: String(r.person_id),
        name: r.name === null ? null : String(r.name)
      }))
      .sort(
        (a, b) =>
          (a.name === null ? 1 : 0) - (b.name === null ? 1 : 0) ||
          byCodePoint(a.name ?? "", b.name ?? "") ||
          byCodePoint(a.member, b.member)
      )
  })

/**
 * Who a meeting expects on its date, and who may attend it: the members of
 * the organisation holding it and of those it leads; a party group meeting
 * expects those of them who lived in its cell's grid that day. A branch
 * committee meeting is its committee's (支委会), whose members the module does
 * not record: it expects nobody by name, and admits the branch's members.
 */
const rollOf = (district: string, kind: MeetingKind, { organisation, cell }: Holder, on: string, action: string) =>
  Effect.gen(function* () {
    const admitted = yield* membersOn(district, organisation.id, on, action)
    if (kind === "branch_committee") return { admitted, expected: [] as ReadonlyArray<RollEntry> }
    if (cell === undefined) return { admitted, expected: admitted }
    // Where each member lived that day, and that place's grid that day, as Registry.gridOf answers for one
    // resident: here for the branch's members at once, in one statement.
    const persons = [...new Set(admitted.map((m) => m.person))]
    const rows =
      persons.length === 0
        ? []
        : yield* Db.use((db) =>
            db
              .selectFrom("registry_residence as r")
              .innerJoin("registry_dwelling as d", (j) =>
                j.onRef("d.district_code", "=", "r.district_code").onRef("d.id", "=", "r.dwelling_id")
              )
              .innerJoin("registry_building_grid as bg", (j) =>
                j
                  .onRef("bg.district_code", "=", "d.district_code")
                  .onRef("bg.building_id", "=", "d.building_id")
                  .on("bg.valid_from", "<=", on)
                  .on((eb) => eb.or([eb("bg.valid_to", "is", null), eb("bg.valid_to", ">", on)]))
              )
              .select("r.person_id")
              .where("r.district_code", "=", district)
              .where("r.person_id", "in", persons)
              .where("r.valid_from", "<=", on)
              .where((eb) => eb.or([eb("r.valid_to", "is", null), eb("r.valid_to", ">", on)]))
              .where("bg.grid_id", "=", cell.grid_id)
              .execute()
          )
    const living = new Set(rows.map((r) => String(r.person_id)))
    return { admitted, expected: admitted.filter((m) => living.has(m.person)) }
  })

/**
 * Records a meeting of 三会一课 with how everyone attended. The list is
 * checked against the organisation's membership on the meeting's date: every
 * member expected (see {@link roll}) is on it, present, absent or excused, and
 * nobody else is, but for the members of a branch at its committee's meeting.
 * Everyone missing and every stranger is listed in one refusal.
 *
 * @since 0.3.0
 */
export const recordMeeting = command({
  input: Schema.Struct({
    district: DistrictCode,
    organisation: Schema.UUID,
    kind: MeetingKind,
    /** For a party group meeting: the grid whose party cell met. */
    grid: Schema.optional(GridCode),
    heldOn: IsoDate,
    topic: Schema.NonEmptyTrimmedString,
    /** Everyone expected, each once. */
    attendance: Schema.NonEmptyArray(Schema.Struct({ member: Schema.UUID, status: Attendance }))
  }),
  load: holderOf,
  target: (input, { organisation, cell }) => ({
    district: input.district,
    scopePath: cell?.scope_path ?? organisation.scope_path
  }),
  run: (input, holder) =>
    Effect.gen(function* () {
      const { organisation, cell } = holder
      const today = yield* todayInChina
      const problems: Array<Problem> = [...holderProblems(input.kind, holder, input.heldOn)]
      const ids = input.attendance.map((a) => a.member)
      const known = new Set(
        (yield* Db.use((db) =>
          db
            .selectFrom("party_member")
            .select("id")
            .where("district_code", "=", input.district)
            .where("id", "in", [...new Set(ids)])
            .execute()
        )).map((m) => String(m.id))
      )
      const { admitted, expected } = yield* rollOf(input.district, input.kind, holder, input.heldOn, "recordMeeting")
      const members = new Set(admitted.map((m) => m.member))
      const roll = new Set(expected.map((m) => m.member))
      input.attendance.forEach(({ member }, i) => {
        const path = `attendance[${i}].member`
        if (ids.indexOf(member) !== i) {
          problems.push(
            problem(path, PartyCode.Twice, { "zh-CN": "同一党员重复列出", en: "The member is listed twice" })
          )
        } else if (!known.has(member)) {
          problems.push(
            problem(path, PartyCode.Unknown, { "zh-CN": `没有这名党员：${member}`, en: `There is no member ${member}` })
          )
        } else if (!members.has(member)) {
          problems.push(
            problem(path, PartyCode.AttendeeNotAMember, {
              "zh-CN": `${input.heldOn} 该党员不属于${organisation.name}或其下级组织`,
              en: `On ${input.heldOn} the member belonged neither to ${organisation.name} nor to an organisation it leads`
            })
          )
        } else if (cell !== undefined && !roll.has(member)) {
          problems.push(
            problem(path, PartyCode.AttendeeNotAMember, {
              "zh-CN": `${input.heldOn} 该党员不住在${cell.name}所在网格`,
              en: `On ${input.heldOn} the member did not live in the grid of ${cell.name}`
            })
          )
        }
      })
      const listed = new Set(ids)
      for (const missing of expected.filter((m) => !listed.has(m.member))) {
        const who = missing.name ?? missing.member
        problems.push(
          problem("attendance", PartyCode.AttendanceIncomplete, {
            "zh-CN": `应到党员 ${who} 未列入出席名单：请记为出席、缺席或请假`,
            en: `Member ${who} is expected but not on the list: record them present, absent or excused`
          })
        )
      }
      problems.push(...notAfter("heldOn", input.heldOn, today))
      yield* refuseAny(problems, organisation.id)

      const id = yield* Ids.next
      const path = cell?.scope_path ?? organisation.scope_path
      yield* Db.use((db) =>
        db
          .insertInto("party_meeting")
          .values({
            district_code: input.district,
            id,
            organisation_id: organisation.id,
            cell_id: cell?.id ?? null,
            grid_id: cell?.grid_id ?? null,
            kind: input.kind,
            held_on: input.heldOn,
            topic: input.topic,
            scope_path: path
          })
          .execute()
      )
      yield* Db.use((db) =>
        db
          .insertInto("party_meeting_attendance")
          .values(
            input.attendance.map((a) => ({
              district_code: input.district,
              meeting_id: id,
              member_id: a.member,
              status: a.status
            }))
          )
          .execute()
      )
      const count = (status: Attendance) => input.attendance.filter((a) => a.status === status).length
      yield* Events.append({
        type: "party.meeting-recorded",
        district: input.district,
        scopePath: path,
        subject: id,
        payload: {
          organisation: organisation.id,
          kind: input.kind,
          heldOn: input.heldOn,
          present: count("present"),
          absent: count("absent"),
          excused: count("excused")
        }
      })
      return { id }
    })
})

/**
 * An organisation's meetings and attendance in a period.
 *
 * @since 0.3.0
 */
export interface AttendanceFigures {
  readonly organisation: string
  readonly name: string
  readonly kind: OrganisationKind
  readonly meetings: number
  readonly present: number
  readonly absent: number
  readonly excused: number
  /** Present over everyone expected (excused included), 0 to 1; `null` when nobody was expected. */
  readonly rate: number | null
}

/**
 * Meetings and attendance by organisation for a period (both dates included),
 * counting the meetings the reader's scope holds; organisations by place, then name.
 *
 * @example
 * ```ts
 * const rows = await kernel.exec(
 *   Party.queries.attendance({ district: "230503", from: "2020-01-01", to: "2020-06-30" }),
 *   actor
 * )
 * ```
 * @since 0.3.0
 */
export const attendance = query({
  input: orderedPeriod(
    Schema.Struct({ district: DistrictCode, organisation: Schema.optional(Schema.UUID), from: IsoDate, to: IsoDate })
  ),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.gen(function* () {
      const meetings = yield* Db.use((db) =>
        db
          .selectFrom("party_meeting as pm")
          .innerJoin("party_organisation as o", (j) =>
            j.onRef("o.district_code", "=", "pm.district_code").onRef("o.id", "=", "pm.organisation_id")
          )
          .select((eb) => ["o.id", "o.name", "o.kind", "o.scope_path", eb.fn.countAll<number>().as("meetings")])
          .where("pm.district_code", "=", input.district)
          .where("pm.held_on", ">=", input.from)
          .where("pm.held_on", "<=", input.to)
          .$if(input.organisation !== undefined, (q) => q.where("pm.organisation_id", "=", input.organisation!))
          .groupBy(["o.id", "o.name", "o.kind", "o.scope_path"])
          .execute()
      )
      const statuses = yield* Db.use((db) =>
        db
          .selectFrom("party_meeting as pm")
          .innerJoin("party_meeting_attendance as a", (j) =>
            j.onRef("a.district_code", "=", "pm.district_code").onRef("a.meeting_id", "=", "pm.id")
          )
          .select((eb) => ["pm.organisation_id", "a.status", eb.fn.countAll<number>().as("n")])
          .where("pm.district_code", "=", input.district)
          .where("pm.held_on", ">=", input.from)
          .where("pm.held_on", "<=", input.to)
          .$if(input.organisation !== undefined, (q) => q.where("pm.organisation_id", "=", input.organisation!))
          .groupBy(["pm.organisation_id", "a.status"])
          .execute()
      )
      const place = new Map(meetings.map((m) => [String(m.id), String(m.scope_path)]))
      return meetings
        .map((m): AttendanceFigures => {
          const n = (status: Attendance) =>
            Number(statuses.find((s) => String(s.organisation_id) === String(m.id) && s.status === status)?.n ?? 0)
          const [present, absent, excused] = [n("present"), n("absent"), n("excused")]
          const expected = present + absent + excused
          return {
            organisation: String(m.id),
            name: String(m.name),
            kind: m.kind as OrganisationKind,
            meetings: Number(m.meetings),
            present,
            absent,
            excused,
            rate: expected === 0 ? null : present / expected
          }
        })
        .sort(
          (a, b) =>
            byCodePoint(place.get(a.organisation)!, place.get(b.organisation)!) ||
            byCodePoint(a.name, b.name) ||
            byCodePoint(a.organisation, b.organisation)
        )
    })
})

/**
 * The roll of a meeting (应到党员): the members it expects on a date, as
 * {@link recordMeeting} checks its list, for the recorder to mark each one
 * present, absent or excused. A branch committee meeting's roll is empty: its
 * committee is not recorded, and any member of the branch may be listed.
 *
 * @example
 * ```ts
 * const roll = await kernel.exec(
 *   Party.queries.roll({ district: "230503", organisation: branch, kind: "party_group", grid: "230503001001001", on: "2020-05-08" }),
 *   gridWorker
 * )
 * ```
 * @since 0.3.0
 */
export const roll = query({
  input: Schema.Struct({
    district: DistrictCode,
    organisation: Schema.UUID,
    kind: MeetingKind,
    grid: Schema.optional(GridCode),
    on: IsoDate
  }),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.gen(function* () {
      const holder = yield* holderOf(input)
      // The roll names members: it is read where the meeting is recorded.
      yield* authorize("party.roll", {
        district: input.district,
        scopePath: holder.cell?.scope_path ?? holder.organisation.scope_path
      })
      yield* refuseAny(holderProblems(input.kind, holder, input.on), holder.organisation.id)
      return (yield* rollOf(input.district, input.kind, holder, input.on, "roll")).expected
    })
})
