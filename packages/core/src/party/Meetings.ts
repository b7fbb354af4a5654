/**
 * Party meetings (三会一课, PartyMeeting): the branch members' meeting, the
 * branch committee meeting, the party group meeting of a grid party cell, and
 * the party lecture, each recorded with who was present, absent or excused,
 * from which an organisation's attendance rate for any period is computed.
 *
 * A party group meeting is recorded in its cell's grid, so the grid's staff
 * record it; the others at the organisation's place.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import type { Problem } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command, query } from "../Plugin.js"
import { GridCode, IsoDate, todayInChina } from "../registry/Places.js"
import { cellOfGrid, notAfter, organisationRow, organisationTree, orderedPeriod, subtree } from "./lookups.js"
import { byCodePoint } from "./order.js"
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

/**
 * Records a meeting of 三会一课 with everyone expected and how they attended;
 * each attendee is a member of the organisation holding it or of one it leads.
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
  load: (input) =>
    Effect.all({
      organisation: organisationRow(input.district, input.organisation),
      cell: input.grid === undefined ? Effect.succeed(undefined) : cellOfGrid(input.district, input.grid)
    }),
  target: (input, { organisation, cell }) => ({
    district: input.district,
    scopePath: cell?.scope_path ?? organisation.scope_path
  }),
  run: (input, { organisation, cell }) =>
    Effect.gen(function* () {
      const today = yield* todayInChina
      const kind = meetingKindLabels[input.kind]
      const problems: Array<Problem> = []
      if (!heldBy[input.kind].includes(organisation.kind)) {
        problems.push(
          problem("kind", PartyCode.MeetingNotForOrganisation, {
            "zh-CN": `${organisationKindLabels[organisation.kind]["zh-CN"]}不召开${kind["zh-CN"]}`,
            en: `A ${organisationKindLabels[organisation.kind].en.toLowerCase()} does not hold a ${kind.en.toLowerCase()}`
          })
        )
      }
      if ((input.kind === "party_group") !== (cell !== undefined)) {
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
      const ids = input.attendance.map((a) => a.member)
      const members = yield* Db.use((db) =>
        db
          .selectFrom("party_member")
          .select(["id", "organisation_id"])
          .where("district_code", "=", input.district)
          .where("id", "in", [...new Set(ids)])
          .execute()
      )
      const organisationOf = new Map(members.map((m) => [String(m.id), m.organisation_id as string | null]))
      const led = subtree(yield* organisationTree(input.district), organisation.id)
      input.attendance.forEach(({ member }, i) => {
        const path = `attendance[${i}].member`
        if (ids.indexOf(member) !== i) {
          problems.push(
            problem(path, PartyCode.Twice, { "zh-CN": "同一党员重复列出", en: "The member is listed twice" })
          )
        } else if (!organisationOf.has(member)) {
          problems.push(
            problem(path, PartyCode.Unknown, { "zh-CN": `没有这名党员：${member}`, en: `There is no member ${member}` })
          )
        } else {
          const attached = organisationOf.get(member)
          if (attached === null || attached === undefined || !led.has(attached)) {
            problems.push(
              problem(path, PartyCode.AttendeeNotAMember, {
                "zh-CN": `该党员不属于${organisation.name}或其下级组织`,
                en: `The member belongs neither to ${organisation.name} nor to an organisation it leads`
              })
            )
          }
        }
      })
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
