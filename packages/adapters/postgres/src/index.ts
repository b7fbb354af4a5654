/**
 * `@shequ/adapter-postgres`: shequ's storage on PostgreSQL, one server or a
 * Citus cluster.
 *
 * @example
 * ```ts
 * import { makeKernel } from "@shequ/core"
 * import { postgresStorage } from "@shequ/adapter-postgres"
 *
 * const kernel = await makeKernel({
 *   storage: postgresStorage({ connectionString: "postgres://app@db/app", schema: "shequ" }),
 *   plugins: []
 * })
 * ```
 *
 * @packageDocumentation
 * @since 0.1.0
 */
export { distributionPlan } from "./Distribution.js"
export { postgresStorage, storage, type PostgresOptions } from "./PostgresStorage.js"
export { isRetryable } from "./Retry.js"
