import { Actor, type Kernel } from "@shequ/core"
import { readings } from "./generator.js"
import { bench } from "./plugin.js"

/**
 * What the runner asks of an engine: a fresh, empty `bench_reading` table for
 * each trial, made by the plugin's own migration (so both paths write into the
 * same DDL and indexes), and the two ways of filling it.
 */

/** Aggregates of a filled table, to check that both paths wrote the same content. */
export interface Fingerprint {
  readonly rows: number
  readonly age: number
  readonly visits: number
  readonly scoreCents: number
  readonly notes: number
  readonly noteChars: number
  readonly nameChars: number
  readonly active: number
  readonly firstVisit: string
  readonly lastVisit: string
}

/** One timed fill of a fresh table. */
export interface Trial {
  /** Writes the rows; this is what is timed. Returns the rows written. */
  run(): Promise<number>
  /** Closes what the trial opened, fingerprints the table, and throws the table away. */
  finish(): Promise<Fingerprint>
}

export type PathName = "kernel" | "bare"

export interface Harness {
  readonly engine: "sqlite" | "postgres"
  /** The engine's version and where it runs, for the report. */
  readonly description: string
  trial(path: PathName, rows: number): Promise<Trial>
  close(): Promise<void>
}

export interface HarnessOptions {
  readonly seed: number
  readonly district: string
}

/** The fingerprint query's columns, the same SQL on both engines but for the casts. */
export const fingerprintSql = (table: string, integer: string) => `
  SELECT count(*) AS rows,
         sum(age) AS age,
         sum(visits) AS visits,
         sum(CAST(round(score * 100) AS ${integer})) AS score_cents,
         count(note) AS notes,
         coalesce(sum(length(note)), 0) AS note_chars,
         sum(length(resident_name)) AS name_chars,
         sum(CASE WHEN active THEN 1 ELSE 0 END) AS active,
         min(visited_at) AS first_visit,
         max(visited_at) AS last_visit
    FROM ${table}`

export const toFingerprint = (row: Record<string, unknown>): Fingerprint => ({
  rows: Number(row["rows"]),
  age: Number(row["age"]),
  visits: Number(row["visits"]),
  scoreCents: Number(row["score_cents"]),
  notes: Number(row["notes"]),
  noteChars: Number(row["note_chars"]),
  nameChars: Number(row["name_chars"]),
  active: Number(row["active"]),
  firstVisit: new Date(row["first_visit"] as string | Date).toISOString(),
  lastVisit: new Date(row["last_visit"] as string | Date).toISOString()
})

/**
 * The kernel path, the same on every engine: `kernel.import` of the generated
 * rows into a kernel opened on a fresh table; `done` fingerprints and discards it.
 */
export const kernelTrial = (
  kernel: Kernel,
  rows: number,
  options: HarnessOptions,
  done: () => Promise<Fingerprint>
): Trial => ({
  run: async () => {
    const result = await kernel.import(
      bench.imports.readings({ district: options.district }, readings(rows, options.seed, options.district)),
      Actor.system("bench")
    )
    if (result.rejected > 0) throw new Error(`the kernel rejected ${result.rejected} rows`)
    return result.written
  },
  finish: async () => {
    await kernel.close()
    return done()
  }
})
