/**
 * Which PostgreSQL failures are worth running the same command again for.
 *
 * @since 0.1.0
 */

// serialization_failure, deadlock_detected, lock_not_available, admin_shutdown
// (a failover or restart); class 08 is connection_exception.
const retryableStates = new Set(["40001", "40P01", "55P03", "57P01"])

const socketCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN"
])

// pg reports a lost or unreachable server with plain errors that carry no code.
const lostConnection =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect/

const retryable = (error: unknown, depth: number): boolean => {
  if (typeof error !== "object" || error === null || depth > 8) return false
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown }
  if (typeof code === "string" && (retryableStates.has(code) || code.startsWith("08") || socketCodes.has(code))) {
    return true
  }
  if (typeof message === "string" && lostConnection.test(message)) return true
  const inner = error instanceof AggregateError ? error.errors : []
  return retryable(cause, depth + 1) || inner.some((e) => retryable(e, depth + 1))
}

/**
 * Whether running the same transaction again can succeed: true for a
 * serialisation failure (40001), a deadlock (40P01), a lock not available
 * (55P03), a server shutting down (57P01), any connection exception (class
 * 08) and a lost or refused connection; false for everything else, such as a
 * constraint the input violates. Follows `cause` chains, so an error the kernel
 * wrapped is still recognised.
 *
 * @example
 * ```ts
 * import { isRetryable } from "@shequ/adapter-postgres"
 *
 * try {
 *   await tx.commit()
 * } catch (error) {
 *   if (isRetryable(error)) scheduleRetry()
 *   else throw error
 * }
 * ```
 *
 * @since 0.1.0
 */
export const isRetryable = (error: unknown): boolean => retryable(error, 0)
