/**
 * What the runner asks of an engine: a fresh database for each kernel trial
 * (the kernel migrates it), a fresh bare table for each bare trial, and a
 * plain driver connection to the kernel's database, for the setup of the
 * query measurements and for the same queries sent by the bare driver.
 */
import type { Storage } from "@shequ/core"
import type { BareRow } from "./bare.js"

/** A plain driver connection. SQL is written with `$1, $2…` parameters, each used once and in order (SQLite gets `?`). */
export interface RawDb {
  /** A prepared statement: its rows for the given parameters (synchronously on SQLite). */
  prepare(
    sql: string
  ): (
    params: ReadonlyArray<unknown>
  ) => ReadonlyArray<Record<string, unknown>> | Promise<ReadonlyArray<Record<string, unknown>>>
  close(): Promise<void>
}

/** A fresh database for one kernel trial. */
export interface KernelDb {
  readonly storage: Storage
  /** A driver connection to the same database, opened on demand. */
  raw(): Promise<RawDb>
  /** Throws the database away (the kernel must be closed first). */
  drop(): Promise<void>
}

/** One timed fill of a fresh bare table. */
export interface BareTrial {
  /** Inserts the rows in one transaction; this is what is timed. Returns the rows written. */
  run(rows: AsyncIterable<BareRow>): Promise<number>
  /** Counts the table's rows, closes what the trial opened and throws the table away. */
  finish(): Promise<number>
}

export interface Engine {
  readonly engine: "sqlite" | "postgres"
  readonly description: string
  kernelDb(): Promise<KernelDb>
  bareTrial(): Promise<BareTrial>
  /** Before a timed trial: the previous trial's dirty pages go to disk now, not during this one. */
  settle(): Promise<void>
  close(): Promise<void>
}
