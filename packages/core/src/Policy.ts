/**
 * May this actor do this here? Each plugin lists, per command and query, the
 * roles allowed to run it; the kernel checks the actor holds one of them over a
 * scope that covers the target. What no rule allows is refused.
 *
 * @since 0.1.0
 */
import { Context, Effect } from "effect"
import { type Actor, covers, CurrentActor, type RoleGrant } from "./Actor.js"
import { CoreCode, Forbidden } from "./Errors.js"

/**
 * What a command or query acts on: its district and the scope path of the
 * node of the district tree it touches.
 *
 * @since 0.1.0
 */
export interface Target {
  readonly district: string
  /**
   * Absent for a query that reads across the district: any grant in the
   * district lets it run, and the scope filter limits the rows it sees.
   */
  readonly scopePath?: string
  /**
   * The resident a command acts on, when it acts on one: a worker who holds
   * temporary access to that resident may then act although the resident lies
   * outside their scope, and each such act is written to the audit trail.
   */
  readonly resident?: string
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
  /** The actor's grants that hold a role allowed `action` (the scopes a query's reads are limited to). */
  readonly grantsFor: (actor: Actor, action: string) => ReadonlyArray<RoleGrant>
}

/** @since 0.1.0 */
export class Policy extends Context.Tag("@shequ/core/Policy")<Policy, PolicyService>() {}

/**
 * Builds the policy service from the plugins' rules. The system actor may run
 * anything; its acts are audited like anyone's.
 *
 * @since 0.1.0
 */
export const make = (rules: Rules): PolicyService => {
  const grantsFor = (actor: Actor, action: string): ReadonlyArray<RoleGrant> => {
    const roles = rules.get(action)
    if (roles === undefined) return []
    return actor.roles.filter((grant) => roles.includes("*") || roles.includes(grant.role))
  }
  return {
    allows: (actor, action, target) =>
      actor.kind === "system" ||
      grantsFor(actor, action).some(
        (grant) =>
          grant.district === target.district && (target.scopePath === undefined || covers(grant, target.scopePath))
      ),
    grantsFor
  }
}

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
        scopePath: target.scopePath ?? `${target.district}/`,
        rule: `policies.${action}`
      })
    }
  })

/**
 * Whether the current actor holds `permission` (`<module>.<permission>`, as a
 * module's `permissions` name it) over `target`. Never fails: the caller decides
 * what a missing permission means (a masked number, a hidden tag).
 *
 * @since 0.2.0
 */
export const permits = (permission: string, target: Target): Effect.Effect<boolean, never, Policy | CurrentActor> =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const actor = yield* CurrentActor
    return policy.allows(actor, permission, target)
  })
