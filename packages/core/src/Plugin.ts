/**
 * The plugin API. A plugin is a plain value made by {@link definePlugin}: a
 * literal name, the plugins it requires, its migrations, and its commands,
 * queries, bulk imports, event handlers, jobs, policies and labels. Its commands
 * and queries are typed by the definition itself: `plugin.commands.increment(input)`
 * builds a request whose result and errors the kernel's `run` and `exec` carry.
 *
 * @since 0.1.0
 */
import type { Effect, Schema } from "effect"
import type { CurrentActor } from "./Actor.js"
import type { Calendar } from "./Calendar.js"
import type { Db } from "./Db.js"
import type { Problem, Text } from "./Errors.js"
import type { Events, PendingEvent } from "./Events.js"
import type { Ids } from "./Ids.js"
import type { Migration } from "./Migration.js"
import type { Policy, Target } from "./Policy.js"
import type { ScopedTable } from "./Scope.js"

/**
 * The services a command, handler, job or import runs with.
 *
 * @since 0.1.0
 */
export type Services = Db | Events | CurrentActor | Calendar | Ids | Policy

/**
 * The services a query runs with: a read-only snapshot, its reads of scoped
 * tables limited to the actor's scope. The events it appends are audit records
 * (an unmasked number, a restricted tag), written when the read has succeeded;
 * the result is returned only once they are.
 *
 * @since 0.1.0
 */
export type QueryServices = Db | Events | CurrentActor | Calendar | Ids | Policy

/**
 * A command: validate -> load -> authorise -> run, all in one transaction.
 *
 * @since 0.1.0
 */
export interface CommandDef<I, A, E, L> {
  // Encoded types vary (dates as strings, numbers as text); only the decoded type matters here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly input: Schema.Schema<I, any, never>
  /** Loads what the command acts on, before authorisation. */
  readonly load?: (input: I) => Effect.Effect<L, E, Services>
  /** Where the command acts, for the policy check. */
  readonly target: (input: I, loaded: L) => Target
  readonly run: (input: I, loaded: L) => Effect.Effect<A, E, Services>
}

/**
 * A query: validate -> authorise -> read, in a read-only snapshot.
 *
 * @since 0.1.0
 */
export interface QueryDef<I, A, E> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly input: Schema.Schema<I, any, never>
  readonly target: (input: I) => Target
  readonly run: (input: I) => Effect.Effect<A, E, QueryServices>
}

/**
 * A row as an import takes it: its values, or a record read from a file with
 * the line it starts on (what `Csv.readCsv` yields), so problems name that line.
 *
 * @since 0.2.0
 */
export type ImportRow<R> = R | { readonly line: number; readonly values: Readonly<Record<string, unknown>> }

/**
 * A problem with one row of an import, before the kernel knows the row's line:
 * the column it is in, its code and both reasons.
 *
 * @since 0.2.0
 */
export interface RowProblem extends Text {
  readonly column: string
  readonly code: string
}

/**
 * What `toRow` returns for a row it refuses: every problem of the row.
 *
 * @since 0.2.0
 */
export interface RowRefused {
  readonly _tag: "RowRefused"
  readonly problems: ReadonlyArray<RowProblem>
}

/** Refuses a row in `toRow`, with every problem it has. @since 0.2.0 */
export const refuseRow = (problems: ReadonlyArray<RowProblem>): RowRefused => ({ _tag: "RowRefused", problems })

/**
 * One row for one table, as a multi-table import's `toRow` gives it.
 *
 * @since 0.2.0
 */
export type TableRow = readonly [table: string, row: ReadonlyArray<unknown>]

/**
 * What `toRow` returns for a row that becomes rows of several tables (a
 * resident, their residence, their tags, and the flat and household they are
 * the first to name).
 *
 * @since 0.2.0
 */
export interface ImportRows {
  readonly _tag: "ImportRows"
  readonly rows: ReadonlyArray<TableRow>
}

/** The rows one imported row becomes, for {@link ImportDef.tables}. @since 0.2.0 */
export const rowsFor = (rows: ReadonlyArray<TableRow>): ImportRows => ({ _tag: "ImportRows", rows })

/**
 * A table a multi-table import writes besides its main `table`. A `parent`
 * table's rows are written before the main table's, the others' after.
 *
 * @since 0.2.0
 */
export interface ImportTable {
  readonly table: string
  readonly columns: ReadonlyArray<string>
  readonly parent?: boolean
}

/**
 * A problem `check` found in a staged row: its line, its column, its code and
 * both reasons.
 *
 * @since 0.2.0
 */
export const problemAt = (row: number, column: string, code: string, text: Text): Problem => ({
  path: column,
  code,
  ...text,
  row,
  column
})

/**
 * The batch an import's `check` and `settle` work on: its id (the `batch_id`
 * of its staged rows), the meta, and what `prepare` loaded.
 *
 * @since 0.2.0
 */
export interface ImportBatch<M, C> {
  readonly id: string
  readonly meta: M
  readonly context: C
  /** The caller asked for the good rows only: a row that cannot stand without a refused one is refused too. */
  readonly goodRowsOnly: boolean
}

/**
 * What `settle` wrote: how many rows, counts by kind for the caller's report,
 * and what the batch event carries besides them.
 *
 * @since 0.2.0
 */
export interface Settled {
  readonly written: number
  readonly counts?: Readonly<Record<string, number>>
  readonly payload?: Readonly<Record<string, unknown>>
}

/**
 * A bulk import: rows streamed in, each validated against `row` and turned into
 * a row of `table` by `toRow`, written through the engine's fast path, announced
 * by one batch event. Nothing is written when any row is bad, unless the caller
 * asks for the good rows only.
 *
 * An import whose rows become more than one table's, or whose rules span rows
 * (one head per household, the same number twice), stages them: `table` is then
 * a staging table keyed by `(district_code, batch_id, line)`, `check` finds the
 * bad rows across the batch in SQL and marks them, and `settle` moves the rest
 * into the module's tables set-wise, all in the import's one transaction.
 *
 * @since 0.1.0
 */
export interface ImportDef<M, R, C = void, E = never> {
  /** What the whole batch is about (its district, and anything the rows share). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly meta: Schema.Schema<M, any, never>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly row: Schema.Schema<R, any, never>
  readonly target: (meta: M) => Target
  readonly table: string
  readonly columns: ReadonlyArray<string>
  /** Loads what `toRow` needs (keys, look-up maps), once per batch, inside the transaction. */
  readonly prepare?: (meta: M, batch: string) => Effect.Effect<C, E, Services>
  /**
   * Tables the import writes besides `table`: `toRow` then returns
   * {@link rowsFor} the rows of each, and the kernel writes them a chunk at a
   * time, parents first.
   */
  readonly tables?: ReadonlyArray<ImportTable>
  /**
   * One row's values in `columns` order, the rows of several tables
   * ({@link rowsFor}), the row's problems ({@link refuseRow}), or `null` for a
   * row `check` and `settle` will deal with. Runs inside the transaction; `id`
   * is a fresh id for the row, `line` its line in the file.
   */
  readonly toRow: (
    row: R,
    meta: M,
    id: string,
    context: C,
    line: number
  ) => ReadonlyArray<unknown> | ImportRows | RowRefused | null
  /** Rules across the staged rows: returns the problems of the rows it refuses, each with its `row` and `column`. */
  readonly check?: (batch: ImportBatch<M, C>) => Effect.Effect<ReadonlyArray<Problem>, E, Services>
  /** Moves the staged rows that passed into the module's tables, and clears the batch from the staging table. */
  readonly settle?: (batch: ImportBatch<M, C>) => Effect.Effect<Settled, E, Services>
  /** The batch event's type; its payload carries the row count and the batch's first and last ids. */
  readonly event: string
}

/**
 * A time-driven sweep, run per district by `kernel.tick(at)`. The kernel records
 * each `(district, job, at)` it ran, so a second tick for the same time, even
 * one running at once with the first, does nothing.
 *
 * @since 0.1.0
 */
export interface JobDef<E> {
  readonly run: (context: { readonly at: Date; readonly district: string }) => Effect.Effect<void, E, Services>
}

/**
 * An event handler, run inside the command's transaction. A failure rolls the
 * whole command back.
 *
 * @since 0.1.0
 */
export type Handler<E> = (event: PendingEvent) => Effect.Effect<void, E, Services>

/**
 * A plugin as written by its author.
 *
 * @since 0.1.0
 */
export interface PluginSpec<
  Name extends string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  C extends Record<string, CommandDef<any, any, any, any>>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  Q extends Record<string, QueryDef<any, any, any>>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  B extends Record<string, ImportDef<any, any, any, any>>
> {
  /** Lower-case words joined by `-`; tables are prefixed with it (`-` becoming `_`). */
  readonly name: Name
  readonly version: string
  readonly requires?: ReadonlyArray<string>
  readonly migrations?: ReadonlyArray<Migration>
  /** Tables without `district_code` that are the same for every district (tags, menus, rules). */
  readonly referenceTables?: ReadonlyArray<string>
  readonly commands?: C
  readonly queries?: Q
  readonly imports?: B
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly on?: Readonly<Record<string, Handler<any>>>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly jobs?: Readonly<Record<string, JobDef<any>>>
  /**
   * Tables whose rows belong to a resident, household, dwelling, building or
   * grid: the kernel writes the `scope_path` of each row a command inserts
   * (from the one it names, replacing any the insert carried), keeps it in step
   * when people move or grids are redrawn, and filters every query's reads of
   * them by the actor's scope.
   */
  readonly scopedTables?: Readonly<Record<string, ScopedTable>>
  /** Per command, query or import name: the roles that may run it. */
  readonly policies?: Readonly<Record<string, ReadonlyArray<string>>>
  /**
   * Per permission beyond running an action (`unmask`: see whole ID numbers):
   * the roles that hold it. Checked with `Policy.permits`.
   */
  readonly permissions?: Readonly<Record<string, ReadonlyArray<string>>>
  /** zh-CN and en labels for the plugin's event types, enums and errors. */
  readonly labels?: Readonly<Record<string, Text>>
}

/**
 * A request to run a command, made by `plugin.commands.<name>(input)`.
 *
 * @since 0.1.0
 */
export interface CommandRequest<A, E> {
  readonly _tag: "CommandRequest"
  readonly action: string
  readonly input: unknown
  /** Phantom: the command's result and errors. */
  readonly _types?: { readonly a: A; readonly e: E }
}

/**
 * A request to run a query, made by `plugin.queries.<name>(input)`.
 *
 * @since 0.1.0
 */
export interface QueryRequest<A, E> {
  readonly _tag: "QueryRequest"
  readonly action: string
  readonly input: unknown
  readonly _types?: { readonly a: A; readonly e: E }
}

/**
 * A request to import rows, made by `plugin.imports.<name>(meta, rows)`.
 *
 * @since 0.1.0
 */
export interface ImportRequest<R, E = never> {
  readonly _tag: "ImportRequest"
  readonly action: string
  readonly meta: unknown
  readonly rows: AsyncIterable<ImportRow<unknown>> | Iterable<ImportRow<unknown>>
  readonly _types?: { readonly r: R; readonly e: E }
}

/**
 * A plugin value: the spec, and typed request builders.
 *
 * @since 0.1.0
 */
export interface Plugin<
  Name extends string = string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  C extends Record<string, CommandDef<any, any, any, any>> = Record<string, CommandDef<any, any, any, any>>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  Q extends Record<string, QueryDef<any, any, any>> = Record<string, QueryDef<any, any, any>>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  B extends Record<string, ImportDef<any, any, any, any>> = Record<string, ImportDef<any, any, any, any>>
> {
  readonly name: Name
  readonly spec: PluginSpec<Name, C, Q, B>
  readonly commands: {
    readonly [K in keyof C]: C[K] extends CommandDef<infer I, infer A, infer E, infer _L>
      ? (input: Schema.Schema.Encoded<C[K]["input"]> | I) => CommandRequest<A, E>
      : never
  }
  readonly queries: {
    readonly [K in keyof Q]: Q[K] extends QueryDef<infer I, infer A, infer E>
      ? (input: Schema.Schema.Encoded<Q[K]["input"]> | I) => QueryRequest<A, E>
      : never
  }
  readonly imports: {
    readonly [K in keyof B]: B[K] extends ImportDef<infer M, infer R, infer _C, infer E>
      ? (
          meta: Schema.Schema.Encoded<B[K]["meta"]> | M,
          rows:
            | AsyncIterable<ImportRow<Schema.Schema.Encoded<B[K]["row"]> | R>>
            | Iterable<ImportRow<Schema.Schema.Encoded<B[K]["row"]> | R>>
        ) => ImportRequest<R, E>
      : never
  }
}

/**
 * Defines a command with its types inferred.
 *
 * @since 0.1.0
 */
export const command = <I, A, EL = never, ER = never, L = void>(def: {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly input: Schema.Schema<I, any, never>
  readonly load?: (input: I) => Effect.Effect<L, EL, Services>
  readonly target: (input: I, loaded: L) => Target
  readonly run: (input: I, loaded: L) => Effect.Effect<A, ER, Services>
}): CommandDef<I, A, EL | ER, L> => def

/** Defines a query with its types inferred. @since 0.1.0 */
export const query = <I, A, E>(def: QueryDef<I, A, E>): QueryDef<I, A, E> => def

/** Defines a bulk import with its types inferred. @since 0.1.0 */
export const importer = <M, R, C = void, E = never>(def: ImportDef<M, R, C, E>): ImportDef<M, R, C, E> => def

/** Defines a job. @since 0.1.0 */
export const job = <E>(def: JobDef<E>): JobDef<E> => def

const buildRequests = <T>(
  name: string,
  defs: Readonly<Record<string, unknown>> | undefined,
  make: (action: string) => T
): Record<string, T> => Object.fromEntries(Object.keys(defs ?? {}).map((key) => [key, make(`${name}.${key}`)]))

/**
 * Defines a plugin. Requirements are checked, and plugins ordered, when the
 * kernel is built.
 *
 * @example
 * ```ts
 * const counter = definePlugin({
 *   name: "counter",
 *   version: "1.0.0",
 *   migrations: [counterTable],
 *   commands: { increment },
 *   policies: { increment: ["grid_worker"] }
 * })
 * await kernel.exec(counter.commands.increment({ district: "230503", name: "visits" }), actor)
 * ```
 * @since 0.1.0
 */
export const definePlugin = <
  const Name extends string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  C extends Record<string, CommandDef<any, any, any, any>> = Record<never, never>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  Q extends Record<string, QueryDef<any, any, any>> = Record<never, never>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  B extends Record<string, ImportDef<any, any, any, any>> = Record<never, never>
>(
  spec: PluginSpec<Name, C, Q, B>
): Plugin<Name, C, Q, B> => ({
  name: spec.name,
  spec,
  commands: buildRequests(spec.name, spec.commands, (action) => (input: unknown) => ({
    _tag: "CommandRequest" as const,
    action,
    input
  })) as Plugin<Name, C, Q, B>["commands"],
  queries: buildRequests(spec.name, spec.queries, (action) => (input: unknown) => ({
    _tag: "QueryRequest" as const,
    action,
    input
  })) as Plugin<Name, C, Q, B>["queries"],
  imports: buildRequests(
    spec.name,
    spec.imports,
    (action) => (meta: unknown, rows: AsyncIterable<unknown> | Iterable<unknown>) => ({
      _tag: "ImportRequest" as const,
      action,
      meta,
      rows
    })
  ) as Plugin<Name, C, Q, B>["imports"]
})

/**
 * The table prefix of a plugin or core module: its name with `-` as `_`.
 *
 * @since 0.1.0
 */
export const tablePrefix = (owner: string): string => `${owner.replaceAll("-", "_")}_`
