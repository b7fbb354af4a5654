import { Effect } from "effect"
import type { Actor, RoleGrant, ScopeLevel } from "../Actor.js"
import * as ActorModule from "../Actor.js"
import * as Db from "../Db.js"
import type { DomainEvent, SinceOptions } from "../Events.js"
import { type Env, readOnly } from "./unit.js"

const parsePayload = (value: unknown): Readonly<Record<string, unknown>> =>
  typeof value === "string" ? (JSON.parse(value) as Record<string, unknown>) : (value as Record<string, unknown>)

/** A page of a district's events after a position, in position order. */
export const since = (env: Env, options: SinceOptions) =>
  readOnly(
    env,
    ActorModule.system("events"),
    Db.use((db) =>
      db
        .selectFrom("core_event")
        .selectAll()
        .where("district_code", "=", options.district)
        .where("position", ">", options.after)
        .orderBy("position")
        .limit(options.limit ?? 1000)
        .execute()
    )
  ).pipe(
    Effect.map((rows) =>
      rows.map((row): DomainEvent => ({
        id: row.id,
        district: row.district_code,
        position: Number(row.position),
        type: row.type,
        scopePath: row.scope_path,
        subject: row.subject,
        payload: parsePayload(row.payload),
        actor: row.actor,
        cause: row.cause,
        correlation: row.correlation,
        occurredAt: new Date(row.occurred_at)
      }))
    )
  )

/** A user as an actor, with the roles granted to them and not revoked. */
export const actorFor = (env: Env, userId: string) =>
  readOnly(
    env,
    ActorModule.system("auth"),
    Db.use((db) =>
      db
        .selectFrom("core_role_grant")
        .select(["district_code", "role", "level", "scope_path"])
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null)
        .orderBy("scope_path")
        .execute()
    )
  ).pipe(
    Effect.map((rows): Actor => ({
      id: userId,
      kind: "user",
      roles: rows.map((row): RoleGrant => ({
        role: row.role,
        district: row.district_code,
        level: row.level as ScopeLevel,
        scopePath: row.scope_path
      }))
    }))
  )
