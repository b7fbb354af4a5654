/**
 * Exit codes: 0 done; 1 the data was refused (bad rows, a bad header) or
 * anything else failed; 2 a usage error (an unknown option, a missing file, a
 * bad value); 3 the database or the key failed (cannot open or connect, not the
 * database's key, a storage error).
 */
export const Exit = { ok: 0, refused: 1, usage: 2, database: 3 } as const

/** The user asked for something that cannot be: exit 2. */
export class UsageError extends Error {
  readonly exitCode = Exit.usage
}

/** The database or the key failed: exit 3. */
export class DatabaseError extends Error {
  readonly exitCode = Exit.database
}

export const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null | undefined)?.code
  return typeof code === "string" ? code : undefined
}

/**
 * The exit code of an error: 2 for usage, 3 for the database or the key,
 * 1 for anything else.
 */
export const exitCodeOf = (error: unknown): number => {
  if (error instanceof UsageError || error instanceof DatabaseError) return error.exitCode
  const code = codeOf(error)
  if (code === undefined) return Exit.refused
  if (code.startsWith("SECRETS.")) return Exit.database
  if (
    code === "CORE.STORAGE" ||
    code === "CORE.MIGRATION_CHANGED" ||
    code === "CORE.MIGRATIONS_PENDING" ||
    code === "CORE.DISTRIBUTION_RULE"
  ) {
    return Exit.database
  }
  if (code.startsWith("CORE.PLUGIN_") || code === "CORE.DUPLICATE_NAME") return Exit.usage
  return Exit.refused
}
