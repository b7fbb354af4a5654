/**
 * Star rating of members (星级党员评定, StarRating): members are scored on
 * items such as study, organisational life and service to residents
 * (学习教育、组织生活、服务群众). The scheme is data: its items, each with the
 * most points it gives and its weight, the period it covers and the weighted
 * score each star from 1 to 5 needs. Scores are entered per member per item,
 * each with its evidence; a member's stars are computed by a query from the
 * weighted sum, never stored or typed.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import type { Problem, Text } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command, query } from "../Plugin.js"
import * as Problems from "../Problems.js"
import { IsoDate, todayInChina } from "../registry/Places.js"
import { holdRow, memberRow, notAfter, notFound, Seat, seatPath, within } from "./lookups.js"
import { readable } from "./readable.js"
import { byCodePoint } from "./order.js"
import { PartyCode, problem, refuseAny } from "./Refused.js"

const Points = Schema.Number.pipe(
  Schema.filter((n) => Number.isFinite(n) && n >= 0),
  Problems.explain({ code: "PARTY.POINTS", "zh-CN": "分值应为不小于 0 的数", en: "Points are a number of at least 0" })
)

const Positive = Schema.Number.pipe(
  Schema.filter((n) => Number.isFinite(n) && n > 0),
  Problems.explain({ code: "PARTY.POSITIVE", "zh-CN": "应为大于 0 的数", en: "A number above 0" })
)

const ItemCode = Schema.String.pipe(
  Schema.pattern(/^[a-z0-9_-]{1,32}$/),
  Problems.explain({
    code: "PARTY.ITEM_CODE",
    "zh-CN": "评分项代码应为 1 至 32 位小写字母、数字、_ 或 -",
    en: "An item code is 1 to 32 lower-case letters, digits, _ or -"
  })
)

/**
 * One item of a scheme: the most points it gives, and the weight its points
 * carry in the weighted score.
 *
 * @since 0.3.0
 */
export const StarItem = Schema.Struct({
  code: ItemCode,
  name: Schema.NonEmptyTrimmedString,
  maxPoints: Positive,
  weight: Positive
})

/** @since 0.3.0 */
export type StarItem = typeof StarItem.Type

// Sums of weighted decimals drift in binary (0.1 * 3); six places is finer than any scheme scores.
const exact = (n: number): number => Math.round(n * 1e6) / 1e6

/** The weighted score of points by item: each item's points times its weight, summed. @since 0.3.0 */
export const weightedScore = (
  items: ReadonlyArray<Pick<StarItem, "code" | "weight">>,
  points: ReadonlyMap<string, number>
): number => exact(items.reduce((sum, item) => sum + (points.get(item.code) ?? 0) * item.weight, 0))

/**
 * The stars a weighted score earns: the most stars whose threshold it reaches,
 * 0 below the threshold of 1 star.
 *
 * @since 0.3.0
 */
export const starsFor = (score: number, thresholds: ReadonlyArray<number>): number =>
  thresholds.reduce((stars, threshold, i) => (score >= threshold ? i + 1 : stars), 0)

/** What a scheme says: its name, its period, its items and the score each star needs. */
const Definition = {
  name: Schema.NonEmptyTrimmedString,
  from: IsoDate,
  to: IsoDate,
  items: Schema.NonEmptyArray(StarItem),
  /** The weighted score 1, 2, 3, 4 and 5 stars need, rising. */
  thresholds: Schema.Tuple(Points, Points, Points, Points, Points)
}

type Definition = Schema.Struct.Type<typeof Definition>

/** The problems of a scheme's definition on its own: its period, its items, its thresholds. */
const definitionProblems = (input: Definition): ReadonlyArray<Problem> => {
  const codes = input.items.map((item) => item.code)
  const most = exact(input.items.reduce((sum, item) => sum + item.maxPoints * item.weight, 0))
  return [
    ...(input.from <= input.to
      ? []
      : [
          problem("to", PartyCode.PeriodReversed, {
            "zh-CN": `评定期间结束于 ${input.to}，早于开始 ${input.from}`,
            en: `The period ends on ${input.to}, before it starts on ${input.from}`
          })
        ]),
    ...codes.flatMap((code, i) =>
      codes.indexOf(code) === i
        ? []
        : [
            problem(`items[${i}].code`, PartyCode.Twice, {
              "zh-CN": `评分项 ${code} 重复列出`,
              en: `Item ${code} is listed twice`
            })
          ]
    ),
    ...input.thresholds.flatMap((threshold, i) => [
      ...(i > 0 && threshold <= input.thresholds[i - 1]!
        ? [
            problem(`thresholds[${i}]`, PartyCode.ThresholdsNotAscending, {
              "zh-CN": `${i + 1} 星的分数线应高于 ${i} 星的`,
              en: `${i + 1} stars need a higher score than ${i}`
            })
          ]
        : []),
      ...(threshold > most
        ? [
            problem(`thresholds[${i}]`, PartyCode.ThresholdUnreachable, {
              "zh-CN": `${i + 1} 星的分数线 ${threshold} 高于可得的最高加权分 ${most}`,
              en: `${i + 1} stars need ${threshold}, above the most a member can score (${most})`
            })
          ]
        : [])
    ])
  ]
}

/** The problem of a name another scheme at the same place has (other than `self`). */
const nameProblems = (district: string, path: string, name: string, self?: string) =>
  Effect.map(
    Db.use((db) =>
      db
        .selectFrom("party_star_scheme")
        .select("id")
        .where("district_code", "=", district)
        .where("scope_path", "=", path)
        .where("name", "=", name)
        .$if(self !== undefined, (q) => q.where("id", "!=", self!))
        .executeTakeFirst()
    ),
    (taken): ReadonlyArray<Problem> =>
      taken === undefined
        ? []
        : [
            problem("name", PartyCode.SchemeNameTaken, {
              "zh-CN": `此处已有名为 ${name} 的评定方案`,
              en: `There is already a scheme named ${name} here`
            })
          ]
  )

const schemeValues = (input: Definition) => {
  const [star1, star2, star3, star4, star5] = input.thresholds
  return {
    name: input.name,
    period_from: input.from,
    period_to: input.to,
    star_1: star1,
    star_2: star2,
    star_3: star3,
    star_4: star4,
    star_5: star5
  }
}

const writeItems = (district: string, scheme: string, items: ReadonlyArray<StarItem>) =>
  Db.use((db) =>
    db
      .insertInto("party_star_item")
      .values(
        items.map((item, position) => ({
          district_code: district,
          scheme_id: scheme,
          code: item.code,
          name: item.name,
          max_points: item.maxPoints,
          weight: item.weight,
          position
        }))
      )
      .execute()
  )

/**
 * Defines a star rating scheme for the district, a street or a community: its
 * period, its items with their most points and weights, and the weighted score
 * each star needs.
 *
 * @example
 * ```ts
 * await kernel.exec(
 *   Party.commands.defineStarScheme({
 *     district: "230503",
 *     name: "2020年度星级党员评定",
 *     at: "230503001001",
 *     from: "2020-01-01",
 *     to: "2020-12-31",
 *     items: [
 *       { code: "study", name: "学习教育", maxPoints: 10, weight: 2 },
 *       { code: "organisational_life", name: "组织生活", maxPoints: 10, weight: 3 },
 *       { code: "service", name: "服务群众", maxPoints: 10, weight: 5 }
 *     ],
 *     thresholds: [20, 40, 60, 75, 90]
 *   }),
 *   secretary
 * )
 * ```
 * @since 0.3.0
 */
export const defineStarScheme = command({
  input: Schema.Struct({
    district: DistrictCode,
    /** The street or community the scheme is for; the whole district when absent. */
    at: Schema.optional(Seat),
    ...Definition
  }),
  load: (input) => seatPath(input.district, input.at),
  target: (input, path) => ({ district: input.district, scopePath: path }),
  run: (input, path) =>
    Effect.gen(function* () {
      yield* refuseAny([...definitionProblems(input), ...(yield* nameProblems(input.district, path, input.name))])
      const id = yield* Ids.next
      yield* Db.use((db) =>
        db
          .insertInto("party_star_scheme")
          .values({ district_code: input.district, id, ...schemeValues(input), scope_path: path })
          .execute()
      )
      yield* writeItems(input.district, id, input.items)
      yield* Events.append({
        type: "party.star-scheme-defined",
        district: input.district,
        scopePath: path,
        subject: id,
        payload: {
          name: input.name,
          from: input.from,
          to: input.to,
          items: input.items.map((item) => item.code),
          thresholds: input.thresholds
        }
      })
      return { id }
    })
})

interface SchemeRow {
  readonly id: string
  readonly name: string
  readonly period_from: string
  readonly period_to: string
  readonly thresholds: readonly [number, number, number, number, number]
  readonly scope_path: string
  readonly items: ReadonlyArray<StarItem>
}

const schemeRow = (district: string, id: string) =>
  Effect.gen(function* () {
    const row = yield* Db.use((db) =>
      db
        .selectFrom("party_star_scheme")
        .selectAll()
        .where("district_code", "=", district)
        .where("id", "=", id)
        .executeTakeFirst()
    )
    if (row === undefined) return yield* notFound("star scheme", id)
    const items = yield* Db.use((db) =>
      db
        .selectFrom("party_star_item")
        .select(["code", "name", "max_points", "weight"])
        .where("district_code", "=", district)
        .where("scheme_id", "=", id)
        .orderBy("position")
        .execute()
    )
    return {
      id: String(row.id),
      name: String(row.name),
      period_from: String(row.period_from),
      period_to: String(row.period_to),
      thresholds: [Number(row.star_1), Number(row.star_2), Number(row.star_3), Number(row.star_4), Number(row.star_5)],
      scope_path: String(row.scope_path),
      items: items.map((i) => ({
        code: String(i.code),
        name: String(i.name),
        maxPoints: Number(i.max_points),
        weight: Number(i.weight)
      }))
    } satisfies SchemeRow
  })

/** A scheme held until commit and read again under the hold: scoring and revising take turns. */
const heldScheme = (district: string, id: string) =>
  Effect.zipRight(holdRow("party_star_scheme", district, id), schemeRow(district, id))

const sameItem = (a: StarItem, b: StarItem) => a.maxPoints === b.maxPoints && a.weight === b.weight

/**
 * Revises a scheme, given whole as it should read. An organisation department
 * announces a scheme before its period and scores members against it, so once
 * a score is entered under it the scheme stays as members were scored
 * against: its period, its items (their codes, most points and weights) and
 * its thresholds no longer change, and no member's stars change under them;
 * only its name and the items' names and order may still be corrected. A
 * different scheme for the period, or for the next, is defined anew. Before the
 * first score, anything may change. A revision that changes nothing says
 * nothing.
 *
 * @example
 * ```ts
 * await kernel.exec(
 *   Party.commands.reviseStarScheme({ district: "230503", scheme, ...definition, thresholds: [25, 45, 60, 75, 90] }),
 *   secretary
 * )
 * ```
 * @since 0.3.0
 */
export const reviseStarScheme = command({
  input: Schema.Struct({ district: DistrictCode, scheme: Schema.UUID, ...Definition }),
  load: (input) => schemeRow(input.district, input.scheme),
  target: (input, scheme) => ({ district: input.district, scopePath: scheme.scope_path }),
  run: (input, loaded) =>
    Effect.gen(function* () {
      const scheme = yield* heldScheme(input.district, loaded.id)
      const scored = yield* Db.use((db) =>
        db
          .selectFrom("party_star_score")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("district_code", "=", input.district)
          .where("scheme_id", "=", scheme.id)
          .executeTakeFirstOrThrow()
      )
      const scores = Number(scored.n)
      const frozen = (path: string, what: Text): Problem =>
        problem(path, PartyCode.SchemeScored, {
          "zh-CN": `方案已录入 ${scores} 项分数，${what["zh-CN"]}不能再改：请另行制定方案`,
          en: `${scores} scores were entered under the scheme, so ${what.en} no longer changes: define a new scheme`
        })
      const byCode = new Map(scheme.items.map((item) => [item.code, item]))
      const codes = new Set(input.items.map((item) => item.code))
      const freezes: ReadonlyArray<Problem> =
        scores === 0
          ? []
          : [
              ...(input.from === scheme.period_from ? [] : [frozen("from", { "zh-CN": "评定期间", en: "its period" })]),
              ...(input.to === scheme.period_to ? [] : [frozen("to", { "zh-CN": "评定期间", en: "its period" })]),
              ...input.items.flatMap((item, i) => {
                const was = byCode.get(item.code)
                return was === undefined
                  ? [frozen(`items[${i}].code`, { "zh-CN": `新增评分项 ${item.code}`, en: `a new item ${item.code}` })]
                  : sameItem(item, was)
                    ? []
                    : [
                        frozen(`items[${i}]`, {
                          "zh-CN": `评分项 ${item.code} 的最高分和权重`,
                          en: `the most points and weight of ${item.code}`
                        })
                      ]
              }),
              ...scheme.items
                .filter((item) => !codes.has(item.code))
                .map((item) =>
                  frozen("items", { "zh-CN": `删去评分项 ${item.code}`, en: `removing the item ${item.code}` })
                ),
              ...input.thresholds.flatMap((threshold, i) =>
                threshold === scheme.thresholds[i]
                  ? []
                  : [
                      frozen(`thresholds[${i}]`, {
                        "zh-CN": `${i + 1} 星的分数线`,
                        en: `the score ${i + 1} stars need`
                      })
                    ]
              )
            ]
      yield* refuseAny(
        [
          ...definitionProblems(input),
          ...(yield* nameProblems(input.district, scheme.scope_path, input.name, scheme.id)),
          ...freezes
        ],
        scheme.id
      )
      const unchanged =
        input.name === scheme.name &&
        input.from === scheme.period_from &&
        input.to === scheme.period_to &&
        input.thresholds.every((t, i) => t === scheme.thresholds[i]) &&
        input.items.length === scheme.items.length &&
        input.items.every((item, i) => {
          const was = scheme.items[i]!
          return item.code === was.code && item.name === was.name && sameItem(item, was)
        })
      if (unchanged) return
      yield* Db.use((db) =>
        db
          .updateTable("party_star_scheme")
          .set(schemeValues(input))
          .where("district_code", "=", input.district)
          .where("id", "=", scheme.id)
          .execute()
      )
      if (scores === 0) {
        yield* Db.use((db) =>
          db
            .deleteFrom("party_star_item")
            .where("district_code", "=", input.district)
            .where("scheme_id", "=", scheme.id)
            .execute()
        )
        yield* writeItems(input.district, scheme.id, input.items)
      } else {
        // The scores name the items by code: the same codes stay, with their names and order corrected.
        for (const [position, item] of input.items.entries()) {
          yield* Db.use((db) =>
            db
              .updateTable("party_star_item")
              .set({ name: item.name, position })
              .where("district_code", "=", input.district)
              .where("scheme_id", "=", scheme.id)
              .where("code", "=", item.code)
              .execute()
          )
        }
      }
      yield* Events.append({
        type: "party.star-scheme-revised",
        district: input.district,
        scopePath: scheme.scope_path,
        subject: scheme.id,
        payload: {
          name: input.name,
          from: input.from,
          to: input.to,
          items: input.items.map((item) => item.code),
          thresholds: input.thresholds,
          was: {
            name: scheme.name,
            from: scheme.period_from,
            to: scheme.period_to,
            items: scheme.items.map((item) => item.code),
            thresholds: scheme.thresholds
          }
        }
      })
    })
})

/**
 * Enters a member's points on one item of a scheme, with the evidence, for a
 * date in the scheme's period; entering it again replaces it.
 *
 * @since 0.3.0
 */
export const enterScore = command({
  input: Schema.Struct({
    district: DistrictCode,
    scheme: Schema.UUID,
    member: Schema.UUID,
    /** The item's code. */
    item: ItemCode,
    points: Points,
    /** What the points rest on (attendance records, the service done, the study completed). */
    evidence: Schema.NonEmptyTrimmedString,
    /** The date the scored work was done or assessed: within the scheme's period. */
    on: IsoDate
  }),
  load: (input) =>
    Effect.all({ member: memberRow(input.district, input.member), scheme: schemeRow(input.district, input.scheme) }),
  target: (input, { member }) => ({ district: input.district, scopePath: member.scope_path }),
  run: (input, { member, scheme: loaded }) =>
    Effect.gen(function* () {
      // Scored against the scheme as it stands under the hold, which a revision takes too.
      const scheme = yield* heldScheme(input.district, loaded.id)
      const today = yield* todayInChina
      const item = scheme.items.find((i) => i.code === input.item)
      const problems: ReadonlyArray<Problem> = [
        ...(item === undefined
          ? [
              problem("item", PartyCode.UnknownItem, {
                "zh-CN": `方案 ${scheme.name} 没有评分项 ${input.item}`,
                en: `The scheme ${scheme.name} has no item ${input.item}`
              })
            ]
          : input.points > item.maxPoints
            ? [
                problem("points", PartyCode.ScoreAboveMaximum, {
                  "zh-CN": `${item.name}最高 ${item.maxPoints} 分，不能记 ${input.points} 分`,
                  en: `${item.name} gives at most ${item.maxPoints} points, not ${input.points}`
                })
              ]
            : []),
        ...(input.on >= scheme.period_from && input.on <= scheme.period_to
          ? []
          : [
              problem("on", PartyCode.ScoreOutsidePeriod, {
                "zh-CN": `${input.on} 不在评定期间（${scheme.period_from} 至 ${scheme.period_to}）`,
                en: `${input.on} is outside the scheme's period (${scheme.period_from} to ${scheme.period_to})`
              })
            ]),
        ...(within(member.scope_path, scheme.scope_path)
          ? []
          : [
              problem("member", PartyCode.MemberOutsideScheme, {
                "zh-CN": `该党员的档案不在方案 ${scheme.name} 适用的范围内`,
                en: `The member's record lies outside the place the scheme ${scheme.name} is for`
              })
            ]),
        ...notAfter("on", input.on, today)
      ]
      yield* refuseAny(problems, member.id)
      const was = yield* Db.use((db) =>
        db
          .selectFrom("party_star_score")
          .select("points")
          .where("district_code", "=", input.district)
          .where("scheme_id", "=", scheme.id)
          .where("member_id", "=", member.id)
          .where("item_code", "=", input.item)
          .executeTakeFirst()
      )
      const values = { points: input.points, evidence: input.evidence, scored_on: input.on }
      yield* Db.use((db) =>
        db
          .insertInto("party_star_score")
          .values({
            district_code: input.district,
            scheme_id: scheme.id,
            member_id: member.id,
            item_code: input.item,
            ...values,
            scope_path: member.scope_path
          })
          .onConflict((oc) => oc.columns(["district_code", "scheme_id", "member_id", "item_code"]).doUpdateSet(values))
          .execute()
      )
      yield* Events.append({
        type: "party.score-entered",
        district: input.district,
        scopePath: member.scope_path,
        subject: member.id,
        payload: {
          scheme: scheme.id,
          item: input.item,
          points: input.points,
          on: input.on,
          was: was === undefined ? null : Number(was.points)
        }
      })
    })
})

/**
 * A member's rating under a scheme: their points by item with the evidence,
 * the weighted score, and the stars it earns.
 *
 * @since 0.3.0
 */
export interface StarRating {
  readonly member: string
  /** `null` when the person's own record lies outside the reader's scope. */
  readonly name: string | null
  /** The organisation the member was attached to on the last day of the scheme's period; `null` for none. */
  readonly organisation: string | null
  readonly items: ReadonlyArray<{
    readonly item: string
    readonly points: number
    readonly evidence: string
    readonly on: string
  }>
  readonly score: number
  /** 0 to 5. */
  readonly stars: number
}

/**
 * The ratings of a scheme: every member scored under it whose record the
 * reader's scope holds, best first, with the stars computed from the weighted
 * score and the scheme's thresholds.
 *
 * @example
 * ```ts
 * const { ratings } = await kernel.exec(Party.queries.stars({ district: "230503", scheme }), actor)
 * ratings.filter((r) => r.stars === 5).length
 * ```
 * @since 0.3.0
 */
export const stars = query({
  input: Schema.Struct({ district: DistrictCode, scheme: Schema.UUID }),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.gen(function* () {
      const scheme = yield* schemeRow(input.district, input.scheme)
      const visible = yield* readable("stars")
      const rows = yield* Db.use((db) =>
        db
          .selectFrom("party_star_score as s")
          .innerJoin("party_member as m", (j) =>
            j.onRef("m.district_code", "=", "s.district_code").onRef("m.id", "=", "s.member_id")
          )
          .leftJoin("registry_person as p", (j) =>
            j.onRef("p.district_code", "=", "m.district_code").onRef("p.id", "=", "m.person_id")
          )
          .leftJoin("party_member_attachment as a", (j) =>
            j
              .onRef("a.district_code", "=", "s.district_code")
              .onRef("a.member_id", "=", "s.member_id")
              .on("a.valid_from", "<=", scheme.period_to)
              .on((eb) => eb.or([eb("a.valid_to", "is", null), eb("a.valid_to", ">", scheme.period_to)]))
          )
          .select([
            "s.member_id",
            "p.name",
            "a.organisation_id",
            "s.item_code",
            "s.points",
            "s.evidence",
            "s.scored_on"
          ])
          .where("s.district_code", "=", input.district)
          .where("s.scheme_id", "=", scheme.id)
          .where(visible("s"))
          .execute()
      )
      const order = new Map(scheme.items.map((item, i) => [item.code, i]))
      const byMember = new Map<
        string,
        { name: string | null; organisation: string | null; items: Array<StarRating["items"][number]> }
      >()
      for (const r of rows) {
        const id = String(r.member_id)
        const entry = byMember.get(id) ?? {
          name: r.name === null ? null : String(r.name),
          organisation: r.organisation_id === null ? null : String(r.organisation_id),
          items: []
        }
        entry.items.push({
          item: String(r.item_code),
          points: Number(r.points),
          evidence: String(r.evidence),
          on: String(r.scored_on)
        })
        byMember.set(id, entry)
      }
      const ratings = [...byMember].map(([member, { name, organisation, items }]): StarRating => {
        const score = weightedScore(scheme.items, new Map(items.map((i) => [i.item, i.points])))
        return {
          member,
          name,
          organisation,
          items: items.sort((a, b) => order.get(a.item)! - order.get(b.item)!),
          score,
          stars: starsFor(score, scheme.thresholds)
        }
      })
      ratings.sort((a, b) => b.score - a.score || byCodePoint(a.member, b.member))
      return {
        scheme: {
          id: scheme.id,
          name: scheme.name,
          from: scheme.period_from,
          to: scheme.period_to,
          items: scheme.items,
          thresholds: scheme.thresholds
        },
        ratings
      }
    })
})
