import { createHash } from "node:crypto"

/**
 * The advisory-lock key that serialises migrations of one schema: the first
 * eight bytes of SHA-256('shequ:migrate:' + schema) as a signed 64-bit integer,
 * so every process (and every language) derives the same key, and two schemas
 * in one database migrate independently.
 */
export const migrationLockKey = (schema: string): string =>
  createHash("sha256").update(`shequ:migrate:${schema}`).digest().readBigInt64BE(0).toString()
