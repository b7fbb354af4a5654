/**
 * Opens the storage a `--db` option names: a PostgreSQL URL, or a SQLite file path.
 *
 * @since 0.1.0
 */
import { postgresStorage } from "@shequ/adapter-postgres"
import { sqliteStorage } from "@shequ/adapter-sqlite"
import type { Storage } from "@shequ/core"

/**
 * Where the storage is, as `--db`, `--schema` and `--citus` say.
 *
 * @since 0.1.0
 */
export interface StorageChoice {
  /** `postgres://…` or `postgresql://…` for PostgreSQL; anything else is a SQLite file path. */
  readonly db: string
  /** The PostgreSQL schema (default `shequ`). */
  readonly schema?: string
  readonly citus?: boolean
  readonly migrate?: "auto" | "verify"
}

/** Whether `--db` names a PostgreSQL server. @since 0.1.0 */
export const isPostgres = (db: string): boolean => /^postgres(ql)?:\/\//.test(db)

/**
 * Opens the storage; `where` describes it for people (without the password).
 *
 * @example
 * ```ts
 * const { storage, where } = openStorage({ db: "lingdong.db" })
 * ```
 * @since 0.1.0
 */
export const openStorage = (choice: StorageChoice): { readonly storage: Storage; readonly where: string } => {
  if (isPostgres(choice.db)) {
    const url = new URL(choice.db)
    url.password = url.password ? "***" : ""
    const schema = choice.schema ?? "shequ"
    return {
      storage: postgresStorage({
        connectionString: choice.db,
        schema,
        ...(choice.citus ? { citus: true } : {}),
        ...(choice.migrate ? { migrate: choice.migrate } : {})
      }),
      where: `PostgreSQL ${url.host}${url.pathname}, schema ${schema}${choice.citus ? " (Citus)" : ""}`
    }
  }
  if (choice.citus) throw new TypeError("--citus needs a PostgreSQL --db URL / --citus 需要 PostgreSQL 的 --db 地址")
  return {
    storage: sqliteStorage({ filename: choice.db, ...(choice.migrate ? { migrate: choice.migrate } : {}) }),
    where: `SQLite ${choice.db}`
  }
}
