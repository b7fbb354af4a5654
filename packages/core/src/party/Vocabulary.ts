/**
 * The party module's closed word lists: kinds of party organisation, the three
 * ways a member is attached for check-in (报到), the four regular meetings of
 * 三会一课, how a member attended one, and why a central household stood down.
 * Each is a schema of codes plus their
 * zh-CN and en labels, which the module's `labels` publish under
 * `party.<list>.<code>`.
 *
 * @since 0.3.0
 */
import { Schema } from "effect"
import type { Text } from "../Errors.js"

/**
 * A kind of party organisation: a working committee (党工委), a general branch
 * (党总支) or a branch (党支部).
 *
 * @since 0.3.0
 */
export const OrganisationKind = Schema.Literal("working_committee", "general_branch", "branch")

/** @since 0.3.0 */
export type OrganisationKind = typeof OrganisationKind.Type

/** @since 0.3.0 */
export const organisationKindLabels: { readonly [K in OrganisationKind]: Text } = {
  working_committee: { "zh-CN": "党工委", en: "Working committee" },
  general_branch: { "zh-CN": "党总支", en: "General branch" },
  branch: { "zh-CN": "党支部", en: "Branch" }
}

/**
 * The kinds an organisation's parent may be, by the organisation's kind: a
 * working committee leads general branches and branches, a general branch leads
 * branches, and a branch leads no organisation (its party groups are the grid
 * party cells). A working committee may sit under another one (a street's
 * under the district's). An organisation without a parent is one whose parent
 * the district does not record.
 *
 * @since 0.3.0
 */
export const allowedParents: { readonly [K in OrganisationKind]: ReadonlyArray<OrganisationKind> } = {
  working_committee: ["working_committee"],
  general_branch: ["working_committee"],
  branch: ["working_committee", "general_branch"]
}

/**
 * How a member is attached, which decides how they check in with a community:
 * working in a member unit (在职党员), living here (居住地党员), or with their
 * membership in their pocket, attached to no organisation (口袋党员).
 *
 * @since 0.3.0
 */
export const MemberKind = Schema.Literal("in_unit", "resident", "pocket")

/** @since 0.3.0 */
export type MemberKind = typeof MemberKind.Type

/** @since 0.3.0 */
export const memberKindLabels: { readonly [K in MemberKind]: Text } = {
  in_unit: { "zh-CN": "在职党员", en: "Member working in a member unit" },
  resident: { "zh-CN": "居住地党员", en: "Member living here" },
  pocket: { "zh-CN": "口袋党员", en: "Member not attached anywhere" }
}

/**
 * The regular meetings and lecture of 三会一课: the branch members' meeting
 * (支部党员大会), the branch committee meeting (支委会), the party group meeting
 * (党小组会, held by a grid party cell) and the party lecture (党课).
 *
 * @since 0.3.0
 */
export const MeetingKind = Schema.Literal("branch_members", "branch_committee", "party_group", "party_lecture")

/** @since 0.3.0 */
export type MeetingKind = typeof MeetingKind.Type

/** @since 0.3.0 */
export const meetingKindLabels: { readonly [K in MeetingKind]: Text } = {
  branch_members: { "zh-CN": "支部党员大会", en: "Branch members' meeting" },
  branch_committee: { "zh-CN": "支委会", en: "Branch committee meeting" },
  party_group: { "zh-CN": "党小组会", en: "Party group meeting" },
  party_lecture: { "zh-CN": "党课", en: "Party lecture" }
}

/**
 * How a member attended a meeting: present, absent, or excused (请假).
 *
 * @since 0.3.0
 */
export const Attendance = Schema.Literal("present", "absent", "excused")

/** @since 0.3.0 */
export type Attendance = typeof Attendance.Type

/** @since 0.3.0 */
export const attendanceLabels: { readonly [K in Attendance]: Text } = {
  present: { "zh-CN": "出席", en: "Present" },
  absent: { "zh-CN": "缺席", en: "Absent" },
  excused: { "zh-CN": "请假", en: "Excused" }
}

/**
 * Why a central household stopped being one, or stopped being looked after by
 * one: the organisers stood it down (`decision`); it moved to a dwelling in
 * another grid (`moved-out-of-grid`); a re-districting put its building in
 * another grid (`grid-redrawn`); it moved out of the district whole or merged
 * into another household (`household-dissolved`); its party member moved away
 * from it (`member-left`) or died (`member-died`). A household looked after by
 * a central household is released for the first three of these.
 *
 * @since 0.3.0
 */
export const StandDownReason = Schema.Literal(
  "decision",
  "moved-out-of-grid",
  "grid-redrawn",
  "household-dissolved",
  "member-left",
  "member-died"
)

/** @since 0.3.0 */
export type StandDownReason = typeof StandDownReason.Type

/** @since 0.3.0 */
export const standDownReasonLabels: { readonly [K in StandDownReason]: Text } = {
  decision: { "zh-CN": "经研究卸任", en: "Stood down by decision" },
  "moved-out-of-grid": { "zh-CN": "迁出本网格", en: "Moved out of the grid" },
  "grid-redrawn": { "zh-CN": "楼栋划入其他网格", en: "Its building was put in another grid" },
  "household-dissolved": { "zh-CN": "该户已注销", en: "The household was dissolved" },
  "member-left": { "zh-CN": "党员已不在该户居住", en: "The member no longer lives in the household" },
  "member-died": { "zh-CN": "党员去世", en: "The member died" }
}

/** The labels of every list, keyed `party.<list>.<code>`, for the module's `labels`. @since 0.3.0 */
export const vocabularyLabels: Readonly<Record<string, Text>> = Object.fromEntries([
  ...Object.entries(organisationKindLabels).map(([code, label]) => [`party.organisation-kind.${code}`, label]),
  ...Object.entries(memberKindLabels).map(([code, label]) => [`party.member-kind.${code}`, label]),
  ...Object.entries(meetingKindLabels).map(([code, label]) => [`party.meeting-kind.${code}`, label]),
  ...Object.entries(attendanceLabels).map(([code, label]) => [`party.attendance.${code}`, label]),
  ...Object.entries(standDownReasonLabels).map(([code, label]) => [`party.stand-down-reason.${code}`, label])
])
