/**
 * What the whitelist did, as `shequ report stamps` prints it: requests granted
 * and refused by month, by what was asked and by the department that asked. A
 * creeping return of the old paperwork (防止反弹) shows as a refused count that
 * rises month by month for one item or one department.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { scopePath } from "../Actor.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import { query } from "../Plugin.js"
import * as Policy from "../Policy.js"
import { CommunityCode, communityByCode, IsoDate } from "../registry/Places.js"
import type { StampRequestKind } from "./Refused.js"

/**
 * One line of the report: in one month, requests of one kind for one code
 * from one department, granted (stamped, hung, taken on) and refused.
 *
 * @since 0.3.0
 */
export interface StampFigures {
  /** `YYYY-MM`, of the requests' dates in Asia/Shanghai. */
  readonly month: string
  readonly kind: StampRequestKind
  readonly code: string
  readonly department: string
  readonly granted: number
  readonly refused: number
}

/**
 * The figures of a period (every date when `from` and `to` are not given, both
 * inclusive), for one community or, for a reader who holds the district, the
 * whole district; ordered by month, kind, code and department.
 *
 * @example
 * ```ts
 * const lines = await kernel.exec(
 *   Stamps.queries.report({ district: "230503", from: "2020-01-01", to: "2020-12-31" }),
 *   Actor.system("cli")
 * )
 * lines.filter((l) => l.refused > 0) // what the communities turned away, month by month
 * ```
 * @since 0.3.0
 */
export const report = query({
  input: Schema.Struct({
    district: DistrictCode,
    community: Schema.optional(CommunityCode),
    from: Schema.optional(IsoDate),
    to: Schema.optional(IsoDate)
  }),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.gen(function* () {
      // Decisions are a community's: the reader needs that community, or the district for all of them.
      const node =
        input.community === undefined
          ? scopePath(input.district)
          : (yield* communityByCode(input.district, input.community)).scope_path
      yield* Policy.authorize("stamps.report", { district: input.district, scopePath: node })
      const rows = yield* Db.use((db) =>
        db
          .selectFrom("stamps_decision")
          .select((eb) => ["requested_on", "kind", "code", "department", "outcome", eb.fn.countAll<number>().as("n")])
          .where("district_code", "=", input.district)
          .$if(input.community !== undefined, (q) => q.where("community_code", "=", input.community!))
          .$if(input.from !== undefined, (q) => q.where("requested_on", ">=", input.from!))
          .$if(input.to !== undefined, (q) => q.where("requested_on", "<=", input.to!))
          .groupBy(["requested_on", "kind", "code", "department", "outcome"])
          .execute()
      )
      const lines = new Map<string, { -readonly [K in keyof StampFigures]: StampFigures[K] }>()
      for (const row of rows) {
        const month = String(row.requested_on).slice(0, 7)
        const key = [month, row.kind, row.code, row.department].join("\u0000")
        const line = lines.get(key) ?? {
          month,
          kind: row.kind as StampRequestKind,
          code: String(row.code),
          department: String(row.department),
          granted: 0,
          refused: 0
        }
        if (row.outcome === "refused") line.refused += Number(row.n)
        else line.granted += Number(row.n)
        lines.set(key, line)
      }
      return [...lines.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, line]): StampFigures => line)
    })
})
