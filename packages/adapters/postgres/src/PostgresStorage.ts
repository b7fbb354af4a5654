/**
 * The PostgreSQL storage engine.
 *
 * @since 0.1.0
 */
import type { Storage, StorageSpec } from "@shequ/core"
import { CompiledQuery } from "kysely"
import pg from "pg"
import { distributionPlan } from "./Distribution.js"
import { isRetryable } from "./Retry.js"
import { readCatalog } from "./internal/catalog.js"
import { openTransaction } from "./internal/transaction.js"

/**
 * Options of {@link postgresStorage}. Give exactly one of `connectionString` and
 * `pool`.
 *
 * @since 0.1.0
 */
export interface PostgresOptions {
  /** The adapter makes its own pool from this, and ends it on `close()`. */
  readonly connectionString?: string
  /** The host's own pool: the adapter borrows clients from it and never ends it. */
  readonly pool?: pg.Pool
  /** Schema that holds every table; it is created by the first migration. Default `"shequ"`. */
  readonly schema?: string
  /**
   * `"auto"` (default): the kernel applies pending migrations at start.
   * `"verify"`: it refuses to start with pending migrations, for hosts that
   * forbid DDL at start-up and run `shequ migrate` instead.
   */
  readonly migrate?: "auto" | "verify"
  /** Distribute the tables over a Citus cluster after each migration. */
  readonly citus?: boolean
  /** Size of the pool the adapter makes (pg's default is 10); only with `connectionString`. */
  readonly max?: number
}

const MODULE = "@shequ/adapter-postgres"

const ownPool = (connectionString: string, max: number | undefined): pg.Pool => {
  const pool = new pg.Pool(max === undefined ? { connectionString } : { connectionString, max })
  // An idle client whose server went away (restart, failover) is dropped by the
  // pool, and the next checkout reconnects; unheard, pg-pool's 'error' event
  // would crash the host.
  pool.on("error", () => {})
  return pool
}

/**
 * Opens PostgreSQL storage. Every statement is qualified with `schema` (a pooler
 * in transaction mode drops `search_path`, so it is never relied on), and
 * `public` is left untouched. Bulk writes stream through `COPY FROM STDIN`.
 * Migrations hold an advisory lock, so several processes can start at once.
 *
 * With `connectionString`, the storage also has a `spec`, from which another
 * process (a worker) opens the same database.
 *
 * @example
 * ```ts
 * import { makeKernel } from "@shequ/core"
 * import { postgresStorage } from "@shequ/adapter-postgres"
 *
 * const storage = postgresStorage({ connectionString: process.env.DATABASE_URL, schema: "shequ" })
 * const kernel = await makeKernel({ storage, plugins: [] })
 * ```
 *
 * @since 0.1.0
 */
export const postgresStorage = (options: PostgresOptions): Storage => {
  const { connectionString, schema = "shequ", migrate = "auto", citus = false, max } = options
  if ((connectionString === undefined) === (options.pool === undefined)) {
    throw new TypeError("postgresStorage needs exactly one of `connectionString` and `pool`")
  }
  if (options.pool !== undefined && max !== undefined) {
    throw new TypeError("postgresStorage: `max` sizes the pool the adapter makes; size a pool you pass yourself")
  }
  if (schema.length === 0) throw new TypeError("postgresStorage: `schema` must not be empty")

  const pool = options.pool ?? ownPool(connectionString!, max)
  const spec: StorageSpec | undefined =
    connectionString === undefined
      ? undefined
      : {
          module: MODULE,
          options: {
            connectionString,
            schema,
            migrate,
            ...(citus ? { citus } : {}),
            ...(max === undefined ? {} : { max })
          }
        }

  return {
    engine: "postgres",
    dialect: "postgres",
    capabilities: { copy: true, sharedAcrossProcesses: true, schemas: true },
    migrate,
    isRetryable,
    ...(spec === undefined ? {} : { spec }),
    begin: (mode) => openTransaction(pool, schema, mode),
    catalog: (tx) => readCatalog(tx, schema),
    afterMigrate: async (tx, roles) => {
      if (!citus) return
      // Asked before the plan runs, so a server without Citus gets a reason instead of a missing catalogue.
      const citusFunctions = await tx.db.executeQuery(
        CompiledQuery.raw(
          "SELECT 1 FROM pg_catalog.pg_proc WHERE proname = 'create_distributed_table' AND pg_catalog.pg_function_is_visible(oid)"
        )
      )
      if (citusFunctions.rows.length === 0) {
        throw new Error(
          "citus: true, but this database has no Citus (CREATE EXTENSION citus) / " +
            "已设置 citus: true，但此数据库未安装 Citus 扩展"
        )
      }
      for (const statement of distributionPlan(schema, roles)) await tx.db.executeQuery(CompiledQuery.raw(statement))
    },
    close: async () => {
      if (options.pool === undefined) await pool.end()
    }
  }
}

/**
 * The same as {@link postgresStorage}, under the name by which another process
 * opens a storage from its `spec`: `(await import(spec.module)).storage(spec.options)`.
 *
 * @since 0.1.0
 */
export const storage: (options: PostgresOptions) => Storage = postgresStorage
