/**
 * The storage port: what the kernel asks of an engine. An adapter turns its
 * options into one of these; core branches on `capabilities`, never on the
 * engine's name.
 *
 * @since 0.1.0
 */
import type { Kysely } from "kysely"

/**
 * What an engine can do beyond the portable subset.
 *
 * @since 0.1.0
 */
export interface Capabilities {
  /** Bulk writes stream through the engine's COPY protocol. */
  readonly copy: boolean
  /** Several processes can open the same database at once. */
  readonly sharedAcrossProcesses: boolean
  /** Tables live in a named schema that the adapter qualifies every statement with. */
  readonly schemas: boolean
}

/**
 * The SQL dialect, for migrations that need a per-dialect branch (SQLite cannot
 * alter a column's type or add a constraint to an existing table).
 *
 * @since 0.1.0
 */
export type Dialect = "sqlite" | "postgres"

/**
 * How a transaction is opened:
 * - `write`: takes the engine's write lock at once (SQLite `BEGIN IMMEDIATE`);
 * - `read`: a consistent snapshot for queries;
 * - `migrate`: a write transaction that also holds the migration lock (PostgreSQL
 *   advisory lock), and creates the adapter's schema if it is missing.
 *
 * @since 0.1.0
 */
export type TxMode = "write" | "read" | "migrate"

/**
 * What a bulk write does with a row whose key is already taken: fail the whole
 * transaction, skip the row, or update the listed columns.
 *
 * @since 0.1.0
 */
export type OnConflict =
  | { readonly kind: "error" }
  | { readonly kind: "ignore"; readonly key: ReadonlyArray<string> }
  | { readonly kind: "update"; readonly key: ReadonlyArray<string>; readonly set: ReadonlyArray<string> }

/**
 * A bulk write: rows as arrays in `columns` order, streamed, never held whole.
 * Values are JavaScript values (string, number, boolean, Date, null, or a plain
 * object or array for JSON columns); the adapter converts them for its engine.
 *
 * @since 0.1.0
 */
export interface BulkInsert {
  readonly table: string
  readonly columns: ReadonlyArray<string>
  readonly rows: AsyncIterable<ReadonlyArray<unknown>> | Iterable<ReadonlyArray<unknown>>
  readonly onConflict?: OnConflict
}

/**
 * An open transaction. Its `db` is bound to the transaction's own connection;
 * the root connection is never handed out.
 *
 * @since 0.1.0
 */
export interface StorageTx {
  // Tables differ per plugin, so the kernel cannot type them; modules type their own rows.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>
  /** Writes rows through the engine's fast path; returns how many rows were written. */
  bulkInsert(request: BulkInsert): Promise<number>
  commit(): Promise<void>
  rollback(): Promise<void>
}

/**
 * A column as the engine's catalogue describes it.
 *
 * @since 0.1.0
 */
export interface CatalogColumn {
  readonly name: string
  readonly type: string
  readonly nullable: boolean
  /** The value is drawn from a sequence, an identity or an autoincrement. */
  readonly sequence: boolean
}

/**
 * A foreign key, columns in key order.
 *
 * @since 0.1.0
 */
export interface CatalogForeignKey {
  readonly columns: ReadonlyArray<string>
  readonly table: string
  readonly references: ReadonlyArray<string>
}

/**
 * A table as the engine's catalogue describes it: the source of truth for the
 * distribution rules, whatever a migration meant to create.
 *
 * @since 0.1.0
 */
export interface CatalogTable {
  readonly name: string
  readonly columns: ReadonlyArray<CatalogColumn>
  readonly primaryKey: ReadonlyArray<string>
  /** Unique constraints and unique indexes, columns in key order. */
  readonly uniqueKeys: ReadonlyArray<ReadonlyArray<string>>
  readonly foreignKeys: ReadonlyArray<CatalogForeignKey>
}

/**
 * A storage engine, opened. Made by an adapter package
 * (`@shequ/adapter-sqlite`, `@shequ/adapter-postgres`).
 *
 * @since 0.1.0
 */
export interface Storage {
  /** The engine's name, for reports and benchmarks only. */
  readonly engine: string
  readonly dialect: Dialect
  readonly capabilities: Capabilities
  /** Whether the kernel applies pending migrations at start (`auto`) or refuses to start with them (`verify`). */
  readonly migrate: "auto" | "verify"
  /** Whether running the same work again can help after this error (a lock timeout, a dropped connection). */
  isRetryable(error: unknown): boolean
  /** Opens a transaction; it holds its connection until commit or rollback. */
  begin(mode: TxMode): Promise<StorageTx>
  /** The tables of this storage's schema, read from the engine's catalogue inside `tx`. */
  catalog(tx: StorageTx): Promise<ReadonlyArray<CatalogTable>>
  /**
   * How another process opens the same database: the adapter module and the
   * options to pass to its `storage()` function. Absent for an in-memory database.
   */
  readonly spec?: StorageSpec
  /**
   * Runs after migrations, inside the migration transaction, with every table's
   * role: where an engine shards (Citus), it distributes the tables here.
   */
  afterMigrate?(tx: StorageTx, tables: ReadonlyArray<TableRole>): Promise<void>
  /** Closes connections the adapter opened (never a pool the host passed in). */
  close(): Promise<void>
}

/**
 * A serialisable recipe for opening a storage in another process.
 *
 * @since 0.1.0
 */
export interface StorageSpec {
  readonly module: string
  readonly options: Record<string, unknown>
}

/**
 * How a table is spread over a sharded engine: a district table is split by
 * `district_code`; a reference table (tags, menus, rules) is copied whole to every
 * node; the ledger stays on the coordinator.
 *
 * @since 0.1.0
 */
export interface TableRole {
  readonly table: CatalogTable
  readonly kind: "district" | "reference" | "ledger"
}
