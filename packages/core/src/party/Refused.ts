/**
 * The party module's refusals: every rule of the party organisation a command
 * would break, named by a stable code, with the reason in both languages.
 * A command checks everything it can before it refuses, so one refusal lists
 * every problem of the input, each with its path; nothing was written.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { Problem, Text } from "../Errors.js"

/**
 * The party module's rules, by stable code.
 *
 * @since 0.3.0
 */
export const PartyCode = {
  /** Another organisation with this name sits at the same place. */
  OrganisationNameTaken: "PARTY.ORGANISATION_NAME_TAKEN",
  /** The parent's kind may not lead this kind of organisation (a branch under a branch). */
  WrongParentKind: "PARTY.WRONG_PARENT_KIND",
  /** The parent sits below the organisation's place, or beside it. */
  OutsideParentScope: "PARTY.OUTSIDE_PARENT_SCOPE",
  /** The new parent is the organisation itself or one of the organisations it leads. */
  OrganisationCycle: "PARTY.ORGANISATION_CYCLE",
  /** Another grand party committee has this name. */
  CommitteeNameTaken: "PARTY.COMMITTEE_NAME_TAKEN",
  /** The community is already under a grand party committee. */
  CommunityInCommittee: "PARTY.COMMUNITY_IN_COMMITTEE",
  /** The list names the same community, household, item or member twice. */
  Twice: "PARTY.LISTED_TWICE",
  /** The community, household or member does not exist. */
  Unknown: "PARTY.UNKNOWN",
  /** The member unit's branch is already in a grand party committee. */
  BranchJoined: "PARTY.BRANCH_ALREADY_JOINED",
  /** The member unit has already left the committee. */
  UnitLeft: "PARTY.UNIT_ALREADY_LEFT",
  /** An end date lies before the start it ends. */
  EndBeforeStart: "PARTY.END_BEFORE_START",
  /** A change is dated before the dated record it changes began (a member's attachment, a community's committee). */
  DateBeforeHistory: "PARTY.DATE_BEFORE_HISTORY",
  /** A date lies after today: record what happened on or after the day it does. */
  DateInFuture: "PARTY.DATE_IN_FUTURE",
  /** The grid already has its party cell. */
  CellExists: "PARTY.CELL_EXISTS",
  /** The grid was retired by a re-districting. */
  GridRetired: "PARTY.GRID_RETIRED",
  /** A party cell belongs to a branch, and a party group meeting to a cell of the branch holding it. */
  NotABranch: "PARTY.NOT_A_BRANCH",
  /** The grid lies outside the place of the branch, or of the community. */
  GridOutside: "PARTY.GRID_OUTSIDE",
  /** The cell has as many central households as the district allows (3 unless set otherwise). */
  CentralHouseholdsFull: "PARTY.CENTRAL_HOUSEHOLDS_FULL",
  /** The household does not live in the cell's grid. */
  HouseholdOutsideGrid: "PARTY.HOUSEHOLD_OUTSIDE_GRID",
  /** The member does not live in the household. */
  MemberNotInHousehold: "PARTY.MEMBER_NOT_IN_HOUSEHOLD",
  /** The household is already a central household of the cell. */
  AlreadyCentral: "PARTY.ALREADY_CENTRAL_HOUSEHOLD",
  /** The central household was stood down; it looks after no one. */
  CentralHouseholdEnded: "PARTY.CENTRAL_HOUSEHOLD_ENDED",
  /** A neighbouring household lives outside the central household's grid. */
  NeighbourOutsideGrid: "PARTY.NEIGHBOUR_OUTSIDE_GRID",
  /** A central household does not look after itself. */
  NeighbourIsSelf: "PARTY.NEIGHBOUR_IS_SELF",
  /** The person is already registered as a party member. */
  AlreadyMember: "PARTY.ALREADY_A_MEMBER",
  /** A member in the pocket is attached to no organisation. */
  PocketAttached: "PARTY.POCKET_MEMBER_ATTACHED",
  /** A member working in a member unit is attached to the unit's organisation. */
  OrganisationRequired: "PARTY.ORGANISATION_REQUIRED",
  /** The member is checked in with a community and has not ended it. */
  AlreadyCheckedIn: "PARTY.ALREADY_CHECKED_IN",
  /** The check-in has ended. */
  CheckInEnded: "PARTY.CHECK_IN_ENDED",
  /** The service lies outside the dates of the check-in it is recorded under. */
  ServiceOutsideCheckIn: "PARTY.SERVICE_OUTSIDE_CHECK_IN",
  /** A scheme's period ends before it starts. */
  PeriodReversed: "PARTY.PERIOD_REVERSED",
  /** A scheme's star thresholds do not rise from 1 star to 5. */
  ThresholdsNotAscending: "PARTY.THRESHOLDS_NOT_ASCENDING",
  /** A threshold is above the most a member can score under the scheme. */
  ThresholdUnreachable: "PARTY.THRESHOLD_UNREACHABLE",
  /** Another scheme with this name is defined at the same place. */
  SchemeNameTaken: "PARTY.SCHEME_NAME_TAKEN",
  /** The scheme has no item with this code. */
  UnknownItem: "PARTY.UNKNOWN_ITEM",
  /** The points are above the item's maximum. */
  ScoreAboveMaximum: "PARTY.SCORE_ABOVE_MAXIMUM",
  /** The date scored lies outside the scheme's period. */
  ScoreOutsidePeriod: "PARTY.SCORE_OUTSIDE_PERIOD",
  /** The member is recorded outside the place the scheme is defined for. */
  MemberOutsideScheme: "PARTY.MEMBER_OUTSIDE_SCHEME",
  /** This kind of meeting is not held by this kind of organisation (or a party group meeting without its cell). */
  MeetingNotForOrganisation: "PARTY.MEETING_NOT_FOR_ORGANISATION",
  /** The attendee was not a member of the organisation holding the meeting, or of one it leads, on its date. */
  AttendeeNotAMember: "PARTY.ATTENDEE_NOT_A_MEMBER",
  /** A member expected at the meeting is missing from its attendance list. */
  AttendanceIncomplete: "PARTY.ATTENDANCE_INCOMPLETE",
  /** The organisation was dissolved: nothing joins it, meets in it or is led by it any more. */
  OrganisationDissolved: "PARTY.ORGANISATION_DISSOLVED",
  /** The organisation still has members attached to it: transfer them first. */
  OrganisationHasMembers: "PARTY.ORGANISATION_HAS_MEMBERS",
  /** The organisation still leads organisations that are not dissolved: move or dissolve them first. */
  OrganisationHasChildren: "PARTY.ORGANISATION_HAS_CHILDREN",
  /** The branch still has grid party cells: move them to another branch first. */
  OrganisationHasCells: "PARTY.ORGANISATION_HAS_CELLS",
  /** The organisation is a member unit's, still in a grand party committee: it leaves first. */
  OrganisationInCommittee: "PARTY.ORGANISATION_IN_COMMITTEE",
  /** A member is attached to an organisation from before the day they joined the party. */
  AttachedBeforeJoining: "PARTY.ATTACHED_BEFORE_JOINING",
  /** The community is not under this grand party committee. */
  CommunityNotInCommittee: "PARTY.COMMUNITY_NOT_IN_COMMITTEE",
  /** A grand party committee keeps at least one community. */
  CommitteeWithoutCommunity: "PARTY.COMMITTEE_WITHOUT_COMMUNITY",
  /** Scores were entered under the scheme: only its name and its items' names may change. */
  SchemeScored: "PARTY.SCHEME_SCORED"
} as const

/** @since 0.3.0 */
export type PartyCode = (typeof PartyCode)[keyof typeof PartyCode]

/**
 * A command broke a rule of the party organisation; nothing was written.
 * `code` names the first rule broken, `problems` lists every problem found,
 * each with the input's path it is at (`households[2]`).
 *
 * @since 0.3.0
 */
export class PartyRefused extends Schema.TaggedError<PartyRefused>()("PartyRefused", {
  code: Schema.String,
  /** The record the rule was checked on, when there is one. */
  subject: Schema.optional(Schema.String),
  reason: Text,
  problems: Schema.Array(Problem)
}) {
  get text(): Text {
    return this.reason
  }
  override get message() {
    const lines = this.problems.length > 1 ? this.problems.map((p) => `${p.path}: ${p.en}`) : []
    return [`[${this.code}] ${this.reason.en} / ${this.reason["zh-CN"]}`, ...lines].join("\n")
  }
}

/**
 * One problem at one path of the input.
 *
 * @since 0.3.0
 */
export const problem = (path: string, code: PartyCode, reason: Text): Problem => ({ path, code, ...reason })

/**
 * Refuses with one rule.
 *
 * @since 0.3.0
 */
export const refused = (code: PartyCode, reason: Text, subject?: string): PartyRefused =>
  new PartyRefused({
    code,
    reason,
    problems: [problem("", code, reason)],
    ...(subject === undefined ? {} : { subject })
  })

/**
 * Refuses with every problem found; the first names the refusal.
 *
 * @since 0.3.0
 */
export const refusedAll = (problems: readonly [Problem, ...Array<Problem>], subject?: string): PartyRefused =>
  new PartyRefused({
    code: problems[0].code,
    reason:
      problems.length === 1
        ? { "zh-CN": problems[0]["zh-CN"], en: problems[0].en }
        : {
            "zh-CN": `输入有 ${problems.length} 处问题，未作任何改动`,
            en: `The input has ${problems.length} problems; nothing was changed`
          },
    problems,
    ...(subject === undefined ? {} : { subject })
  })

/**
 * Succeeds when nothing was found wrong, else refuses with every problem.
 *
 * @since 0.3.0
 */
export const refuseAny = (problems: ReadonlyArray<Problem>, subject?: string): Effect.Effect<void, PartyRefused> => {
  const [first, ...rest] = problems
  return first === undefined ? Effect.void : Effect.fail(refusedAll([first, ...rest], subject))
}
