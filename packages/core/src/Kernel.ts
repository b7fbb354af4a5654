/**
 * The kernel: plugins checked and ordered, migrations applied, and two faces
 * over the same code: `kernel.run(request, actor)`, an `Effect` with typed errors
 * and no requirements, and `await kernel.exec(request, actor)`, which rejects with
 * the same tagged error value.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Exit, Option } from "effect"
import type { KyselyPlugin } from "kysely"
import type { Actor } from "./Actor.js"
import * as Calendar from "./Calendar.js"
import { Core } from "./Core.js"
import { storageError } from "./Db.js"
import {
  type EventCycle,
  type Forbidden,
  type HandlerFailed,
  type InvalidInput,
  KernelConfigError,
  type Locale,
  type Problem,
  type StorageError,
  type UnknownCommand
} from "./Errors.js"
import type { DomainEvent, SinceOptions } from "./Events.js"
import * as Ids from "./Ids.js"
import type { CommandRequest, ImportRequest, QueryRequest } from "./Plugin.js"
import * as Policy from "./Policy.js"
import type { Storage } from "./Storage.js"
import { Party } from "./party/Party.js"
import { Proposals } from "./proposals/Proposals.js"
import { Registry } from "./registry/Registry.js"
import { Services } from "./services/Services.js"
import { Stamps } from "./stamps/Stamps.js"
import * as Secrets from "./registry/Secrets.js"
import { checkKey } from "./internal/keys.js"
import { rowDecoders, runImport } from "./internal/imports.js"
import { runTick } from "./internal/jobs.js"
import { migrate, plan, type PlannedMigration } from "./internal/migrator.js"
import { actorFor, since } from "./internal/reads.js"
import { type AnyPlugin, type PluginRegistry, register } from "./internal/registry.js"
import * as Scope from "./Scope.js"
import type { FilteredTable } from "./Scope.js"
import { runRequest } from "./internal/requests.js"
import { type Env, sharedServices } from "./internal/unit.js"

/**
 * What a kernel is made of.
 *
 * @since 0.1.0
 */
export interface KernelOptions {
  readonly storage: Storage
  readonly plugins?: ReadonlyArray<AnyPlugin>
  /**
   * Holiday data for working-day deadlines: by default the PRC's public holidays
   * and adjusted working days as the State Council published them
   * (`Holidays.prc`, 2019 through 2026). A host adds a year published since,
   * or corrects one, by appending it: `{ years: [...Holidays.prc.years, year2027] }`.
   * A date in a year the data does not cover is refused with `DateOutsideCalendar`.
   */
  readonly calendar?: Calendar.CalendarData
  /** The language of messages the kernel prints for the host (errors always carry both). */
  readonly locale?: Locale
  /** Replaces the UUIDv7 generator, for tests that want predictable ids. */
  readonly ids?: { readonly next: () => string }
  /**
   * The key ID and phone numbers are hashed and encrypted with. Its fingerprint
   * is stored at first start and any other key is refused; a key given with the
   * stored one among `previousKeys` rotates it (every stored hash is re-made).
   * Without it, everything runs except what stores or looks up those numbers.
   */
  readonly secrets?: Secrets.SecretsOptions
  /** Who may do what, replacing the modules' defaults per action or permission (`registry.unmask`). */
  readonly policies?: Readonly<Record<string, ReadonlyArray<string>>>
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
  /** What a staged import wrote, by kind (`residents`, `households`, a tag's code…). */
  readonly counts?: Readonly<Record<string, number>>
}

/**
 * Options of a bulk import.
 *
 * @since 0.1.0
 */
export interface ImportOptions {
  /** Write the good rows and report the bad ones, instead of writing nothing when any row is bad. */
  readonly goodRowsOnly?: boolean
  /** Check every row, and every rule across rows, then roll back: the result says what an import would write. */
  readonly dryRun?: boolean
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
  runImport<R, E>(
    request: ImportRequest<R, E>,
    actor: Actor,
    options?: ImportOptions
  ): Effect.Effect<ImportResult, E | RunError>
  /** Runs a command or query as `actor`; rejects with the tagged error value itself. */
  exec<A, E>(request: CommandRequest<A, E> | QueryRequest<A, E>, actor: Actor): Promise<A>
  /** Imports rows as `actor`; rejects with the tagged error value itself. */
  import<R, E>(request: ImportRequest<R, E>, actor: Actor, options?: ImportOptions): Promise<ImportResult>
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
 * Why a kernel did not start: a configuration the kernel refuses, the engine, or
 * the key (malformed, not the database's, or unable to open what is stored).
 *
 * @since 0.2.0
 */
export type KernelStartError =
  KernelConfigError | StorageError | Secrets.KeyInvalid | Secrets.KeyMismatch | Secrets.UnknownKey | Secrets.Tampered

/** Core's modules, in the order they migrate and run. */
const coreModules: ReadonlyArray<AnyPlugin> = [Core, Registry, Party, Stamps, Services, Proposals]

const filteredTables = (registry: PluginRegistry): ReadonlyMap<string, FilteredTable> =>
  new Map(
    [...registry.scopedTables].map(([table, scoped]) => [
      table,
      scoped.by === "resident" ? { residentColumn: scoped.column } : {}
    ])
  )

/** Scoped tables whose paths the kernel writes: every one but the registry's own, which are where paths come from. */
const filledTables = (registry: PluginRegistry): KyselyPlugin | undefined => {
  const tables = new Map([...registry.scopedTables].filter(([, scoped]) => scoped.owner !== "registry"))
  return tables.size === 0 ? undefined : Scope.fill(tables)
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
export const makeKernelEffect = (options: KernelOptions): Effect.Effect<Kernel, KernelStartError> =>
  Effect.gen(function* () {
    const { storage } = options
    const keyOptions = options.secrets
    const secrets = keyOptions === undefined ? undefined : yield* Secrets.makeEffect(keyOptions)
    const registry = yield* register(coreModules, options.plugins ?? [], options.policies)
    const applied = yield* Effect.tryPromise({
      try: () => migrate(storage, registry),
      catch: (error) =>
        error instanceof KernelConfigError ? error : storageError("migrate", error, storage.isRetryable(error))
    })
    const parts = {
      storage,
      registry,
      policy: Policy.make(registry.rules),
      calendar: Calendar.make(options.calendar),
      ids: options.ids ?? { next: Ids.uuidv7 },
      secrets,
      filtered: filteredTables(registry),
      fill: filledTables(registry)
    }
    const env: Env = { ...parts, shared: sharedServices(parts) }
    if (secrets !== undefined) yield* checkKey(env, secrets)

    const decoders = rowDecoders(registry.imports)
    const run = <A, E>(request: CommandRequest<A, E> | QueryRequest<A, E>, actor: Actor) =>
      runRequest(env, request, actor)
    const importRows = <R, E>(request: ImportRequest<R, E>, actor: Actor, importOptions?: ImportOptions) =>
      runImport(env, decoders, request, actor, importOptions)

    const kernel: Kernel = {
      plugins: registry.owners.map((p) => p.name),
      applied,
      locale: options.locale ?? "zh-CN",
      run,
      runImport: importRows,
      exec: (request, actor) => toPromise(run(request, actor)),
      import: (request, actor, importOptions) => toPromise(importRows(request, actor, importOptions)),
      tick: (at) => toPromise(runTick(env, at)),
      runTick: (at) => runTick(env, at),
      events: { since: (options) => toPromise(since(env, options)) },
      actorFor: (userId) => toPromise(actorFor(env, userId)),
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

/**
 * The migrations a kernel with these plugins would apply to this storage, with
 * their SQL, schema-qualified; nothing is applied. For hosts that forbid DDL at
 * start-up: review the SQL, apply it with `shequ migrate`, start with
 * `migrate: "verify"`.
 *
 * @example
 * ```ts
 * for (const m of await planMigrations({ storage, plugins: [visits] })) console.log(m.id, m.statements)
 * ```
 * @since 0.1.0
 */
export const planMigrations = (
  options: Pick<KernelOptions, "storage" | "plugins">
): Promise<ReadonlyArray<PlannedMigration>> =>
  toPromise(
    Effect.flatMap(register(coreModules, options.plugins ?? []), (registry) =>
      Effect.tryPromise({
        try: () => plan(options.storage, registry),
        catch: (error) =>
          error instanceof KernelConfigError
            ? error
            : storageError("plan migrations", error, options.storage.isRetryable(error))
      })
    )
  )

export type { PlannedMigration }
