/**
 * Temporary access (DHIS2's temporary ownership): a worker who must act outside
 * their scope (a resident of a neighbouring grid, in an emergency) is let in to
 * that one resident, for a stated reason, until an expiry. The level above grants
 * it: whoever holds an allowed role (by default a community, street or district
 * admin) over the resident. Every query that reads through it leaves a
 * `registry.temporary-access-read` event in the audit trail; the kernel's scope
 * filter does the reading and the auditing, this module keeps the grants.
 *
 * @since 0.2.0
 */
import { Clock, Effect, Schema } from "effect"
import { CurrentActor } from "../Actor.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import { CoreCode, NotFound } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command } from "../Plugin.js"
import * as Problems from "../Problems.js"
import { refused } from "./Refused.js"

/**
 * The longest temporary access one grant gives: 7 days. An emergency is
 * settled in days; a worker who needs a resident for longer belongs in that
 * resident's grid, and re-districting or a post (`appointStaff`) is the way.
 *
 * @since 0.2.0
 */
export const MAX_TEMPORARY_ACCESS_MS = 7 * 24 * 3_600_000

/**
 * The registry's refusals about temporary access, by stable code. A reason
 * that is empty is refused at input with the problem code
 * `REGISTRY.ACCESS_REASON`.
 *
 * @since 0.2.0
 */
export const TemporaryAccessCode = {
  /** The expiry is not after the moment of the grant. */
  ExpiryPast: "REGISTRY.ACCESS_EXPIRY_PAST",
  /** The expiry lies further ahead than {@link MAX_TEMPORARY_ACCESS_MS}. */
  ExpiryTooFar: "REGISTRY.ACCESS_EXPIRY_TOO_FAR",
  /** The access was revoked or has expired already. */
  Ended: "REGISTRY.ACCESS_ENDED"
} as const

/** Why access is needed: any text but blank, kept in the audit trail. @since 0.2.0 */
export const AccessReason = Schema.String.pipe(
  Schema.filter((s) => s.trim().length > 0),
  Problems.explain({
    code: "REGISTRY.ACCESS_REASON",
    "zh-CN": "临时授权须说明理由",
    en: "Temporary access needs a reason"
  })
)

/** An instant, as a `Date` or an ISO-8601 text. @since 0.2.0 */
export const Instant = Schema.Union(Schema.ValidDateFromSelf, Schema.Date)

const notFound = (entity: string, id: string) => new NotFound({ code: CoreCode.NotFound, entity, id })

/** A resident the access would reach: a person who lives in the district (not one recorded without a household). */
const residentOf = (district: string, id: string) =>
  Effect.gen(function* () {
    const row = yield* Db.use((db) =>
      db
        .selectFrom("registry_person")
        .select(["scope_path", "household_id"])
        .where("district_code", "=", district)
        .where("id", "=", id)
        .executeTakeFirst()
    )
    if (row === undefined || row.household_id === null) return yield* notFound("resident", id)
    return { scopePath: String(row.scope_path) }
  })

const hours = (ms: number) => Math.round(ms / 3_600_000)

export const grantTemporaryAccess = command({
  input: Schema.Struct({
    district: DistrictCode,
    /** The user who is let in: the id their actor carries. */
    user: Schema.NonEmptyTrimmedString,
    /** The resident they may read. */
    resident: Schema.UUID,
    reason: AccessReason,
    expiresAt: Instant
  }),
  load: (input) => residentOf(input.district, input.resident),
  // The grantor must hold an allowed role over the resident: the level above both grids, in practice.
  target: (input, resident) => ({ district: input.district, scopePath: resident.scopePath }),
  run: (input, resident) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const expires = input.expiresAt.getTime()
      if (expires <= now) {
        return yield* refused(
          TemporaryAccessCode.ExpiryPast,
          { "zh-CN": "临时授权的到期时间应晚于现在", en: "Temporary access must expire after now" },
          input.resident
        )
      }
      if (expires - now > MAX_TEMPORARY_ACCESS_MS) {
        const max = hours(MAX_TEMPORARY_ACCESS_MS)
        return yield* refused(
          TemporaryAccessCode.ExpiryTooFar,
          {
            "zh-CN": `临时授权最长 ${max / 24} 天（${max} 小时）`,
            en: `Temporary access lasts at most ${max / 24} days (${max} hours)`
          },
          input.resident
        )
      }
      const id = yield* Ids.next
      const actor = yield* CurrentActor
      const grantedAt = new Date(now)
      const expiresAt = new Date(expires)
      yield* Db.use((db) =>
        db
          .insertInto("registry_temporary_access")
          .values({
            district_code: input.district,
            id,
            user_id: input.user,
            person_id: input.resident,
            reason: input.reason.trim(),
            granted_by: actor.id,
            granted_at: grantedAt,
            expires_at: expiresAt
          })
          .execute()
      )
      yield* Events.append({
        type: "registry.temporary-access-granted",
        district: input.district,
        scopePath: resident.scopePath,
        subject: input.resident,
        payload: { access: id, user: input.user, reason: input.reason.trim(), expiresAt: expiresAt.toISOString() }
      })
      return { id, expiresAt }
    })
})

export const revokeTemporaryAccess = command({
  input: Schema.Struct({ district: DistrictCode, access: Schema.UUID }),
  load: (input) =>
    Effect.gen(function* () {
      const row = yield* Db.use((db) =>
        db
          .selectFrom("registry_temporary_access")
          .select(["person_id", "expires_at", "revoked_at"])
          .where("district_code", "=", input.district)
          .where("id", "=", input.access)
          .executeTakeFirst()
      )
      if (row === undefined) return yield* notFound("temporary access", input.access)
      const person = yield* Db.use((db) =>
        db
          .selectFrom("registry_person")
          .select("scope_path")
          .where("district_code", "=", input.district)
          .where("id", "=", row.person_id)
          .executeTakeFirstOrThrow()
      )
      return {
        person: String(row.person_id),
        scopePath: String(person.scope_path),
        expiresAt: new Date(row.expires_at as string | Date),
        revoked: row.revoked_at !== null
      }
    }),
  target: (input, access) => ({ district: input.district, scopePath: access.scopePath }),
  run: (input, access) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      if (access.revoked || access.expiresAt.getTime() <= now) {
        return yield* refused(
          TemporaryAccessCode.Ended,
          { "zh-CN": "该临时授权已撤销或已到期", en: "This temporary access was revoked or has expired" },
          input.access
        )
      }
      yield* Db.use((db) =>
        db
          .updateTable("registry_temporary_access")
          .set({ revoked_at: new Date(now) })
          .where("district_code", "=", input.district)
          .where("id", "=", input.access)
          .execute()
      )
      yield* Events.append({
        type: "registry.temporary-access-revoked",
        district: input.district,
        scopePath: access.scopePath,
        subject: access.person,
        payload: { access: input.access }
      })
    })
})
