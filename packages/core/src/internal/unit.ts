import { Cause, Clock, Context, Effect, Exit } from "effect"
import type { KyselyPlugin } from "kysely"
import type { Actor } from "../Actor.js"
import { CurrentActor } from "../Actor.js"
import { Calendar, type CalendarService } from "../Calendar.js"
import { Db, storageError, type Transaction } from "../Db.js"
import { CoreCode, EventCycle, HandlerFailed, recordedEvents, type StorageError } from "../Errors.js"
import { Events, type EventsService, type NewEvent, type PendingEvent } from "../Events.js"
import { Ids } from "../Ids.js"
import type { Services } from "../Plugin.js"
import { Policy, type PolicyService } from "../Policy.js"
import type { Storage, TxMode } from "../Storage.js"
import { Secrets, type SecretsService } from "../registry/Secrets.js"
import { ScopedTables } from "../registry/Rescope.js"
import type { FilteredTable } from "../Scope.js"
import type { PluginRegistry } from "./registry.js"

/** What every unit of work is built from, resolved once when the kernel is made. */
export interface Env {
  readonly storage: Storage
  readonly registry: PluginRegistry
  readonly policy: PolicyService
  readonly calendar: CalendarService
  readonly ids: { readonly next: () => string }
  /** The host's key, when it gave one: without it nothing that stores an ID or phone number can run. */
  readonly secrets: SecretsService | undefined
  /** The scoped tables a query's reads are filtered on. */
  readonly filtered: ReadonlyMap<string, FilteredTable>
  /** Writes the scope path of every row a unit of work inserts into a plugin's scoped table. */
  readonly fill: KyselyPlugin | undefined
  /** The services every unit of work shares, whatever its transaction and actor: see {@link sharedServices}. */
  readonly shared: Context.Context<SharedService>
}

type SharedService = Calendar | Ids | Policy | ScopedTables | Secrets

const begin = (env: Env, mode: TxMode) =>
  Effect.tryPromise({
    try: () => env.storage.begin(mode),
    catch: (error) => storageError(`begin ${mode} transaction`, error, env.storage.isRetryable(error))
  })

/**
 * Runs `body` in one transaction: commit when it succeeds, roll back on any
 * failure or interruption. A failed commit is a failure too (and is rolled back).
 */
export const inTransaction = <A, E, R>(
  env: Env,
  mode: TxMode,
  body: (transaction: Transaction) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | StorageError, R> =>
  Effect.acquireUseRelease(
    begin(env, mode),
    (tx) => {
      const transaction: Transaction = {
        tx,
        dialect: env.storage.dialect,
        capabilities: env.storage.capabilities,
        isRetryable: (error) => env.storage.isRetryable(error)
      }
      return Effect.flatMap(body(transaction), (result) =>
        Effect.as(
          Effect.tryPromise({
            try: () => tx.commit(),
            catch: (error) => storageError("commit", error, env.storage.isRetryable(error))
          }),
          result
        )
      )
    },
    (tx, exit) => (Exit.isSuccess(exit) ? Effect.void : Effect.promise(() => tx.rollback().catch(() => undefined)))
  )

/** The transaction with a Kysely plugin on every statement its `db` builds. */
export const withPlugin = (transaction: Transaction, plugin: KyselyPlugin): Transaction => {
  const tx = transaction.tx
  return {
    ...transaction,
    tx: {
      db: tx.db.withPlugin(plugin),
      bulkInsert: (request) => tx.bulkInsert(request),
      commit: () => tx.commit(),
      rollback: () => tx.rollback()
    }
  }
}

interface Queued {
  readonly event: PendingEvent
  /** The handlers that led to this event, to refuse a cycle. */
  readonly chain: ReadonlyArray<string>
}

/**
 * The events of one unit of work: appended in memory, dispatched to the
 * plugins' handlers in the same transaction, then written with their positions
 * just before commit, so the position lock is held as briefly as possible.
 */
class EventLog {
  readonly queue: Array<Queued> = []
  readonly all: Array<PendingEvent> = []
  constructor(
    readonly env: Env,
    readonly actor: Actor,
    readonly cause: string,
    readonly correlation: string
  ) {}

  service(chain: ReadonlyArray<string>): EventsService {
    return {
      append: (event: NewEvent) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          const pending: PendingEvent = {
            id: this.env.ids.next(),
            district: event.district,
            type: event.type,
            scopePath: event.scopePath ?? null,
            subject: event.subject ?? null,
            payload: event.payload ?? {},
            actor: this.actor.id,
            cause: this.cause,
            correlation: this.correlation,
            occurredAt: new Date(now)
          }
          this.queue.push({ event: pending, chain })
          this.all.push(pending)
          return pending
        })
    }
  }
}

/**
 * The services every unit of work shares, whatever its transaction and actor:
 * built once per kernel, so that a unit adds only its own three to them.
 */
export const sharedServices = (
  env: Pick<Env, "calendar" | "ids" | "policy" | "registry" | "secrets">
): Context.Context<SharedService> => {
  const shared = Context.empty().pipe(
    Context.add(Calendar, env.calendar),
    Context.add(Ids, env.ids),
    Context.add(Policy, env.policy),
    // Read by the rescoper, which keeps every plugin's scoped rows in step when places or people move.
    Context.add(ScopedTables, env.registry.scopedTables)
  )
  // Secrets is read with `Effect.serviceOption`, so a kernel without a key still runs everything else.
  return (
    env.secrets === undefined ? shared : Context.add(shared, Secrets, env.secrets)
  ) as Context.Context<SharedService>
}

/** One context for the unit's services: one `provide`, where a service at a time would wrap the effect seven times. */
const provideServices = <A, E>(
  env: Env,
  transaction: Transaction,
  actor: Actor,
  events: EventsService,
  effect: Effect.Effect<A, E, Services>
): Effect.Effect<A, E> =>
  Effect.provide(
    effect,
    env.shared.pipe(Context.add(Db, transaction), Context.add(Events, events), Context.add(CurrentActor, actor))
  )

const dispatch = (env: Env, transaction: Transaction, log: EventLog): Effect.Effect<void, HandlerFailed | EventCycle> =>
  Effect.gen(function* () {
    for (let next = log.queue.shift(); next !== undefined; next = log.queue.shift()) {
      const { event, chain } = next
      for (const entry of env.registry.handlers.get(event.type) ?? []) {
        if (chain.includes(entry.name)) {
          return yield* new EventCycle({ code: CoreCode.EventCycle, chain: [...chain, entry.name] })
        }
        const handled = provideServices(
          env,
          transaction,
          log.actor,
          log.service([...chain, entry.name]),
          entry.handler(event)
        )
        yield* handled.pipe(
          Effect.sandbox,
          Effect.mapError((cause) => {
            const failure = Cause.squash(cause)
            return failure instanceof EventCycle
              ? failure
              : new HandlerFailed({
                  code: CoreCode.HandlerFailed,
                  plugin: entry.owner,
                  handler: entry.name,
                  event: event.type,
                  cause: failure
                })
          })
        )
      }
    }
  })

// Up to this many events a district's share of a unit is one multi-row INSERT. More (a sweep's or an import's
// thousands) go through the adapter's bulk path, one prepared statement or one COPY for them all, rather than
// a statement built, compiled and bound value by value through Kysely per chunk.
const INSERT_CHUNK = 200

/** A row of `core_event`. */
const eventRow = (district: string, position: number, event: PendingEvent) => ({
  district_code: district,
  position,
  id: event.id,
  type: event.type,
  scope_path: event.scopePath,
  subject: event.subject,
  payload: event.payload,
  actor: event.actor,
  cause: event.cause,
  correlation: event.correlation,
  occurred_at: event.occurredAt
})

const EVENT_COLUMNS = [
  "district_code",
  "position",
  "id",
  "type",
  "scope_path",
  "subject",
  "payload",
  "actor",
  "cause",
  "correlation",
  "occurred_at"
] as const satisfies ReadonlyArray<keyof ReturnType<typeof eventRow>>

const persist = (env: Env, transaction: Transaction, events: ReadonlyArray<PendingEvent>) =>
  Effect.tryPromise({
    try: async () => {
      const byDistrict = new Map<string, Array<PendingEvent>>()
      for (const event of events) {
        const list = byDistrict.get(event.district) ?? []
        list.push(event)
        byDistrict.set(event.district, list)
      }
      const db = transaction.tx.db
      // Districts in a fixed order, so two commands never wait on each other's counters crosswise.
      for (const district of [...byDistrict.keys()].sort()) {
        const list = byDistrict.get(district)!
        // One statement takes the row lock and the next positions: held until commit.
        const row = await db
          .insertInto("core_event_position")
          .values({ district_code: district, position: list.length })
          .onConflict((oc) =>
            oc
              .column("district_code")
              .doUpdateSet((eb) => ({ position: eb("core_event_position.position", "+", eb.ref("excluded.position")) }))
          )
          .returning("position")
          .executeTakeFirstOrThrow()
        const first = Number(row.position) - list.length + 1
        const rows = list.map((event, i) => eventRow(district, first + i, event))
        if (rows.length > INSERT_CHUNK) {
          await transaction.tx.bulkInsert({
            table: "core_event",
            columns: EVENT_COLUMNS,
            rows: rows.map((r) => EVENT_COLUMNS.map((column) => r[column]))
          })
        } else {
          await db.insertInto("core_event").values(rows).execute()
        }
      }
    },
    catch: (error) => storageError("append events", error, env.storage.isRetryable(error))
  })

const oneTransaction = <A, E>(
  env: Env,
  actor: Actor,
  cause: string,
  body: Effect.Effect<A, E, Services>
): Effect.Effect<A, E | StorageError | HandlerFailed | EventCycle> =>
  inTransaction(env, "write", (written) =>
    Effect.gen(function* () {
      const transaction = env.fill === undefined ? written : withPlugin(written, env.fill)
      const log = new EventLog(env, actor, cause, env.ids.next())
      const result = yield* provideServices(env, transaction, actor, log.service([]), body)
      yield* dispatch(env, transaction, log)
      if (log.all.length > 0) yield* persist(env, transaction, log.all)
      return result
    })
  )

const appendAll = (events: ReadonlyArray<NewEvent>) =>
  Effect.forEach(events, (event) => Effect.flatMap(Events, (service) => service.append(event)), { discard: true })

/**
 * One unit of work: a command, an import or a job. It runs in one write
 * transaction with every service provided; the events it appends are dispatched
 * to handlers (whose events are dispatched in turn), then written; any failure
 * rolls back everything, handlers' writes included. A failure that carries
 * recorded events (`RecordsEvents`) has them written once the rollback is
 * done, in a transaction of their own, before the unit fails with it.
 */
export const unitOfWork = <A, E>(
  env: Env,
  actor: Actor,
  cause: string,
  body: Effect.Effect<A, E, Services>
): Effect.Effect<A, E | StorageError | HandlerFailed | EventCycle> =>
  Effect.catchAll(oneTransaction(env, actor, cause, body), (error) => {
    const recorded = recordedEvents(error)
    return recorded.length === 0
      ? Effect.fail(error)
      : Effect.zipRight(oneTransaction(env, actor, cause, appendAll(recorded)), Effect.fail(error))
  })

/**
 * A read-only snapshot with the query services. The events the read appends are
 * audit records: they are written in a unit of work of their own once the read
 * has succeeded, and the result is returned only when they are.
 */
export const readOnly = <A, E>(
  env: Env,
  actor: Actor,
  body: Effect.Effect<A, E, Services>,
  cause = "query",
  scope?: (transaction: Transaction) => Effect.Effect<Transaction, StorageError>
): Effect.Effect<A, E | StorageError | HandlerFailed | EventCycle> =>
  Effect.gen(function* () {
    const audit: Array<NewEvent> = []
    const collect: EventsService = {
      append: (event) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          audit.push(event)
          return {
            id: "",
            district: event.district,
            type: event.type,
            scopePath: event.scopePath ?? null,
            subject: event.subject ?? null,
            payload: event.payload ?? {},
            actor: actor.id,
            cause,
            correlation: "",
            occurredAt: new Date(now)
          }
        })
    }
    const result = yield* inTransaction(env, "read", (transaction) =>
      Effect.flatMap(scope === undefined ? Effect.succeed(transaction) : scope(transaction), (scoped) =>
        Effect.tap(provideServices(env, scoped, actor, collect, body), () => {
          audit.push(...(scoped.audit?.() ?? []))
        })
      )
    )
    if (audit.length > 0) yield* unitOfWork(env, actor, cause, appendAll(audit))
    return result
  })
