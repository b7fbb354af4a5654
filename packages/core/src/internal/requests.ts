import { Effect, Schema } from "effect"
import type { Actor } from "../Actor.js"
import { CoreCode, type Forbidden, InvalidInput, UnknownCommand } from "../Errors.js"
import type { CommandRequest, QueryRequest } from "../Plugin.js"
import * as Policy from "../Policy.js"
import * as Problems from "../Problems.js"
import type { RunError } from "../Kernel.js"
import { type Env, readOnly, unitOfWork } from "./unit.js"

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
        )
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
        yield* Policy.authorize(request.action, def.target(input, loaded))
        return (yield* def.run(input, loaded)) as A
      }) as Effect.Effect<A, E | Forbidden, never>
    )
  )
}
