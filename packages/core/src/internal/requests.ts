import { Clock, Effect, Schema } from "effect"
import * as Db from "../Db.js"
import * as Events from "../Events.js"
import type { Transaction } from "../Db.js"
import type { StorageError } from "../Errors.js"
import * as Scope from "../Scope.js"
import { type Actor, CurrentActor } from "../Actor.js"
import { CoreCode, type Forbidden, InvalidInput, UnknownCommand } from "../Errors.js"
import type { CommandRequest, QueryRequest } from "../Plugin.js"
import * as Policy from "../Policy.js"
import * as Problems from "../Problems.js"
import type { RunError } from "../Kernel.js"
import { type Env, readOnly, unitOfWork, withPlugin } from "./unit.js"

/** Decodes a request's input with every problem listed; unknown fields are problems too. */
export const decode = <I>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  schema: Schema.Schema<I, any, never>,
  input: unknown,
  action: string
): Effect.Effect<I, InvalidInput> =>
  Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "error" })(input).pipe(
    Effect.mapError(
      (error) =>
        new InvalidInput({ code: CoreCode.InvalidInput, command: action, problems: Problems.fromParseError(error) })
    )
  )

export const unknown = (name: string) => new UnknownCommand({ code: CoreCode.UnknownCommand, name })

/**
 * The transaction a query runs with: its reads of scoped tables limited to the
 * grants that allow this query and to the residents the actor holds temporary
 * access to. A query that reads through temporary access leaves an audit event.
 */
const scoped = (
  env: Env,
  transaction: Transaction,
  actor: Actor,
  action: string
): Effect.Effect<Transaction, StorageError> =>
  Effect.gen(function* () {
    const now = new Date(yield* Clock.currentTimeMillis)
    const temporary = yield* Effect.provideService(
      Db.use((db) =>
        db
          .selectFrom("registry_temporary_access")
          .select(["district_code", "person_id"])
          .where("user_id", "=", actor.id)
          .where("expires_at", ">", now)
          .where("revoked_at", "is", null)
          .execute()
      ),
      Db.Db,
      transaction
    )
    const grants = env.policy.grantsFor(actor, action)
    const filter = Scope.filter(env.filtered, {
      grants: grants.map((g) => ({ district: g.district, scopePath: g.scopePath })),
      residents: temporary.map((t) => ({ district: String(t.district_code), id: String(t.person_id) }))
    })
    return {
      ...withPlugin(transaction, filter.plugin),
      audit: () =>
        filter.usedTemporaryAccess()
          ? [...new Set(temporary.map((t) => String(t.district_code)))].map((district) => ({
              type: "registry.temporary-access-read",
              district,
              payload: { query: action, residents: temporary.map((t) => String(t.person_id)) }
            }))
          : []
    }
  })

/**
 * A command's check: the actor's grants, or else temporary access to the one
 * resident the command acts on, held by an actor whose role may run the command
 * somewhere in the district (DHIS2's temporary ownership). An act under
 * temporary access is an audit event.
 */
const authorizeCommand = (action: string, target: Policy.Target) =>
  Effect.catchTag(Policy.authorize(action, target), "Forbidden", (forbidden) =>
    Effect.gen(function* () {
      const resident = target.resident
      const actor = yield* CurrentActor
      const policy = yield* Policy.Policy
      const mayAct = policy.grantsFor(actor, action).some((grant) => grant.district === target.district)
      if (resident === undefined || !mayAct) return yield* forbidden
      const now = new Date(yield* Clock.currentTimeMillis)
      const access = yield* Db.use((db) =>
        db
          .selectFrom("registry_temporary_access")
          .select("id")
          .where("district_code", "=", target.district)
          .where("user_id", "=", actor.id)
          .where("person_id", "=", resident)
          .where("expires_at", ">", now)
          .where("revoked_at", "is", null)
          .executeTakeFirst()
      )
      if (access === undefined) return yield* forbidden
      yield* Events.append({
        type: "registry.temporary-access-used",
        district: target.district,
        ...(target.scopePath === undefined ? {} : { scopePath: target.scopePath }),
        subject: resident,
        payload: { action, access: String(access.id) }
      })
    })
  )

/** Runs a command (validate, load, authorise, run, in one unit of work) or a query (in a read snapshot). */
export const runRequest = <A, E>(
  env: Env,
  request: CommandRequest<A, E> | QueryRequest<A, E>,
  actor: Actor
): Effect.Effect<A, E | RunError> => {
  if (request._tag === "QueryRequest") {
    const entry = env.registry.queries.get(request.action)
    if (entry === undefined) return Effect.fail(unknown(request.action))
    const def = entry.def
    return Effect.flatMap(decode(def.input, request.input, request.action), (input) =>
      readOnly(
        env,
        actor,
        Effect.zipRight(
          Policy.authorize(request.action, def.target(input)),
          def.run(input) as Effect.Effect<A, E, never>
        ),
        request.action,
        actor.kind === "system" ? undefined : (transaction) => scoped(env, transaction, actor, request.action)
      )
    )
  }
  const entry = env.registry.commands.get(request.action)
  if (entry === undefined) return Effect.fail(unknown(request.action))
  const def = entry.def
  return Effect.flatMap(decode(def.input, request.input, request.action), (input) =>
    unitOfWork(
      env,
      actor,
      request.action,
      Effect.gen(function* () {
        const loaded = def.load ? yield* def.load(input) : undefined
        yield* authorizeCommand(request.action, def.target(input, loaded))
        return (yield* def.run(input, loaded)) as A
      }) as Effect.Effect<A, E | Forbidden, never>
    )
  )
}
