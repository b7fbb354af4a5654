/**
 * May this actor do this here? Each plugin lists, per command and query, the
 * roles allowed to run it; the kernel checks the actor holds one of them over a
 * scope that covers the target. What no rule allows is refused.
 *
 * @since 0.1.0
 */
import { Context, Effect } from "effect"
import { type Actor, covers, CurrentActor } from "./Actor.js"
import { CoreCode, Forbidden } from "./Errors.js"

/**
 * What a command or query acts on: its district and the scope path of the
 * node of the district tree it touches.
 *
 * @since 0.1.0
 */
export interface Target {
  readonly district: string
  readonly scopePath: string
}

/**
 * The roles allowed to run each action (`<plugin>.<command>`). `"*"` allows any
 * role, still within the role's scope.
 *
 * @since 0.1.0
 */
export type Rules = ReadonlyMap<string, ReadonlyArray<string>>

/**
 * The policy service.
 *
 * @since 0.1.0
 */
export interface PolicyService {
  readonly allows: (actor: Actor, action: string, target: Target) => boolean
}

/** @since 0.1.0 */
export class Policy extends Context.Tag("@shequ/core/Policy")<Policy, PolicyService>() {}

/**
 * Builds the policy service from the plugins' rules. The system actor may run
 * anything; its acts are audited like anyone's.
 *
 * @since 0.1.0
 */
export const make = (rules: Rules): PolicyService => ({
  allows: (actor, action, target) => {
    if (actor.kind === "system") return true
    const roles = rules.get(action)
    if (roles === undefined) return false
    return actor.roles.some(
      (grant) =>
        grant.district === target.district &&
        (roles.includes("*") || roles.includes(grant.role)) &&
        covers(grant, target.scopePath)
    )
  }
})

/**
 * Fails with {@link Forbidden} unless the current actor may run `action` on
 * `target`.
 *
 * @since 0.1.0
 */
export const authorize = (action: string, target: Target): Effect.Effect<void, Forbidden, Policy | CurrentActor> =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const actor = yield* CurrentActor
    if (!policy.allows(actor, action, target)) {
      return yield* new Forbidden({
        code: CoreCode.Forbidden,
        action,
        actor: actor.id,
        scopePath: target.scopePath,
        rule: `policies.${action}`
      })
    }
  })
