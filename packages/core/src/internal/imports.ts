import { Effect, Either, type ParseResult, Schema } from "effect"
import type { Actor } from "../Actor.js"
import * as Db from "../Db.js"
import { CoreCode, InvalidInput, type Problem } from "../Errors.js"
import * as Events from "../Events.js"
import type { ImportOptions, ImportResult, RunError } from "../Kernel.js"
import type { ImportDef, ImportRequest } from "../Plugin.js"
import * as Policy from "../Policy.js"
import * as Problems from "../Problems.js"
import * as FastDecode from "./fastDecode.js"
import { decode, unknown } from "./requests.js"
import { type Env, unitOfWork } from "./unit.js"

/**
 * Decodes import rows: the compiled fast path first, Effect's parser for every
 * row the fast path does not accept (it has the final word and lists the problems).
 */
const rowDecoder = <R>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  schema: Schema.Schema<R, any, never>
): ((input: unknown) => Either.Either<R, ParseResult.ParseError>) => {
  const slow = Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "ignore" })
  const fast = FastDecode.compile(schema.ast)
  if (fast === undefined) return slow
  return (input) => {
    const value = fast(input)
    return value === FastDecode.UNSURE ? slow(input) : Either.right(value as R)
  }
}

/** The row decoders of every import, compiled once when the kernel is built. */
export const rowDecoders = (
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  imports: ReadonlyMap<string, { readonly def: ImportDef<any, any> }>
): ReadonlyMap<string, (input: unknown) => Either.Either<unknown, ParseResult.ParseError>> =>
  new Map([...imports].map(([action, { def }]) => [action, rowDecoder(def.row)] as const))

/**
 * A bulk import: the meta validated, the rows streamed through validation into
 * the engine's fast path, one batch event. A bad row stops the writing but not
 * the checking, so every bad row is reported.
 */
export const runImport = <R>(
  env: Env,
  decoders: ReturnType<typeof rowDecoders>,
  request: ImportRequest<R>,
  actor: Actor,
  importOptions: ImportOptions = {}
): Effect.Effect<ImportResult, RunError> => {
  const entry = env.registry.imports.get(request.action)
  if (entry === undefined) return Effect.fail(unknown(request.action))
  const def = entry.def
  const decodeRow = decoders.get(request.action)!
  return Effect.flatMap(decode(def.meta, request.meta, request.action), (meta) =>
    unitOfWork(
      env,
      actor,
      request.action,
      Effect.gen(function* () {
        yield* Policy.authorize(request.action, def.target(meta))
        const problems: Array<Problem> = []
        let rejected = 0
        let firstId: string | null = null
        let lastId: string | null = null
        const accept = (raw: unknown, index: number): ReadonlyArray<unknown> | undefined => {
          const decoded = decodeRow(raw)
          if (Either.isLeft(decoded)) {
            rejected++
            problems.push(...Problems.fromParseError(decoded.left, ["rows", index]))
            return undefined
          }
          if (rejected > 0 && !importOptions.goodRowsOnly) return undefined
          const id = env.ids.next()
          firstId ??= id
          lastId = id
          return def.toRow(decoded.right, meta, id)
        }
        // A host's plain iterable stays synchronous: an async step per row costs as much as validating it.
        const source = request.rows
        const rows =
          Symbol.asyncIterator in source
            ? (async function* () {
                let index = 0
                for await (const raw of source) {
                  const row = accept(raw, index++)
                  if (row !== undefined) yield row
                }
              })()
            : (function* () {
                let index = 0
                for (const raw of source) {
                  const row = accept(raw, index++)
                  if (row !== undefined) yield row
                }
              })()
        const written = yield* Db.bulkInsert({ table: def.table, columns: def.columns, rows })
        if (rejected > 0 && !importOptions.goodRowsOnly) {
          return yield* new InvalidInput({ code: CoreCode.InvalidInput, command: request.action, problems })
        }
        const target = def.target(meta)
        yield* Events.append({
          type: def.event,
          district: target.district,
          scopePath: target.scopePath,
          payload: { rows: written, rejected, firstId, lastId }
        })
        return { written, rejected, problems } satisfies ImportResult
      })
    )
  )
}
