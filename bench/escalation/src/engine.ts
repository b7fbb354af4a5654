/**
 * What the bench asks of an engine: storage for the kernel, and a bare driver
 * connection to the same database to seed the fixture in bulk, count rows,
 * and ask the engine for a statement's plan.
 */
import type { Storage } from "@shequ/core"
import type { Row } from "./fixture.js"

/** The engine's plan for a statement: the index it reads `services_request` through, and the plan as text. */
export interface Plan {
  readonly index: string | null
  readonly lines: ReadonlyArray<string>
}

export interface Engine {
  readonly engine: "sqlite" | "postgres"
  readonly description: string
  /** Storage for a kernel on the bench's database (the kernel closes it). */
  storage(): Storage
  /** Writes rows with the bare driver, in bulk; returns how many. */
  bulk(table: string, columns: ReadonlyArray<string>, rows: Iterable<Row>): Promise<number>
  /** A query on the bare connection; SQL with `$1, $2…`, each used once and in order; timestamps as ISO text. */
  all(sql: string, params: ReadonlyArray<string | number>): Promise<ReadonlyArray<Record<string, unknown>>>
  /** After the seeding: the state a live database would be in (WAL checkpointed; vacuumed and analysed). */
  settleSeed(): Promise<void>
  /** The engine's plan for a statement compiled by the kernel's own Kysely, with its parameters. */
  explain(sql: string, parameters: ReadonlyArray<unknown>): Promise<Plan>
  /**
   * Right after a timed sweep: waits for what the engine does with the
   * sweep's writes apart from it, after its commit, and returns how long
   * that took from the call, or `null` when it does nothing of the kind. On
   * SQLite, the adapter's checkpoint thread copying the log into the file.
   */
  afterSweep(): Promise<number | null>
  /** Before a timed sweep: the previous one's dirty pages go to disk now, not during this one. */
  settle(): Promise<void>
  close(): Promise<void>
}

/** Whole numbers of a count query, however the driver returns them. */
export const count = async (engine: Engine, sql: string, params: ReadonlyArray<string | number>): Promise<number> =>
  Number(Object.values((await engine.all(sql, params))[0] ?? {})[0] ?? Number.NaN)
