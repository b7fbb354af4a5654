import { randomBytes } from "node:crypto"
import pg from "pg"
import { inject } from "vitest"

/** A PostgreSQL server the run started (or was given), by name and URL. */
export interface Server {
  readonly name: string
  readonly url: string
}

declare module "vitest" {
  export interface ProvidedContext {
    postgres: ReadonlyArray<Server>
  }
}

/** The servers of this run, for `describe.each`. */
export const servers = (): ReadonlyArray<Server> => inject("postgres")

/** A schema name no other test file or run uses. */
export const freshSchema = (): string => `t_${randomBytes(6).toString("hex")}`

/** Drops `schemas` on the server at `url`. */
export const dropSchemas = async (url: string, schemas: ReadonlyArray<string>): Promise<void> => {
  const client = new pg.Client(url)
  await client.connect()
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await client.end()
  }
}
