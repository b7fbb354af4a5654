/**
 * Grand party committees (社区大党委, PartyCommittee): a committee over one or
 * more communities, which the party branches of member units (驻区单位) join
 * and may leave, each on a date that is kept. The case set up 4, and sent 36
 * party organisations of 100+ units to them. A community is under one
 * committee at most at a time; communities are added to a committee and
 * removed from it on dates that are kept too. A committee answers to the place
 * that holds all its communities (the community itself, or their street), so
 * that place follows the communities it has.
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
import { CommunityCode, IsoDate, todayInChina } from "../registry/Places.js"
import {
  type CommunityRow,
  commonPath,
  dissolvedProblems,
  heldOrganisation,
  notAfter,
  notFound,
  organisationRow
} from "./lookups.js"
import { byCodePoint } from "./order.js"
import { PartyCode, problem, refuseAny, refused } from "./Refused.js"

const Name = Schema.NonEmptyTrimmedString

/** The communities a new committee names, in the order named, every unknown or repeated one a problem. */
const namedCommunities = (district: string, codes: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const rows = (yield* Db.use((db) =>
      db
        .selectFrom("registry_community")
        .select(["id", "code", "name", "scope_path"])
        .where("district_code", "=", district)
        .where("code", "in", [...new Set(codes)])
        .execute()
    )) as ReadonlyArray<CommunityRow>
    const byCode = new Map(rows.map((r) => [r.code, r]))
    const problems: Array<Problem> = []
    codes.forEach((code, i) => {
      if (codes.indexOf(code) !== i) {
        problems.push(
          problem(`communities[${i}]`, PartyCode.Twice, {
            "zh-CN": `社区 ${code} 重复列出`,
            en: `Community ${code} is listed twice`
          })
        )
      } else if (!byCode.has(code)) {
        problems.push(
          problem(`communities[${i}]`, PartyCode.Unknown, {
            "zh-CN": `没有代码为 ${code} 的社区`,
            en: `There is no community ${code}`
          })
        )
      }
    })
    yield* refuseAny(problems)
    return codes.filter((code, i) => codes.indexOf(code) === i).map((code) => byCode.get(code)!)
  })

/**
 * Sets up a grand party committee over one or more communities, none of them
 * under another committee. It answers to the place holding them all, so a
 * committee over two communities is the street's to set up.
 *
 * @example
 * ```ts
 * await kernel.exec(
 *   Party.commands.createCommittee({ district: "230503", name: "博爱社区大党委", communities: ["230503001001"] }),
 *   secretary
 * )
 * ```
 * @since 0.3.0
 */
export const createCommittee = command({
  input: Schema.Struct({
    district: DistrictCode,
    name: Name,
    communities: Schema.NonEmptyArray(CommunityCode),
    establishedOn: Schema.optional(IsoDate)
  }),
  load: (input) => namedCommunities(input.district, input.communities),
  target: (input, communities) => ({
    district: input.district,
    scopePath: commonPath(communities.map((c) => c.scope_path))
  }),
  run: (input, communities) =>
    Effect.gen(function* () {
      const today = yield* todayInChina
      const establishedOn = input.establishedOn ?? today
      const free = yield* freeProblems(
        input.district,
        communities,
        establishedOn,
        (c) => `communities[${input.communities.indexOf(c.code)}]`
      )
      const sameName = yield* Db.use((db) =>
        db
          .selectFrom("party_committee")
          .select("id")
          .where("district_code", "=", input.district)
          .where("name", "=", input.name)
          .executeTakeFirst()
      )
      yield* refuseAny([
        ...free,
        ...(sameName === undefined
          ? []
          : [
              problem("name", PartyCode.CommitteeNameTaken, {
                "zh-CN": `已有名为 ${input.name} 的社区大党委`,
                en: `There is already a grand party committee named ${input.name}`
              })
            ]),
        ...notAfter("establishedOn", establishedOn, today)
      ])
      const id = yield* Ids.next
      const path = commonPath(communities.map((c) => c.scope_path))
      yield* Db.use((db) =>
        db
          .insertInto("party_committee")
          .values({
            district_code: input.district,
            id,
            name: input.name,
            established_on: establishedOn,
            scope_path: path
          })
          .execute()
      )
      yield* putUnder(input.district, id, communities, establishedOn)
      yield* Events.append({
        type: "party.committee-created",
        district: input.district,
        scopePath: path,
        subject: id,
        payload: { name: input.name, communities: communities.map((c) => c.code), establishedOn }
      })
      return { id }
    })
})

/**
 * The problems of putting communities under a committee from a date: one
 * already under a committee, or one that left its last committee after it.
 * `at` gives each community's path in the input.
 */
const freeProblems = (
  district: string,
  communities: ReadonlyArray<CommunityRow>,
  on: string,
  at: (community: CommunityRow) => string
) =>
  Effect.gen(function* () {
    const ids = communities.map((c) => c.id)
    const taken = yield* Db.use((db) =>
      db
        .selectFrom("party_committee_community as cc")
        .innerJoin("party_committee as c", (j) =>
          j.onRef("c.district_code", "=", "cc.district_code").onRef("c.id", "=", "cc.committee_id")
        )
        .select(["cc.community_id", "c.name"])
        .where("cc.district_code", "=", district)
        .where("cc.community_id", "in", ids)
        .execute()
    )
    const committeeOf = new Map(taken.map((t) => [String(t.community_id), String(t.name)]))
    const lastLeft = yield* Db.use((db) =>
      db
        .selectFrom("party_committee_community_history")
        .select(["community_id", (eb) => eb.fn.max("valid_to").as("left_on")])
        .where("district_code", "=", district)
        .where("community_id", "in", ids)
        .groupBy("community_id")
        .execute()
    )
    const leftOn = new Map(lastLeft.map((r) => [String(r.community_id), r.left_on === null ? null : String(r.left_on)]))
    return communities.flatMap((c): ReadonlyArray<Problem> => {
      const other = committeeOf.get(c.id)
      if (other !== undefined) {
        return [
          problem(at(c), PartyCode.CommunityInCommittee, {
            "zh-CN": `${c.name}已在社区大党委 ${other} 之下`,
            en: `${c.name} is already under the grand party committee ${other}`
          })
        ]
      }
      // A community that left a committee comes under the next from the day it left, not before.
      const left = leftOn.get(c.id)
      return left !== undefined && left !== null && on < left
        ? [
            problem(at(c), PartyCode.DateBeforeHistory, {
              "zh-CN": `${c.name}于 ${left} 才离开原社区大党委，不能早于此日加入`,
              en: `${c.name} left its committee on ${left}: it comes under another from that day on`
            })
          ]
        : []
    })
  })

/** Puts communities under a committee from a date: the row of the present and the history's open row. */
const putUnder = (district: string, committee: string, communities: ReadonlyArray<CommunityRow>, on: string) =>
  Effect.zipRight(
    Db.use((db) =>
      db
        .insertInto("party_committee_community")
        .values(communities.map((c) => ({ district_code: district, committee_id: committee, community_id: c.id })))
        .execute()
    ),
    Db.use((db) =>
      db
        .insertInto("party_committee_community_history")
        .values(
          communities.map((c) => ({
            district_code: district,
            community_id: c.id,
            valid_from: on,
            committee_id: committee
          }))
        )
        .execute()
    )
  )

interface CommitteeRow {
  readonly id: string
  readonly name: string
  readonly established_on: string
  readonly scope_path: string
}

const committeeRow = (district: string, id: string) =>
  Effect.flatMap(
    Db.use((db) =>
      db
        .selectFrom("party_committee")
        .select(["id", "name", "established_on", "scope_path"])
        .where("district_code", "=", district)
        .where("id", "=", id)
        .executeTakeFirst()
    ),
    (row) =>
      row === undefined
        ? Effect.fail(notFound("grand party committee", id))
        : Effect.succeed({
            id: String(row.id),
            name: String(row.name),
            established_on: String(row.established_on),
            scope_path: String(row.scope_path)
          } satisfies CommitteeRow)
  )

/** The communities under a committee now, with the date each came under it. */
const communitiesUnder = (district: string, committee: string) =>
  Effect.map(
    Db.use((db) =>
      db
        .selectFrom("party_committee_community as cc")
        .innerJoin("registry_community as c", (j) =>
          j.onRef("c.district_code", "=", "cc.district_code").onRef("c.id", "=", "cc.community_id")
        )
        .innerJoin("party_committee_community_history as h", (j) =>
          j
            .onRef("h.district_code", "=", "cc.district_code")
            .onRef("h.community_id", "=", "cc.community_id")
            .on("h.valid_to", "is", null)
        )
        .select(["c.id", "c.code", "c.name", "c.scope_path", "h.valid_from"])
        .where("cc.district_code", "=", district)
        .where("cc.committee_id", "=", committee)
        .execute()
    ),
    (rows) =>
      rows.map((r) => ({
        id: String(r.id),
        code: String(r.code),
        name: String(r.name),
        scope_path: String(r.scope_path),
        since: String(r.valid_from)
      }))
  )

/** Moves a committee's place to the one holding all its communities now. */
const replace = (district: string, committee: string, path: string) =>
  Db.use((db) =>
    db
      .updateTable("party_committee")
      .set({ scope_path: path })
      .where("district_code", "=", district)
      .where("id", "=", committee)
      .execute()
  )

/**
 * Adds communities to a grand party committee from a date; none of them may
 * be under a committee then. The committee then answers to the place that
 * holds all its communities, old and new, and so does the one who adds them.
 *
 * @example
 * ```ts
 * await kernel.exec(
 *   Party.commands.addCommitteeCommunities({ district: "230503", committee, communities: ["230503001002"], addedOn: "2020-07-01" }),
 *   streetSecretary
 * )
 * ```
 * @since 0.3.0
 */
export const addCommitteeCommunities = command({
  input: Schema.Struct({
    district: DistrictCode,
    committee: Schema.UUID,
    communities: Schema.NonEmptyArray(CommunityCode),
    addedOn: Schema.optional(IsoDate)
  }),
  load: (input) =>
    Effect.all({
      committee: committeeRow(input.district, input.committee),
      communities: namedCommunities(input.district, input.communities)
    }),
  target: (input, { committee, communities }) => ({
    district: input.district,
    scopePath: commonPath([committee.scope_path, ...communities.map((c) => c.scope_path)])
  }),
  run: (input, { committee, communities }) =>
    Effect.gen(function* () {
      const today = yield* todayInChina
      const addedOn = input.addedOn ?? today
      const free = yield* freeProblems(
        input.district,
        communities,
        addedOn,
        (c) => `communities[${input.communities.indexOf(c.code)}]`
      )
      yield* refuseAny(
        [
          ...free,
          ...(addedOn < committee.established_on
            ? [
                problem("addedOn", PartyCode.DateBeforeHistory, {
                  "zh-CN": `${addedOn} 早于 ${committee.name} 成立的日期 ${committee.established_on}`,
                  en: `${addedOn} is before ${committee.name} was set up on ${committee.established_on}`
                })
              ]
            : []),
          ...notAfter("addedOn", addedOn, today)
        ],
        committee.id
      )
      yield* putUnder(input.district, committee.id, communities, addedOn)
      const path = commonPath([committee.scope_path, ...communities.map((c) => c.scope_path)])
      yield* replace(input.district, committee.id, path)
      yield* Events.append({
        type: "party.committee-communities-added",
        district: input.district,
        scopePath: path,
        subject: committee.id,
        payload: { communities: communities.map((c) => c.code), addedOn }
      })
    })
})

/**
 * Removes communities from a grand party committee on a date, kept with the
 * date each came under it; a committee keeps at least one community, and
 * then answers to the place holding the ones it keeps.
 *
 * @since 0.3.0
 */
export const removeCommitteeCommunities = command({
  input: Schema.Struct({
    district: DistrictCode,
    committee: Schema.UUID,
    communities: Schema.NonEmptyArray(CommunityCode),
    removedOn: Schema.optional(IsoDate)
  }),
  load: (input) => committeeRow(input.district, input.committee),
  target: (input, committee) => ({ district: input.district, scopePath: committee.scope_path }),
  run: (input, committee) =>
    Effect.gen(function* () {
      const today = yield* todayInChina
      const removedOn = input.removedOn ?? today
      const under = yield* communitiesUnder(input.district, committee.id)
      const byCode = new Map(under.map((c) => [c.code, c]))
      const problems: Array<Problem> = []
      input.communities.forEach((code, i) => {
        const path = `communities[${i}]`
        const community = byCode.get(code)
        if (input.communities.indexOf(code) !== i) {
          problems.push(
            problem(path, PartyCode.Twice, {
              "zh-CN": `社区 ${code} 重复列出`,
              en: `Community ${code} is listed twice`
            })
          )
        } else if (community === undefined) {
          problems.push(
            problem(path, PartyCode.CommunityNotInCommittee, {
              "zh-CN": `社区 ${code} 不在 ${committee.name} 之下`,
              en: `Community ${code} is not under ${committee.name}`
            })
          )
        } else if (removedOn < community.since) {
          problems.push(
            problem(path, PartyCode.DateBeforeHistory, {
              "zh-CN": `${community.name}于 ${community.since} 才加入 ${committee.name}，退出日期不能早于此日`,
              en: `${community.name} came under ${committee.name} on ${community.since}: it cannot leave before`
            })
          )
        }
      })
      const leaving = under.filter((c) => input.communities.includes(c.code))
      const staying = under.filter((c) => !input.communities.includes(c.code))
      if (staying.length === 0) {
        problems.push(
          problem("communities", PartyCode.CommitteeWithoutCommunity, {
            "zh-CN": `${committee.name} 至少保留一个社区`,
            en: `${committee.name} keeps at least one community`
          })
        )
      }
      yield* refuseAny([...problems, ...notAfter("removedOn", removedOn, today)], committee.id)
      const ids = leaving.map((c) => c.id)
      yield* Db.use((db) =>
        db
          .deleteFrom("party_committee_community")
          .where("district_code", "=", input.district)
          .where("committee_id", "=", committee.id)
          .where("community_id", "in", ids)
          .execute()
      )
      // A community removed the day it came under the committee was never under it: its row goes.
      yield* Db.use((db) =>
        db
          .deleteFrom("party_committee_community_history")
          .where("district_code", "=", input.district)
          .where("community_id", "in", ids)
          .where("valid_from", "=", removedOn)
          .where("valid_to", "is", null)
          .execute()
      )
      yield* Db.use((db) =>
        db
          .updateTable("party_committee_community_history")
          .set({ valid_to: removedOn })
          .where("district_code", "=", input.district)
          .where("community_id", "in", ids)
          .where("valid_to", "is", null)
          .execute()
      )
      const path = commonPath(staying.map((c) => c.scope_path))
      yield* replace(input.district, committee.id, path)
      yield* Events.append({
        type: "party.committee-communities-removed",
        district: input.district,
        scopePath: committee.scope_path,
        subject: committee.id,
        payload: { communities: leaving.map((c) => c.code), removedOn }
      })
    })
})

/**
 * A member unit's party organisation joins a committee on a date; it is in
 * one committee at a time.
 *
 * @since 0.3.0
 */
export const joinCommittee = command({
  input: Schema.Struct({
    district: DistrictCode,
    committee: Schema.UUID,
    /** The member unit (驻区单位), by name. */
    unit: Name,
    /** The unit's party organisation, registered in the tree (usually without a parent the district records). */
    branch: Schema.UUID,
    joinedOn: Schema.optional(IsoDate)
  }),
  load: (input) =>
    Effect.all({
      committee: committeeRow(input.district, input.committee),
      branch: organisationRow(input.district, input.branch)
    }),
  target: (input, { committee }) => ({ district: input.district, scopePath: committee.scope_path }),
  run: (input, { committee, branch: loaded }) =>
    Effect.gen(function* () {
      const today = yield* todayInChina
      const joinedOn = input.joinedOn ?? today
      const branch = yield* heldOrganisation(input.district, loaded.id)
      const member = yield* Db.use((db) =>
        db
          .selectFrom("party_committee_unit as u")
          .innerJoin("party_committee as c", (j) =>
            j.onRef("c.district_code", "=", "u.district_code").onRef("c.id", "=", "u.committee_id")
          )
          .select(["u.id", "c.name"])
          .where("u.district_code", "=", input.district)
          .where("u.organisation_id", "=", branch.id)
          .where("u.left_on", "is", null)
          .executeTakeFirst()
      )
      yield* refuseAny([
        ...(member === undefined
          ? []
          : [
              problem("branch", PartyCode.BranchJoined, {
                "zh-CN": `${branch.name} 已加入社区大党委 ${String(member.name)}`,
                en: `${branch.name} has already joined the grand party committee ${String(member.name)}`
              })
            ]),
        ...dissolvedProblems("branch", branch),
        ...notAfter("joinedOn", joinedOn, today)
      ])
      const id = yield* Ids.next
      yield* Db.use((db) =>
        db
          .insertInto("party_committee_unit")
          .values({
            district_code: input.district,
            id,
            committee_id: committee.id,
            unit: input.unit,
            organisation_id: branch.id,
            joined_on: joinedOn
          })
          .execute()
      )
      yield* Events.append({
        type: "party.unit-joined",
        district: input.district,
        scopePath: committee.scope_path,
        subject: id,
        payload: { committee: committee.id, unit: input.unit, branch: branch.id, joinedOn }
      })
      return { id }
    })
})

/**
 * A member unit leaves the committee on a date, kept with the date it joined.
 *
 * @since 0.3.0
 */
export const leaveCommittee = command({
  input: Schema.Struct({
    district: DistrictCode,
    /** The membership `joinCommittee` returned. */
    membership: Schema.UUID,
    leftOn: Schema.optional(IsoDate)
  }),
  load: (input) =>
    Effect.flatMap(
      Db.use((db) =>
        db
          .selectFrom("party_committee_unit as u")
          .innerJoin("party_committee as c", (j) =>
            j.onRef("c.district_code", "=", "u.district_code").onRef("c.id", "=", "u.committee_id")
          )
          .select(["u.id", "u.unit", "u.joined_on", "u.left_on", "c.scope_path"])
          .where("u.district_code", "=", input.district)
          .where("u.id", "=", input.membership)
          .executeTakeFirst()
      ),
      (row) =>
        row === undefined
          ? Effect.fail(notFound("member unit", input.membership))
          : Effect.succeed({
              id: String(row.id),
              unit: String(row.unit),
              joinedOn: String(row.joined_on),
              leftOn: row.left_on === null ? null : String(row.left_on),
              scopePath: String(row.scope_path)
            })
    ),
  target: (input, membership) => ({ district: input.district, scopePath: membership.scopePath }),
  run: (input, membership) =>
    Effect.gen(function* () {
      if (membership.leftOn !== null) {
        return yield* refused(
          PartyCode.UnitLeft,
          {
            "zh-CN": `${membership.unit} 已于 ${membership.leftOn} 退出`,
            en: `${membership.unit} left on ${membership.leftOn}`
          },
          membership.id
        )
      }
      const today = yield* todayInChina
      const leftOn = input.leftOn ?? today
      yield* refuseAny(
        [
          ...(leftOn < membership.joinedOn
            ? [
                problem("leftOn", PartyCode.EndBeforeStart, {
                  "zh-CN": `退出日期 ${leftOn} 早于加入日期 ${membership.joinedOn}`,
                  en: `The date left, ${leftOn}, is before the date joined, ${membership.joinedOn}`
                })
              ]
            : []),
          ...notAfter("leftOn", leftOn, today)
        ],
        membership.id
      )
      yield* Db.use((db) =>
        db
          .updateTable("party_committee_unit")
          .set({ left_on: leftOn })
          .where("district_code", "=", input.district)
          .where("id", "=", membership.id)
          .execute()
      )
      yield* Events.append({
        type: "party.unit-left",
        district: input.district,
        scopePath: membership.scopePath,
        subject: membership.id,
        payload: { unit: membership.unit, leftOn }
      })
    })
})

/**
 * A grand party committee as {@link committees} lists it: its communities, and
 * every member unit that joined it, with the dates they joined and left.
 *
 * @since 0.3.0
 */
export interface CommitteeEntry {
  readonly id: string
  readonly name: string
  readonly establishedOn: string
  /** The communities under it now, each with the date it came under it. */
  readonly communities: ReadonlyArray<{ readonly code: string; readonly name: string; readonly since: string }>
  /** The communities that were under it and were removed, with their dates, earliest first. */
  readonly formerCommunities: ReadonlyArray<{
    readonly code: string
    readonly name: string
    readonly from: string
    readonly to: string
  }>
  readonly units: ReadonlyArray<{
    readonly membership: string
    readonly unit: string
    readonly branch: { readonly id: string; readonly name: string }
    readonly joinedOn: string
    readonly leftOn: string | null
  }>
}

/**
 * The district's grand party committees, with their communities (those
 * under them now, and those removed) and member units. Like the organisation
 * tree, this is the district's public structure.
 *
 * @since 0.3.0
 */
export const committees = query({
  input: Schema.Struct({ district: DistrictCode }),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.gen(function* () {
      const rows = yield* Db.use((db) =>
        db
          .selectFrom("party_committee")
          .select(["id", "name", "established_on"])
          .where("district_code", "=", input.district)
          .execute()
      )
      const communities = yield* Db.use((db) =>
        db
          .selectFrom("party_committee_community_history as h")
          .innerJoin("registry_community as c", (j) =>
            j.onRef("c.district_code", "=", "h.district_code").onRef("c.id", "=", "h.community_id")
          )
          .select(["h.committee_id", "c.code", "c.name", "h.valid_from", "h.valid_to"])
          .where("h.district_code", "=", input.district)
          .orderBy("h.valid_from")
          .orderBy("c.code")
          .execute()
      )
      const units = yield* Db.use((db) =>
        db
          .selectFrom("party_committee_unit as u")
          .innerJoin("party_organisation as o", (j) =>
            j.onRef("o.district_code", "=", "u.district_code").onRef("o.id", "=", "u.organisation_id")
          )
          .select(["u.id", "u.committee_id", "u.unit", "u.joined_on", "u.left_on", "o.id as branch", "o.name"])
          .where("u.district_code", "=", input.district)
          .orderBy("u.joined_on")
          .orderBy("u.id")
          .execute()
      )
      return rows
        .map((r): CommitteeEntry => ({
          id: String(r.id),
          name: String(r.name),
          establishedOn: String(r.established_on),
          communities: communities
            .filter((c) => String(c.committee_id) === String(r.id) && c.valid_to === null)
            .map((c) => ({ code: String(c.code), name: String(c.name), since: String(c.valid_from) }))
            .sort((a, b) => byCodePoint(a.code, b.code)),
          formerCommunities: communities
            .filter((c) => String(c.committee_id) === String(r.id) && c.valid_to !== null)
            .map((c) => ({
              code: String(c.code),
              name: String(c.name),
              from: String(c.valid_from),
              to: String(c.valid_to)
            })),
          units: units
            .filter((u) => String(u.committee_id) === String(r.id))
            .map((u) => ({
              membership: String(u.id),
              unit: String(u.unit),
              branch: { id: String(u.branch), name: String(u.name) },
              joinedOn: String(u.joined_on),
              leftOn: u.left_on === null ? null : String(u.left_on)
            }))
        }))
        .sort((a, b) => byCodePoint(a.name, b.name))
    })
})
