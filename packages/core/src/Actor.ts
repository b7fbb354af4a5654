/**
 * Who acts. A host says who its user is with `kernel.actorFor(userId)`, which
 * reads the user's role grants; the CLI and scheduled jobs act as a `system`
 * actor, whose every act is still written to the audit trail.
 *
 * @since 0.1.0
 */
import { Context, Schema } from "effect"

/**
 * The levels of the district tree a role can be held at.
 *
 * @since 0.1.0
 */
export const ScopeLevel = Schema.Literal("district", "street", "community", "grid")

/** @since 0.1.0 */
export type ScopeLevel = typeof ScopeLevel.Type

/**
 * A role held over one node of the district tree: it covers every scope path
 * that starts with `scopePath`.
 *
 * @since 0.1.0
 */
export interface RoleGrant {
  readonly role: string
  readonly district: string
  readonly level: ScopeLevel
  readonly scopePath: string
}

/**
 * An actor: a user with role grants, or the system.
 *
 * @since 0.1.0
 */
export interface Actor {
  readonly id: string
  readonly kind: "user" | "system"
  readonly roles: ReadonlyArray<RoleGrant>
}

/**
 * The actor of the command being run.
 *
 * @since 0.1.0
 */
export class CurrentActor extends Context.Tag("@shequ/core/CurrentActor")<CurrentActor, Actor>() {}

/**
 * The system actor for the CLI and scheduled jobs. `purpose` is recorded with
 * every event it causes (`system:cli`, `system:tick`).
 *
 * @example
 * ```ts
 * await kernel.exec(command, Actor.system("cli"))
 * ```
 * @since 0.1.0
 */
export const system = (purpose: string): Actor => ({ id: `system:${purpose}`, kind: "system", roles: [] })

/**
 * The scope path of a node of the district tree, from the district down: each
 * code followed by `/`, so that a path covers exactly the paths it prefixes
 * (`230503/` covers `230503/230503001/`, and `…/01/` never covers `…/011/`).
 *
 * @example
 * ```ts
 * Actor.scopePath("230503", "230503001") // "230503/230503001/"
 * ```
 * @since 0.1.0
 */
export const scopePath = (...codes: ReadonlyArray<string>): string => codes.map((code) => `${code}/`).join("")

/** Whether a grant's scope covers a scope path. @since 0.1.0 */
export const covers = (grant: Pick<RoleGrant, "scopePath">, path: string): boolean => path.startsWith(grant.scopePath)
