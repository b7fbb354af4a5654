/**
 * Member check-in (党员报到, MemberCheckIn): members working in member units,
 * members living here and members "in the pocket" register with a community,
 * show who they are (亮身份) and make a public pledge (亮承诺). The pledge and
 * the service they then do (dated, with what was done and for how long) are
 * recorded, and counted by community and by kind for any period.
 *
 * A member is checked in with one community at a time, optionally in one of
 * its grids, where its grid staff then record their service. A check-in in a
 * grid carries the grid's scope path, which the kernel keeps in step when the
 * grid is redrawn; the community it was made with stays as recorded.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command, query } from "../Plugin.js"
import * as Problems from "../Problems.js"
import { communityByCode, CommunityCode, gridByCode, GridCode, IsoDate, todayInChina } from "../registry/Places.js"
import { holdRow, memberRow, notAfter, notFound, orderedPeriod } from "./lookups.js"
import { byCodePoint } from "./order.js"
import { PartyCode, problem, refuseAny, refused } from "./Refused.js"
import { MemberKind } from "./Vocabulary.js"

/** Hours of service: more than none, at most a day, in quarters of an hour. @since 0.3.0 */
export const Hours = Schema.Number.pipe(
  Schema.filter((hours) => hours > 0 && hours <= 24 && Number.isInteger(hours * 4)),
  Problems.explain({
    code: "PARTY.HOURS",
    "zh-CN": "服务时长应大于 0、不超过 24 小时，以 0.25 小时为单位",
    en: "Hours of service are more than 0 and at most 24, in quarters of an hour"
  })
)

/**
 * A member checks in with a community (in one of its grids, when they serve
 * there) and makes a public pledge; one community at a time.
 *
 * @example
 * ```ts
 * await kernel.exec(
 *   Party.commands.checkIn({ district: "230503", member, community: "230503001001", pledge: "每周看望一次独居老人" }),
 *   worker
 * )
 * ```
 * @since 0.3.0
 */
export const checkIn = command({
  input: Schema.Struct({
    district: DistrictCode,
    member: Schema.UUID,
    community: CommunityCode,
    /** The grid of the community they serve in, when they serve in one. */
    grid: Schema.optional(GridCode),
    /** The public pledge, as the member made it. */
    pledge: Schema.NonEmptyTrimmedString,
    checkedInOn: Schema.optional(IsoDate)
  }),
  load: (input) =>
    Effect.all({
      member: memberRow(input.district, input.member),
      community: communityByCode(input.district, input.community),
      grid: input.grid === undefined ? Effect.succeed(undefined) : gridByCode(input.district, input.grid)
    }),
  target: (input, { community, grid }) => ({
    district: input.district,
    scopePath: grid?.scope_path ?? community.scope_path
  }),
  run: (input, { member, community, grid }) =>
    Effect.gen(function* () {
      const today = yield* todayInChina
      const checkedInOn = input.checkedInOn ?? today
      yield* holdRow("party_member", input.district, member.id)
      const open = yield* Db.use((db) =>
        db
          .selectFrom("party_check_in as ci")
          .innerJoin("registry_community as c", (j) =>
            j.onRef("c.district_code", "=", "ci.district_code").onRef("c.id", "=", "ci.community_id")
          )
          .select(["ci.id", "c.name"])
          .where("ci.district_code", "=", input.district)
          .where("ci.member_id", "=", member.id)
          .where("ci.ended_on", "is", null)
          .executeTakeFirst()
      )
      yield* refuseAny([
        ...(open === undefined
          ? []
          : [
              problem("member", PartyCode.AlreadyCheckedIn, {
                "zh-CN": `该党员已向${String(open.name)}报到，须先结束该报到`,
                en: `The member is checked in with ${String(open.name)}; end that check-in first`
              })
            ]),
        ...(grid === undefined || grid.community_id === community.id
          ? []
          : [
              problem("grid", PartyCode.GridOutside, {
                "zh-CN": `网格 ${grid.code} 不属于${community.name}`,
                en: `Grid ${grid.code} is not in ${community.name}`
              })
            ]),
        ...(grid === undefined || grid.retired_on === null
          ? []
          : [
              problem("grid", PartyCode.GridRetired, {
                "zh-CN": `网格 ${grid.code} 已撤销`,
                en: `Grid ${grid.code} has been retired`
              })
            ]),
        ...notAfter("checkedInOn", checkedInOn, today)
      ])
      const id = yield* Ids.next
      const path = grid?.scope_path ?? community.scope_path
      yield* Db.use((db) =>
        db
          .insertInto("party_check_in")
          .values({
            district_code: input.district,
            id,
            member_id: member.id,
            kind: member.kind,
            community_id: community.id,
            grid_id: grid?.id ?? null,
            pledge: input.pledge,
            checked_in_on: checkedInOn,
            scope_path: path
          })
          .execute()
      )
      yield* Events.append({
        type: "party.checked-in",
        district: input.district,
        scopePath: path,
        subject: id,
        payload: {
          member: member.id,
          kind: member.kind,
          community: community.code,
          grid: grid?.code ?? null,
          pledge: input.pledge,
          checkedInOn
        }
      })
      return { id }
    })
})

interface CheckInRow {
  readonly id: string
  readonly member_id: string
  readonly grid_id: string | null
  readonly checked_in_on: string
  readonly ended_on: string | null
  readonly scope_path: string
}

const checkInRow = (district: string, id: string) =>
  Effect.flatMap(
    Db.use((db) =>
      db
        .selectFrom("party_check_in")
        .select(["id", "member_id", "grid_id", "checked_in_on", "ended_on", "scope_path"])
        .where("district_code", "=", district)
        .where("id", "=", id)
        .executeTakeFirst()
    ),
    (row) =>
      row === undefined
        ? Effect.fail(notFound("check-in", id))
        : Effect.succeed({
            ...(row as CheckInRow),
            checked_in_on: String(row.checked_in_on),
            ended_on: row.ended_on === null ? null : String(row.ended_on)
          })
  )

/**
 * Ends a check-in on a date (the member moved away, or checks in elsewhere).
 *
 * @since 0.3.0
 */
export const endCheckIn = command({
  input: Schema.Struct({ district: DistrictCode, checkIn: Schema.UUID, endedOn: Schema.optional(IsoDate) }),
  load: (input) => checkInRow(input.district, input.checkIn),
  target: (input, checkIn) => ({ district: input.district, scopePath: checkIn.scope_path }),
  run: (input, checkIn) =>
    Effect.gen(function* () {
      if (checkIn.ended_on !== null) {
        return yield* refused(
          PartyCode.CheckInEnded,
          { "zh-CN": `该报到已于 ${checkIn.ended_on} 结束`, en: `The check-in ended on ${checkIn.ended_on}` },
          checkIn.id
        )
      }
      const today = yield* todayInChina
      const endedOn = input.endedOn ?? today
      yield* refuseAny(
        [
          ...(endedOn < checkIn.checked_in_on
            ? [
                problem("endedOn", PartyCode.EndBeforeStart, {
                  "zh-CN": `结束日期 ${endedOn} 早于报到日期 ${checkIn.checked_in_on}`,
                  en: `The end date ${endedOn} is before the check-in on ${checkIn.checked_in_on}`
                })
              ]
            : []),
          ...notAfter("endedOn", endedOn, today)
        ],
        checkIn.id
      )
      yield* Db.use((db) =>
        db
          .updateTable("party_check_in")
          .set({ ended_on: endedOn })
          .where("district_code", "=", input.district)
          .where("id", "=", checkIn.id)
          .execute()
      )
      yield* Events.append({
        type: "party.check-in-ended",
        district: input.district,
        scopePath: checkIn.scope_path,
        subject: checkIn.id,
        payload: { member: checkIn.member_id, endedOn }
      })
    })
})

/**
 * Records service a checked-in member did on a date while checked in: what,
 * and for how many hours.
 *
 * @since 0.3.0
 */
export const recordService = command({
  input: Schema.Struct({
    district: DistrictCode,
    checkIn: Schema.UUID,
    servedOn: IsoDate,
    /** What was done, as the community records it ("为独居老人代购药品"). */
    what: Schema.NonEmptyTrimmedString,
    hours: Hours
  }),
  load: (input) => checkInRow(input.district, input.checkIn),
  target: (input, checkIn) => ({ district: input.district, scopePath: checkIn.scope_path }),
  run: (input, checkIn) =>
    Effect.gen(function* () {
      const today = yield* todayInChina
      const outside =
        input.servedOn < checkIn.checked_in_on || (checkIn.ended_on !== null && input.servedOn > checkIn.ended_on)
      yield* refuseAny(
        [
          ...(outside
            ? [
                problem("servedOn", PartyCode.ServiceOutsideCheckIn, {
                  "zh-CN": `服务日期 ${input.servedOn} 不在报到期间（${checkIn.checked_in_on} 至 ${checkIn.ended_on ?? "今"}）`,
                  en: `The service on ${input.servedOn} is outside the check-in (${checkIn.checked_in_on} to ${
                    checkIn.ended_on ?? "now"
                  })`
                })
              ]
            : []),
          ...notAfter("servedOn", input.servedOn, today)
        ],
        checkIn.id
      )
      const id = yield* Ids.next
      yield* Db.use((db) =>
        db
          .insertInto("party_service")
          .values({
            district_code: input.district,
            id,
            check_in_id: checkIn.id,
            grid_id: checkIn.grid_id,
            served_on: input.servedOn,
            what: input.what,
            minutes: Math.round(input.hours * 60),
            scope_path: checkIn.scope_path
          })
          .execute()
      )
      yield* Events.append({
        type: "party.service-recorded",
        district: input.district,
        scopePath: checkIn.scope_path,
        subject: id,
        payload: { checkIn: checkIn.id, member: checkIn.member_id, servedOn: input.servedOn, hours: input.hours }
      })
      return { id }
    })
})

/**
 * A checked-in member on a community's public board: who they are, how they
 * are attached, their pledge, and the hours of service they have done since.
 *
 * @since 0.3.0
 */
export interface PledgeEntry {
  readonly checkIn: string
  readonly member: string
  /** `null` when the person's own record lies outside the reader's scope. */
  readonly name: string | null
  readonly kind: MemberKind
  readonly grid: string | null
  readonly pledge: string
  readonly checkedInOn: string
  readonly hours: number
}

/**
 * The members checked in with a community on a date (today unless given),
 * with their pledges and hours served: the public board of 亮身份、亮承诺,
 * limited to the reader's scope (a grid's staff see the check-ins in their grid).
 *
 * @since 0.3.0
 */
export const pledges = query({
  input: Schema.Struct({ district: DistrictCode, community: CommunityCode, on: Schema.optional(IsoDate) }),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.gen(function* () {
      const on = input.on ?? (yield* todayInChina)
      const rows = yield* Db.use((db) =>
        db
          .selectFrom("party_check_in as ci")
          .innerJoin("registry_community as c", (j) =>
            j.onRef("c.district_code", "=", "ci.district_code").onRef("c.id", "=", "ci.community_id")
          )
          .innerJoin("party_member as m", (j) =>
            j.onRef("m.district_code", "=", "ci.district_code").onRef("m.id", "=", "ci.member_id")
          )
          .leftJoin("registry_person as p", (j) =>
            j.onRef("p.district_code", "=", "m.district_code").onRef("p.id", "=", "m.person_id")
          )
          .leftJoin("registry_grid as g", (j) =>
            j.onRef("g.district_code", "=", "ci.district_code").onRef("g.id", "=", "ci.grid_id")
          )
          .leftJoin("party_service as s", (j) =>
            j.onRef("s.district_code", "=", "ci.district_code").onRef("s.check_in_id", "=", "ci.id")
          )
          .select((eb) => [
            "ci.id",
            "ci.member_id",
            "p.name",
            "ci.kind",
            "g.code as grid",
            "ci.pledge",
            "ci.checked_in_on",
            eb.fn.coalesce(eb.fn.sum<number>("s.minutes"), eb.lit(0)).as("minutes")
          ])
          .where("ci.district_code", "=", input.district)
          .where("c.code", "=", input.community)
          .where("ci.checked_in_on", "<=", on)
          .where((eb) => eb.or([eb("ci.ended_on", "is", null), eb("ci.ended_on", ">=", on)]))
          .groupBy(["ci.id", "ci.member_id", "p.name", "ci.kind", "g.code", "ci.pledge", "ci.checked_in_on"])
          .orderBy("ci.checked_in_on")
          .orderBy("ci.id")
          .execute()
      )
      return rows.map((r): PledgeEntry => ({
        checkIn: String(r.id),
        member: String(r.member_id),
        name: r.name === null ? null : String(r.name),
        kind: r.kind as MemberKind,
        grid: r.grid === null ? null : String(r.grid),
        pledge: String(r.pledge),
        checkedInOn: String(r.checked_in_on),
        hours: Number(r.minutes) / 60
      }))
    })
})

/**
 * Check-ins and service in a period, for one community and one kind of member.
 *
 * @since 0.3.0
 */
export interface CheckInFigures {
  readonly community: string
  readonly name: string
  readonly kind: MemberKind
  /** Check-ins made in the period. */
  readonly checkIns: number
  /** Members who served at least once in the period. */
  readonly serving: number
  /** Services done in the period, and their hours. */
  readonly services: number
  readonly hours: number
}

/**
 * Check-ins and service hours by community and by kind of member, for a
 * period (both dates included), within the reader's scope. A check-in counts
 * for the community it was made with, a service for its check-in's.
 *
 * @example
 * ```ts
 * const figures = await kernel.exec(
 *   Party.queries.checkInFigures({ district: "230503", from: "2020-01-01", to: "2020-12-31" }),
 *   actor
 * )
 * ```
 * @since 0.3.0
 */
export const checkInFigures = query({
  input: orderedPeriod(Schema.Struct({ district: DistrictCode, from: IsoDate, to: IsoDate })),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.gen(function* () {
      const checkIns = yield* Db.use((db) =>
        db
          .selectFrom("party_check_in as ci")
          .innerJoin("registry_community as c", (j) =>
            j.onRef("c.district_code", "=", "ci.district_code").onRef("c.id", "=", "ci.community_id")
          )
          .select((eb) => ["c.code", "c.name", "ci.kind", eb.fn.countAll<number>().as("n")])
          .where("ci.district_code", "=", input.district)
          .where("ci.checked_in_on", ">=", input.from)
          .where("ci.checked_in_on", "<=", input.to)
          .groupBy(["c.code", "c.name", "ci.kind"])
          .execute()
      )
      const services = yield* Db.use((db) =>
        db
          .selectFrom("party_service as s")
          .innerJoin("party_check_in as ci", (j) =>
            j.onRef("ci.district_code", "=", "s.district_code").onRef("ci.id", "=", "s.check_in_id")
          )
          .innerJoin("registry_community as c", (j) =>
            j.onRef("c.district_code", "=", "ci.district_code").onRef("c.id", "=", "ci.community_id")
          )
          .select((eb) => [
            "c.code",
            "c.name",
            "ci.kind",
            eb.fn.countAll<number>().as("n"),
            eb.fn.count<number>("ci.member_id").distinct().as("serving"),
            eb.fn.sum<number>("s.minutes").as("minutes")
          ])
          .where("s.district_code", "=", input.district)
          .where("s.served_on", ">=", input.from)
          .where("s.served_on", "<=", input.to)
          .groupBy(["c.code", "c.name", "ci.kind"])
          .execute()
      )
      const figures = new Map<string, CheckInFigures>()
      const entry = (code: string, name: string, kind: MemberKind) => {
        const key = `${code}/${kind}`
        const found = figures.get(key) ?? {
          community: code,
          name,
          kind,
          checkIns: 0,
          serving: 0,
          services: 0,
          hours: 0
        }
        figures.set(key, found)
        return key
      }
      for (const r of checkIns) {
        const key = entry(String(r.code), String(r.name), r.kind as MemberKind)
        figures.set(key, { ...figures.get(key)!, checkIns: Number(r.n) })
      }
      for (const r of services) {
        const key = entry(String(r.code), String(r.name), r.kind as MemberKind)
        figures.set(key, {
          ...figures.get(key)!,
          services: Number(r.n),
          serving: Number(r.serving),
          hours: Number(r.minutes) / 60
        })
      }
      const kinds: ReadonlyArray<MemberKind> = MemberKind.literals
      return [...figures.values()].sort(
        (a, b) => byCodePoint(a.community, b.community) || kinds.indexOf(a.kind) - kinds.indexOf(b.kind)
      )
    })
})
