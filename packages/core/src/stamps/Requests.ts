/**
 * Requests to a community from other departments, or from residents carrying
 * their forms: stamp an item (盖章), hang a plaque (挂牌), take on work
 * (工作准入). Each is checked against the whitelist in force on its date. One
 * on the list is granted and recorded (who, which community, what, for which
 * department, under which version); one not on it fails with
 * {@link StampRefused}, nothing of it is written, and the kernel records the
 * refusal, which {@link recordRefusal} turns into the row the counts come from.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { CurrentActor } from "../Actor.js"
import { now } from "../Calendar.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command, type Handler } from "../Plugin.js"
import { CommunityCode, communityByCode, IsoDate, todayInChina } from "../registry/Places.js"
import { StampRequestKind, ruleOf, StampRefused, StampsCode, WhitelistRefused } from "./Refused.js"
import { heldVersionInForce, lists, StampDepartment, WhitelistCode } from "./Whitelist.js"

interface Request {
  readonly district: string
  readonly community: string
  readonly department: string
  readonly requestedOn?: string | undefined
}

const decide = (kind: StampRequestKind, code: string, input: Request, community: { readonly scope_path: string }) =>
  Effect.gen(function* () {
    const today = yield* todayInChina
    const requestedOn = input.requestedOn ?? today
    if (requestedOn > today) {
      return yield* new WhitelistRefused({
        code: StampsCode.RequestInFuture,
        date: requestedOn,
        reason: {
          "zh-CN": `申请日期 ${requestedOn} 晚于今天（${today}）`,
          en: `The request is dated ${requestedOn}, after today (${today})`
        }
      })
    }
    // Held until the decision commits, so a publication back-dated over this date waits and is refused.
    const version = yield* heldVersionInForce(input.district, requestedOn)
    if (version === undefined) {
      return yield* new WhitelistRefused({
        code: StampsCode.NoVersionInForce,
        date: requestedOn,
        reason: {
          "zh-CN": `${requestedOn} 没有施行中的社区盖章事项白名单：请先由区里发布`,
          en: `No version of the whitelist was in force on ${requestedOn}: the district publishes one first`
        }
      })
    }
    const number = Number(version.number)
    if (!(yield* lists(input.district, version, kind, code, input.department))) {
      return yield* new StampRefused({
        code: ruleOf(kind),
        district: input.district,
        community: input.community,
        scopePath: community.scope_path,
        kind,
        item: code,
        department: input.department,
        requestedOn,
        version: number,
        effectiveOn: String(version.effective_on)
      })
    }
    const id = yield* Ids.next
    const actor = yield* CurrentActor
    const decidedAt = yield* now
    yield* Db.use((db) =>
      db
        .insertInto("stamps_decision")
        .values({
          district_code: input.district,
          id,
          outcome: "granted",
          kind,
          code,
          department: input.department,
          community_code: input.community,
          scope_path: community.scope_path,
          version: number,
          requested_on: requestedOn,
          rule: null,
          decided_by: actor.id,
          decided_at: decidedAt
        })
        .execute()
    )
    yield* Events.append({
      type: "stamps.granted",
      district: input.district,
      scopePath: community.scope_path,
      subject: id,
      payload: { kind, code, department: input.department, community: input.community, requestedOn, version: number }
    })
    return { id, version: number }
  })

const request = {
  district: DistrictCode,
  /** The community asked, by its 12-digit code: the request is in its scope. */
  community: CommunityCode,
  /** The department that asks (or whose form a resident brings). */
  department: StampDepartment,
  /** The day the request reached the community, Asia/Shanghai; today when not given, never after it. */
  requestedOn: Schema.optional(IsoDate)
}

const communityOf = (input: Request) => communityByCode(input.district, input.community)
const target = (input: Request, community: { readonly scope_path: string }) => ({
  district: input.district,
  scopePath: community.scope_path
})

/**
 * Stamps an item for a department (盖章), if the whitelist in force lists it.
 *
 * @since 0.3.0
 */
export const stamp = command({
  input: Schema.Struct({ ...request, item: WhitelistCode }),
  load: communityOf,
  target,
  run: (input, community) => decide("item", input.item, input, community)
})

/**
 * Hangs a department's plaque at the community (挂牌), if the list of plaques
 * in force names it.
 *
 * @since 0.3.0
 */
export const hangPlaque = command({
  input: Schema.Struct({ ...request, plaque: WhitelistCode }),
  load: communityOf,
  target,
  run: (input, community) => decide("plaque", input.plaque, input, community)
})

/**
 * Takes on a department's work (工作准入), if the access list in force lists
 * that work for that department.
 *
 * @since 0.3.0
 */
export const acceptWork = command({
  input: Schema.Struct({ ...request, work: WhitelistCode }),
  load: communityOf,
  target,
  run: (input, community) => decide("work", input.work, input, community)
})

const Refusal = Schema.Struct({
  scopePath: Schema.String,
  kind: StampRequestKind,
  code: Schema.String,
  department: Schema.String,
  community: Schema.String,
  requestedOn: Schema.String,
  version: Schema.Number,
  rule: Schema.Literal(StampsCode.ItemNotWhitelisted, StampsCode.PlaqueNotAllowed, StampsCode.WorkNotAdmitted)
})

/**
 * The handler of `stamps.refused`: writes the refusal's row, keyed by the
 * event's id, with the actor and time of the event.
 *
 * @since 0.3.0
 */
export const recordRefusal: Handler<unknown> = (event) =>
  Effect.gen(function* () {
    const refusal = yield* Schema.decodeUnknown(Refusal)({ ...event.payload, scopePath: event.scopePath })
    yield* Db.use((db) =>
      db
        .insertInto("stamps_decision")
        .values({
          district_code: event.district,
          id: event.id,
          outcome: "refused",
          kind: refusal.kind,
          code: refusal.code,
          department: refusal.department,
          community_code: refusal.community,
          scope_path: refusal.scopePath,
          version: refusal.version,
          requested_on: refusal.requestedOn,
          rule: refusal.rule,
          decided_by: event.actor,
          decided_at: event.occurredAt
        })
        .execute()
    )
  })
