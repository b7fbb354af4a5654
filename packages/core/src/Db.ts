/**
 * The current transaction. A command, handler, job or query reaches the database
 * only through this service, so everything it writes commits or rolls back with
 * the command; the root connection is never handed out (using it inside a
 * command would deadlock SQLite and escape rollback on PostgreSQL).
 *
 * @since 0.1.0
 */
import { Context, Effect } from "effect"
import type { Kysely } from "kysely"
import { CoreCode, StorageError } from "./Errors.js"
import type { NewEvent } from "./Events.js"
import type { BulkInsert, Capabilities, Dialect, StorageTx } from "./Storage.js"

/**
 * The transaction a piece of work runs in.
 *
 * @since 0.1.0
 */
export interface Transaction {
  readonly tx: StorageTx
  readonly dialect: Dialect
  readonly capabilities: Capabilities
  readonly isRetryable: (error: unknown) => boolean
  /** Audit records the connection itself asks for after a read (a resident reached by temporary access). */
  readonly audit?: () => ReadonlyArray<NewEvent>
}

/** @since 0.1.0 */
export class Db extends Context.Tag("@shequ/core/Db")<Db, Transaction>() {}

/**
 * Turns a failure of the engine into a {@link StorageError} that says whether a
 * retry can help.
 *
 * @since 0.1.0
 */
export const storageError = (operation: string, error: unknown, retryable: boolean): StorageError =>
  new StorageError({
    code: CoreCode.Storage,
    operation,
    retryable,
    detail: error instanceof Error ? error.message : String(error),
    cause: error
  })

/**
 * Runs a query on the current transaction; a rejection becomes a
 * {@link StorageError}.
 *
 * @example
 * ```ts
 * const rows = yield* Db.use((db) => db.selectFrom("counter_counter").selectAll().execute())
 * ```
 * @since 0.1.0
 */
export const use = <A>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  f: (db: Kysely<any>) => Promise<A>,
  operation = "query"
): Effect.Effect<A, StorageError, Db> =>
  Effect.flatMap(Db, (t) =>
    Effect.tryPromise({ try: () => f(t.tx.db), catch: (error) => storageError(operation, error, t.isRetryable(error)) })
  )

/**
 * Writes rows through the engine's fast path (a reused prepared statement on
 * SQLite, `COPY` on PostgreSQL) inside the current transaction.
 *
 * @since 0.1.0
 */
export const bulkInsert = (request: BulkInsert): Effect.Effect<number, StorageError, Db> =>
  Effect.flatMap(Db, (t) =>
    Effect.tryPromise({
      try: () => t.tx.bulkInsert(request),
      catch: (error) => storageError(`bulk insert into ${request.table}`, error, t.isRetryable(error))
    })
  )
