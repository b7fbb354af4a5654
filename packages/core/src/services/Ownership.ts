/**
 * First-inquiry responsibility (首问负责制): the first worker a request reaches
 * owns it until it is done or handed over with a reason. After it climbs a
 * level nobody owns it there until a worker of that level takes it; the level's
 * unit holds it meanwhile. Looking at it or adding a note never changes owner.
 * When its owner leaves (their post ends, their role is revoked), the level
 * above reassigns it, with a reason.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { covers, CurrentActor, type RoleGrant, type ScopeLevel } from "../Actor.js"
import { now } from "../Calendar.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import * as Events from "../Events.js"
import { command } from "../Plugin.js"
import { climb, type ServiceLevel } from "./Levels.js"
import { handles, mayHandle, type ServiceMenuItem, serviceOf } from "./Menu.js"
import { refused, ServicesCode } from "./Refused.js"
import {
  noLapsePending,
  ownedBy,
  Reason,
  recordOwner,
  type RequestRow,
  requestRow,
  requestTarget,
  stillOpen,
  unchanged
} from "./Requests.js"

/**
 * A worker of the request's level takes a request nobody owns there (one that
 * has just climbed to it): they own it from now on.
 *
 * @since 0.3.0
 */
export const take = command({
  input: Schema.Struct({ district: DistrictCode, request: Schema.UUID }),
  load: (input) => requestRow(input.district, input.request),
  target: requestTarget,
  run: (input, row) =>
    Effect.gen(function* () {
      yield* stillOpen(row)
      if (row.owner !== null) {
        return yield* refused(
          ServicesCode.AlreadyOwned,
          { "zh-CN": `该诉求已由 ${row.owner} 承办`, en: `The request is already owned by ${row.owner}` },
          row.id
        )
      }
      const at = yield* now
      yield* noLapsePending(row, at)
      const actor = yield* CurrentActor
      yield* mayHandle(actor, yield* serviceOf(input.district, row.service), input.district, row.level, row.scope_path)
      const result = yield* Db.use((db) =>
        db
          .updateTable("services_request")
          .set({ owner: actor.id })
          .where("district_code", "=", input.district)
          .where("id", "=", row.id)
          .where("status", "=", "open")
          .where("level", "=", row.level)
          .where("owner", "is", null)
          .executeTakeFirst()
      )
      yield* unchanged(result, row.id)
      yield* recordOwner(input.district, row, { level: row.level, owner: actor.id, since: at, kind: "taken" })
      yield* Events.append({
        type: "services.request-taken",
        district: input.district,
        scopePath: row.scope_path,
        subject: row.id,
        payload: { level: row.level, owner: actor.id }
      })
    })
})

/** The active role grants of a user in a district, as `kernel.actorFor` reads them. */
const grantsOf = (district: string, user: string) =>
  Effect.map(
    Db.use((db) =>
      db
        .selectFrom("core_role_grant")
        .select(["role", "level", "scope_path"])
        .where("district_code", "=", district)
        .where("user_id", "=", user)
        .where("revoked_at", "is", null)
        .execute()
    ),
    (rows) =>
      rows.map((r) => ({
        role: String(r.role),
        district,
        level: String(r.level) as ScopeLevel,
        scopePath: String(r.scope_path)
      }))
  )

/** Fails with `SERVICES.NOT_A_HANDLER` unless `user` handles `item` at the request's level for its grid. */
const handlesIt = (district: string, user: string, item: ServiceMenuItem, row: RequestRow) =>
  Effect.flatMap(grantsOf(district, user), (grants) =>
    handles(grants, item, district, row.level, row.scope_path)
      ? Effect.void
      : Effect.fail(
          refused(
            ServicesCode.NotAHandler,
            {
              "zh-CN": `${user} 不能在本级办理${item.label["zh-CN"]}服务`,
              en: `${user} does not handle ${item.label.en} at the request's level`
            },
            user
          )
        )
  )

/**
 * Gives the request to `input.to`, where it still stands at its level with the
 * owner it was read with (`from`, none when nobody had taken it), and records
 * the change in the ownership history and the event log.
 */
const changeOwner = (
  input: { readonly district: string; readonly to: string; readonly reason: string },
  row: RequestRow,
  change: { readonly from: string | null; readonly at: Date; readonly kind: "handed_over" | "reassigned" }
) =>
  Effect.gen(function* () {
    const { from, at, kind } = change
    const result = yield* Db.use((db) =>
      db
        .updateTable("services_request")
        .set({ owner: input.to })
        .where("district_code", "=", input.district)
        .where("id", "=", row.id)
        .where("status", "=", "open")
        .where("level", "=", row.level)
        .where("owner", from === null ? "is" : "=", from)
        .executeTakeFirst()
    )
    yield* unchanged(result, row.id)
    yield* recordOwner(input.district, row, {
      level: row.level,
      owner: input.to,
      since: at,
      kind,
      ...(from === null ? {} : { previous: from }),
      reason: input.reason
    })
    yield* Events.append({
      type: kind === "handed_over" ? "services.request-handed-over" : "services.request-reassigned",
      district: input.district,
      scopePath: row.scope_path,
      subject: row.id,
      payload: { level: row.level, from, to: input.to, reason: input.reason }
    })
  })

/**
 * The owner hands the request over to another worker who handles the service
 * at its level, with a reason: the new owner is answerable for it from now on.
 *
 * @since 0.3.0
 */
export const handOver = command({
  input: Schema.Struct({
    district: DistrictCode,
    request: Schema.UUID,
    /** The user id of the worker taking it over. */
    to: Schema.NonEmptyTrimmedString,
    reason: Reason
  }),
  load: (input) => requestRow(input.district, input.request),
  target: requestTarget,
  run: (input, row) =>
    Effect.gen(function* () {
      yield* stillOpen(row)
      const actor = yield* CurrentActor
      yield* ownedBy(row, actor)
      if (input.to === actor.id) {
        return yield* refused(
          ServicesCode.HandoverToOwner,
          { "zh-CN": "不能移交给承办人本人", en: "A request is handed over to someone other than its owner" },
          row.id
        )
      }
      const at = yield* now
      yield* noLapsePending(row, at)
      yield* handlesIt(input.district, input.to, yield* serviceOf(input.district, row.service), row)
      yield* changeOwner(input, row, { from: actor.id, at, kind: "handed_over" })
    })
})

const admins = ["community_admin", "street_admin", "district_admin"]

/**
 * Whether a grant puts its holder above a request at `level` of the grid at
 * `gridPath`: held at a level above it over a scope that covers the grid, or as
 * an admin of that level (the community admin over a request at the community,
 * the command centre over one that has reached it).
 */
const supervises = (
  grant: Pick<RoleGrant, "role" | "district" | "level" | "scopePath">,
  district: string,
  level: ServiceLevel,
  gridPath: string
): boolean =>
  grant.district === district &&
  covers(grant, gridPath) &&
  (climb.indexOf(grant.level) > climb.indexOf(level) || (grant.level === level && admins.includes(grant.role)))

/**
 * The level above reassigns a request whose owner has left (their staff post
 * ended, or their role was revoked), or one nobody has taken at its level, to a
 * worker who handles the service there, with a reason: the new owner answers
 * for it from now on, and a deadline that lapses later is recorded against
 * them. An owner still in post is never displaced (`SERVICES.OWNER_IN_POST`):
 * they hand the request over themselves.
 *
 * @example
 * ```ts
 * await kernel.exec(
 *   Services.commands.reassign({ district: "230503", request, to: "u-zhou", reason: "原承办人已离岗" }),
 *   communityWorker
 * )
 * ```
 * @since 0.3.0
 */
export const reassign = command({
  input: Schema.Struct({
    district: DistrictCode,
    request: Schema.UUID,
    /** The user id of the worker who owns it from now on. */
    to: Schema.NonEmptyTrimmedString,
    reason: Reason
  }),
  load: (input) => requestRow(input.district, input.request),
  target: requestTarget,
  run: (input, row) =>
    Effect.gen(function* () {
      yield* stillOpen(row)
      const actor = yield* CurrentActor
      if (
        actor.kind !== "system" &&
        !actor.roles.some((g) => supervises(g, input.district, row.level, row.scope_path))
      ) {
        return yield* refused(
          ServicesCode.NotAbove,
          {
            "zh-CN": `${actor.id} 不是该诉求的上级，不能改派`,
            en: `${actor.id} is not above the request's level: only the level above reassigns it`
          },
          actor.id
        )
      }
      const item = yield* serviceOf(input.district, row.service)
      if (
        row.owner !== null &&
        handles(yield* grantsOf(input.district, row.owner), item, input.district, row.level, row.scope_path)
      ) {
        return yield* refused(
          ServicesCode.OwnerInPost,
          {
            "zh-CN": `承办人 ${row.owner} 仍在岗，由其本人移交`,
            en: `The owner, ${row.owner}, is still in post: they hand the request over themselves`
          },
          row.id
        )
      }
      const at = yield* now
      yield* noLapsePending(row, at)
      yield* handlesIt(input.district, input.to, item, row)
      yield* changeOwner(input, row, { from: row.owner, at, kind: "reassigned" })
    })
})
