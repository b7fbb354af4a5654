import { Effect, Either, Fiber, type ParseResult, Schema } from "effect"
import type { Actor } from "../Actor.js"
import * as Db from "../Db.js"
import { storageError } from "../Db.js"
import { CoreCode, InvalidInput, type Problem, type StorageError } from "../Errors.js"
import * as Events from "../Events.js"
import type { ImportOptions, ImportResult, RunError } from "../Kernel.js"
import type { ImportDef, ImportRequest, ImportRows, RowRefused, TableRow } from "../Plugin.js"
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
  imports: ReadonlyMap<string, { readonly def: ImportDef<any, any, any, any> }>
): ReadonlyMap<string, (input: unknown) => Either.Either<unknown, ParseResult.ParseError>> =>
  new Map([...imports].map(([action, { def }]) => [action, rowDecoder(def.row)] as const))

/** How many rows of a multi-table import are gathered before they are written. */
const CHUNK_ROWS = 5000

const isRecord = (raw: unknown): raw is { readonly line: number; readonly values: unknown } =>
  typeof raw === "object" &&
  raw !== null &&
  typeof (raw as { line?: unknown }).line === "number" &&
  typeof (raw as { values?: unknown }).values === "object"

// A schema problem's path is `rows[i].<column>…`: the column is its first key after the index.
const columnOf = (path: string): string | undefined => /^rows\[\d+\]\.([^.[]+)/.exec(path)?.[1]

/** A dry run's result, carried out of the transaction as a failure so that it rolls back. */
class DryRun {
  readonly _tag = "DryRun"
  constructor(readonly result: ImportResult) {}
}

/**
 * A bulk import: the meta validated, the rows streamed through validation into
 * the engine's fast path, one batch event. A bad row stops the writing but not
 * the checking, so every bad row is reported. A staged import (one with
 * `settle`) keeps staging the good rows after a bad one, since its rules across
 * rows need them all, and writes its tables only when no row is bad.
 */
export const runImport = <R, E>(
  env: Env,
  decoders: ReturnType<typeof rowDecoders>,
  request: ImportRequest<R, E>,
  actor: Actor,
  importOptions: ImportOptions = {}
): Effect.Effect<ImportResult, RunError | E> => {
  const entry = env.registry.imports.get(request.action)
  if (entry === undefined) return Effect.fail(unknown(request.action))
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const def = entry.def as ImportDef<any, R, any, E>
  const decodeRow = decoders.get(request.action)!
  const staged = def.check !== undefined || def.settle !== undefined
  const work = Effect.flatMap(decode(def.meta, request.meta, request.action), (meta) =>
    unitOfWork(
      env,
      actor,
      request.action,
      Effect.gen(function* () {
        yield* Policy.authorize(request.action, def.target(meta))
        const batch = env.ids.next()
        const goodRowsOnly = importOptions.goodRowsOnly === true
        const context = def.prepare === undefined ? undefined : yield* def.prepare(meta, batch)
        const problems: Array<Problem> = []
        const refusedRows = new Set<number>()
        let firstId: string | null = null
        let lastId: string | null = null
        // Every row the source gives, routed to its tables; undefined for a refused row.
        const accept = (raw: unknown, index: number): ReadonlyArray<TableRow> | undefined => {
          const { line, values } = isRecord(raw) ? raw : { line: index + 1, values: raw }
          const decoded = decodeRow(values)
          if (Either.isLeft(decoded)) {
            refusedRows.add(line)
            for (const p of Problems.fromParseError(decoded.left, ["rows", index])) {
              const column = columnOf(p.path)
              problems.push(column === undefined ? { ...p, row: line } : { ...p, row: line, column })
            }
            return undefined
          }
          if (refusedRows.size > 0 && !importOptions.goodRowsOnly && !staged) return undefined
          const id = env.ids.next()
          const row = def.toRow(decoded.right as R, meta, id, context, line)
          if (row === null) return []
          if (!Array.isArray(row)) {
            const tagged = row as RowRefused | ImportRows
            if (tagged._tag === "ImportRows") {
              if (tagged.rows.some(([table]) => table === def.table)) {
                firstId ??= id
                lastId = id
              }
              return tagged.rows
            }
            refusedRows.add(line)
            for (const p of tagged.problems) problems.push({ ...p, path: `rows[${index}].${p.column}`, row: line })
            return undefined
          }
          firstId ??= id
          lastId = id
          return [[def.table, row]]
        }
        const source = request.rows
        let inserted = 0
        if (def.tables === undefined) {
          // A host's plain iterable stays synchronous: an async step per row costs as much as validating it.
          const rows =
            Symbol.asyncIterator in source
              ? (async function* () {
                  let index = 0
                  for await (const raw of source) {
                    for (const [, row] of accept(raw, index++) ?? []) yield row
                  }
                })()
              : (function* () {
                  let index = 0
                  for (const raw of source) {
                    for (const [, row] of accept(raw, index++) ?? []) yield row
                  }
                })()
          inserted = yield* Db.bulkInsert({ table: def.table, columns: def.columns, rows })
        } else {
          // Rows for several tables: gathered a chunk at a time and written parents first, so every key they reference exists.
          const tables = [
            ...def.tables.filter((t) => t.parent === true),
            { table: def.table, columns: def.columns },
            ...def.tables.filter((t) => t.parent !== true)
          ]
          const buffers = new Map(tables.map((t) => [t.table, [] as Array<ReadonlyArray<unknown>>]))
          const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]()
          let index = 0
          const fill = async (): Promise<boolean> => {
            for (let n = 0; n < CHUNK_ROWS; n++) {
              // Let the event loop turn now and then, so the previous chunk's writes flow to the server meanwhile.
              if (n % 256 === 255) await new Promise((resolve) => setImmediate(resolve))
              const next = await iterator.next()
              if (next.done === true) return true
              for (const [table, row] of accept(next.value, index++) ?? []) buffers.get(table)!.push(row)
            }
            return false
          }
          const write = (chunk: ReadonlyMap<string, ReadonlyArray<ReadonlyArray<unknown>>>) =>
            Effect.forEach(
              tables.filter(({ table }) => chunk.get(table)!.length > 0),
              ({ table, columns }) =>
                Effect.map(Db.bulkInsert({ table, columns, rows: chunk.get(table)! }), (n) => {
                  if (table === def.table) inserted += n
                }),
              { discard: true }
            )
          // A chunk is written while the next is read and checked: on a server the two overlap.
          let writing: Fiber.RuntimeFiber<void, StorageError> | undefined
          for (;;) {
            const done = yield* Effect.tryPromise({
              try: fill,
              catch: (error) => storageError("read import rows", error, false)
            })
            const chunk = new Map(buffers)
            for (const { table } of tables) buffers.set(table, [])
            if (writing !== undefined) yield* Fiber.join(writing)
            writing = yield* Effect.fork(write(chunk))
            if (done) break
          }
          yield* Fiber.join(writing)
        }
        if (def.check !== undefined) {
          for (const p of yield* def.check({ id: batch, meta, context, goodRowsOnly })) {
            if (p.row !== undefined) refusedRows.add(p.row)
            problems.push(p)
          }
        }
        problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0))
        if (refusedRows.size > 0 && !importOptions.goodRowsOnly) {
          return yield* new InvalidInput({ code: CoreCode.InvalidInput, command: request.action, problems })
        }
        const settled =
          def.settle === undefined
            ? { written: inserted }
            : yield* def.settle({ id: batch, meta, context, goodRowsOnly })
        const target = def.target(meta)
        yield* Events.append({
          type: def.event,
          district: target.district,
          scopePath: target.scopePath,
          payload: {
            ...settled.payload,
            batch,
            rows: settled.written,
            rejected: refusedRows.size,
            firstId,
            lastId,
            ...(settled.counts === undefined ? {} : { counts: settled.counts })
          }
        })
        const result: ImportResult = {
          written: settled.written,
          rejected: refusedRows.size,
          problems,
          ...(settled.counts === undefined ? {} : { counts: settled.counts })
        }
        return importOptions.dryRun ? yield* Effect.fail(new DryRun(result)) : result
      })
    )
  )
  return Effect.catchIf(
    work,
    (error): error is DryRun => error instanceof DryRun,
    (dry) => Effect.succeed(dry.result)
  )
}
