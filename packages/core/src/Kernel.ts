/**
 * The kernel: plugins checked and ordered, migrations applied, and two faces
 * over the same code: `kernel.run(request, actor)`, an `Effect` with typed errors
 * and no requirements, and `await kernel.exec(request, actor)`, which rejects with
 * the same tagged error value.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Either, Exit, Option, type ParseResult, Schema } from "effect"
import type { Actor, RoleGrant, ScopeLevel } from "./Actor.js"
import * as ActorModule from "./Actor.js"
import * as Calendar from "./Calendar.js"
import { Core } from "./Core.js"
import { storageError } from "./Db.js"
import * as Db from "./Db.js"
import {
  CoreCode,
  type EventCycle,
  type Forbidden,
  type HandlerFailed,
  InvalidInput,
  KernelConfigError,
  type Locale,
  type Problem,
  type StorageError,
  UnknownCommand
} from "./Errors.js"
import * as Events from "./Events.js"
import type { DomainEvent, SinceOptions } from "./Events.js"
import * as Ids from "./Ids.js"
import type { CommandRequest, ImportRequest, QueryRequest } from "./Plugin.js"
import * as Policy from "./Policy.js"
import * as Problems from "./Problems.js"
import type { Storage } from "./Storage.js"
import * as FastDecode from "./internal/fastDecode.js"
import { migrate } from "./internal/migrator.js"
import { type AnyPlugin, register } from "./internal/registry.js"
import { type Env, readOnly, unitOfWork } from "./internal/unit.js"

/**
 * What a kernel is made of.
 *
 * @since 0.1.0
 */
export interface KernelOptions {
  readonly storage: Storage
  readonly plugins?: ReadonlyArray<AnyPlugin>
  /** Holiday data for working-day deadlines; without it every date is outside the calendar. */
  readonly calendar?: Calendar.CalendarData
  /** The language of messages the kernel prints for the host (errors always carry both). */
  readonly locale?: Locale
  /** Replaces the UUIDv7 generator, for tests that want predictable ids. */
  readonly ids?: { readonly next: () => string }
}

/**
 * What a bulk import did: how many rows it wrote, and every bad row's problems.
 *
 * @since 0.1.0
 */
export interface ImportResult {
  readonly written: number
  readonly rejected: number
  readonly problems: ReadonlyArray<Problem>
}

/**
 * Options of a bulk import.
 *
 * @since 0.1.0
 */
export interface ImportOptions {
  /** Write the good rows and report the bad ones, instead of writing nothing when any row is bad. */
  readonly goodRowsOnly?: boolean
}

/**
 * What one `tick` did: the jobs it ran, and those it found already run for that time.
 *
 * @since 0.1.0
 */
export interface TickReport {
  readonly at: Date
  readonly ran: ReadonlyArray<{ readonly district: string; readonly job: string }>
  readonly skipped: ReadonlyArray<{ readonly district: string; readonly job: string }>
}

/**
 * An error a running kernel can raise besides a command's own errors.
 *
 * @since 0.1.0
 */
export type RunError = InvalidInput | Forbidden | StorageError | HandlerFailed | EventCycle | UnknownCommand

/**
 * A kernel, made by {@link makeKernel}.
 *
 * @since 0.1.0
 */
export interface Kernel {
  /** The plugins in the order they run (core first). */
  readonly plugins: ReadonlyArray<string>
  /** The migrations this start applied. */
  readonly applied: ReadonlyArray<string>
  readonly locale: Locale
  /** Runs a command or query as `actor`: the Effect face. */
  run<A, E>(request: CommandRequest<A, E> | QueryRequest<A, E>, actor: Actor): Effect.Effect<A, E | RunError>
  /** Imports rows as `actor`: the Effect face. */
  runImport<R>(request: ImportRequest<R>, actor: Actor, options?: ImportOptions): Effect.Effect<ImportResult, RunError>
  /** Runs a command or query as `actor`; rejects with the tagged error value itself. */
  exec<A, E>(request: CommandRequest<A, E> | QueryRequest<A, E>, actor: Actor): Promise<A>
  /** Imports rows as `actor`; rejects with the tagged error value itself. */
  import<R>(request: ImportRequest<R>, actor: Actor, options?: ImportOptions): Promise<ImportResult>
  /** Runs every job for every district for time `at`, once: a second tick for the same `at` does nothing. */
  tick(at: Date): Promise<TickReport>
  /** The Effect face of `tick`. */
  runTick(at: Date): Effect.Effect<TickReport, RunError>
  readonly events: {
    /** Events of a district after a position, in position order. A reader that polls this never misses an event. */
    since(options: SinceOptions): Promise<ReadonlyArray<DomainEvent>>
  }
  /** The actor of a user, with the roles granted to them and not revoked. */
  actorFor(userId: string): Promise<Actor>
  /** Closes the storage. */
  close(): Promise<void>
}

/**
 * Runs an Effect and settles a Promise with its value or with the failure value
 * itself (never a FiberFailure), so hosts can use `instanceof` and `code`.
 */
const toPromise = <A, E>(effect: Effect.Effect<A, E>): Promise<A> =>
  Effect.runPromiseExit(effect).then((exit) => {
    if (Exit.isSuccess(exit)) return exit.value
    const failure = Cause.failureOption(exit.cause)
    throw Option.isSome(failure) ? failure.value : Cause.squash(exit.cause)
  })

const decode = <I>(
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

const unknown = (name: string) => new UnknownCommand({ code: CoreCode.UnknownCommand, name })

const parsePayload = (value: unknown): Readonly<Record<string, unknown>> =>
  typeof value === "string" ? (JSON.parse(value) as Record<string, unknown>) : (value as Record<string, unknown>)

/**
 * Builds a kernel: checks and orders the plugins (a missing or circular
 * requirement, a duplicate name, a migration that changed, or a table that breaks
 * the distribution rules is refused with an error that names them), then applies
 * pending migrations under the migration lock.
 *
 * @example
 * ```ts
 * import { makeKernel, Actor } from "@shequ/core"
 * import { sqliteStorage } from "@shequ/adapter-sqlite"
 *
 * const kernel = await makeKernel({ storage: sqliteStorage({ filename: "shequ.db" }), plugins: [counter] })
 * await kernel.exec(counter.commands.increment({ district: "230503", name: "visits" }), Actor.system("cli"))
 * ```
 * @since 0.1.0
 */
export const makeKernelEffect = (options: KernelOptions): Effect.Effect<Kernel, KernelConfigError | StorageError> =>
  Effect.gen(function* () {
    const { storage } = options
    const registry = yield* register(Core, options.plugins ?? [])
    const applied = yield* Effect.tryPromise({
      try: () => migrate(storage, registry),
      catch: (error) =>
        error instanceof KernelConfigError ? error : storageError("migrate", error, storage.isRetryable(error))
    })
    const env: Env = {
      storage,
      registry,
      policy: Policy.make(registry.rules),
      calendar: Calendar.make(options.calendar ?? { years: [] }),
      ids: options.ids ?? { next: Ids.uuidv7 }
    }

    const rowDecoders = new Map(
      [...registry.imports].map(([action, { def }]) => [action, rowDecoder(def.row)] as const)
    )

    const runCommandOrQuery = <A, E>(
      request: CommandRequest<A, E> | QueryRequest<A, E>,
      actor: Actor
    ): Effect.Effect<A, E | RunError> => {
      if (request._tag === "QueryRequest") {
        const entry = registry.queries.get(request.action)
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
      const entry = registry.commands.get(request.action)
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

    const runImport = <R>(
      request: ImportRequest<R>,
      actor: Actor,
      importOptions: ImportOptions = {}
    ): Effect.Effect<ImportResult, RunError> => {
      const entry = registry.imports.get(request.action)
      if (entry === undefined) return Effect.fail(unknown(request.action))
      const def = entry.def
      const decodeRow = rowDecoders.get(request.action)!
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

    const runTick = (at: Date): Effect.Effect<TickReport, RunError> =>
      Effect.gen(function* () {
        const system = ActorModule.system("tick")
        const districts = yield* readOnly(
          env,
          system,
          Db.use((db) => db.selectFrom("registry_district").select("district_code").orderBy("district_code").execute())
        )
        const ran: Array<{ district: string; job: string }> = []
        const skipped: Array<{ district: string; job: string }> = []
        for (const { district_code: district } of districts as ReadonlyArray<{ district_code: string }>) {
          for (const job of registry.jobs) {
            const acted = yield* unitOfWork(
              env,
              system,
              job.action,
              Effect.gen(function* () {
                const startedAt = yield* Calendar.now
                const claimed = yield* Db.use((db) =>
                  db
                    .insertInto("core_job_run")
                    .values({ district_code: district, job: job.action, at, started_at: startedAt })
                    .onConflict((oc) => oc.columns(["district_code", "job", "at"]).doNothing())
                    .executeTakeFirst()
                )
                if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) return false
                yield* job.def.run({ at, district })
                return true
              })
            )
            ;(acted ? ran : skipped).push({ district, job: job.action })
          }
        }
        return { at, ran, skipped }
      })

    const since = (options: SinceOptions) =>
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

    const actorFor = (userId: string) =>
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

    const kernel: Kernel = {
      plugins: registry.owners.map((p) => p.name),
      applied,
      locale: options.locale ?? "zh-CN",
      run: runCommandOrQuery,
      runImport,
      exec: (request, actor) => toPromise(runCommandOrQuery(request, actor)),
      import: (request, actor, importOptions) => toPromise(runImport(request, actor, importOptions)),
      tick: (at) => toPromise(runTick(at)),
      runTick,
      events: { since: (options) => toPromise(since(options)) },
      actorFor: (userId) => toPromise(actorFor(userId)),
      close: () => storage.close()
    }
    return kernel
  })

/**
 * Builds a kernel (the Promise face of {@link makeKernelEffect}); rejects with a
 * {@link KernelConfigError} or {@link StorageError} value.
 *
 * @example
 * ```ts
 * const kernel = await makeKernel({ storage: sqliteStorage({ filename: ":memory:" }), plugins: [] })
 * ```
 * @since 0.1.0
 */
export const makeKernel = (options: KernelOptions): Promise<Kernel> => toPromise(makeKernelEffect(options))
