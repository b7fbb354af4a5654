/**
 * What the service desk answers: one request with everything that happened to
 * it, the requests on a desk, and the figures of a period. Like every read,
 * limited by the kernel to the actor's scope: a request of a grid the reader
 * may not see is simply not found.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { now } from "../Calendar.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import { CoreCode, NotFound } from "../Errors.js"
import { query } from "../Plugin.js"
import * as Problems from "../Problems.js"
import { GridCode, IsoDate } from "../registry/Places.js"
import { climb, ServiceLevel } from "./Levels.js"
import { instant } from "./Requests.js"

const acrossDistrict = (input: { readonly district: string }) => ({ district: input.district })

const optionalInstant = (value: unknown): Date | null => (value === null ? null : instant(value))

const text = (value: unknown): string | null => (value === null ? null : String(value))

/**
 * A request as a colleague, the owner or the level above sees it.
 *
 * @since 0.3.0
 */
export interface ServiceRequestRecord {
  readonly id: string
  readonly resident: string
  /** The code of the grid the request belongs to. */
  readonly grid: string
  readonly service: string
  readonly summary: string
  readonly status: "open" | "done"
  /** The level it is handled at now (or was done at). */
  readonly level: ServiceLevel
  /** Who owns it at that level; `null` while nobody has taken it since it climbed. */
  readonly owner: string | null
  /** The deadline at that level. */
  readonly deadline: Date
  /** Open past its deadline, or done after it. */
  readonly overdue: boolean
  readonly received: { readonly at: Date; readonly level: ServiceLevel; readonly by: string }
  readonly done: { readonly at: Date; readonly by: string; readonly resolution: string } | null
  /**
   * Who owned it, from when, in order: the worker who received it, those who
   * took it, were handed it, or were given it by the level above once its owner
   * had left.
   */
  readonly owners: ReadonlyArray<{
    readonly owner: string
    readonly level: ServiceLevel
    readonly since: Date
    readonly kind: "received" | "taken" | "handed_over" | "reassigned"
    readonly previous: string | null
    readonly reason: string | null
  }>
  readonly notes: ReadonlyArray<{ readonly author: string; readonly text: string; readonly at: Date }>
  /** Each level it climbed to: by its owner with a reason, or because a deadline lapsed (stamped at that deadline). */
  readonly escalations: ReadonlyArray<{
    readonly from: ServiceLevel
    readonly to: ServiceLevel
    readonly at: Date
    readonly cause: "worker" | "deadline"
    readonly reason: string | null
    readonly by: string
    readonly deadline: Date
  }>
  /** 责任追究制: each lapsed deadline and who held it, a worker or (`heldBy: null`) the level's unit. */
  readonly lapses: ReadonlyArray<{
    readonly level: ServiceLevel
    readonly lapsedAt: Date
    readonly heldBy: string | null
    readonly unit: string
    readonly recordedAt: Date
  }>
}

const isOverdue = (status: unknown, deadline: Date, doneAt: Date | null, at: Date) =>
  (status === "done" ? doneAt!.getTime() : at.getTime()) > deadline.getTime()

/**
 * One request with its owners, notes, escalations and lapses.
 *
 * @since 0.3.0
 */
export const request = query({
  input: Schema.Struct({ district: DistrictCode, id: Schema.UUID }),
  target: acrossDistrict,
  run: (input) =>
    Effect.gen(function* () {
      const row = yield* Db.use((db) =>
        db
          .selectFrom("services_request as r")
          .innerJoin("registry_grid as g", (j) =>
            j.onRef("g.district_code", "=", "r.district_code").onRef("g.id", "=", "r.grid_id")
          )
          .selectAll("r")
          .select("g.code as grid_code")
          .where("r.district_code", "=", input.district)
          .where("r.id", "=", input.id)
          .executeTakeFirst()
      )
      if (row === undefined) {
        return yield* new NotFound({ code: CoreCode.NotFound, entity: "service request", id: input.id })
      }
      // In the order it happened; rows of the same instant (a test clock) in the order they were written.
      const history = (table: string, time: string, written: string) =>
        Db.use((db) =>
          db
            .selectFrom(table)
            .selectAll()
            .where("district_code", "=", input.district)
            .where("request_id", "=", input.id)
            .orderBy(time)
            .orderBy(written)
            .execute()
        )
      const [owners, notes, escalations, lapses] = yield* Effect.all([
        history("services_ownership", "since", "id"),
        history("services_note", "written_at", "id"),
        history("services_escalation", "escalated_at", "deadline_at"),
        history("services_accountability", "lapsed_at", "recorded_at")
      ])
      const at = yield* now
      const deadline = instant(row.deadline_at)
      const doneAt = optionalInstant(row.done_at)
      const record: ServiceRequestRecord = {
        id: String(row.id),
        resident: String(row.resident_id),
        grid: String(row.grid_code),
        service: String(row.service),
        summary: String(row.summary),
        status: row.status as ServiceRequestRecord["status"],
        level: row.level as ServiceLevel,
        owner: text(row.owner),
        deadline,
        overdue: isOverdue(row.status, deadline, doneAt, at),
        received: {
          at: instant(row.received_at),
          level: row.received_level as ServiceLevel,
          by: String(row.received_by)
        },
        done: doneAt === null ? null : { at: doneAt, by: String(row.done_by), resolution: String(row.resolution) },
        owners: owners.map((o) => ({
          owner: String(o.owner),
          level: o.level as ServiceLevel,
          since: instant(o.since),
          kind: o.kind as ServiceRequestRecord["owners"][number]["kind"],
          previous: text(o.previous_owner),
          reason: text(o.reason)
        })),
        notes: notes.map((n) => ({ author: String(n.author), text: String(n.text), at: instant(n.written_at) })),
        escalations: escalations.map((e) => ({
          from: e.from_level as ServiceLevel,
          to: e.level as ServiceLevel,
          at: instant(e.escalated_at),
          cause: e.cause as "worker" | "deadline",
          reason: text(e.reason),
          by: String(e.escalated_by),
          deadline: instant(e.deadline_at)
        })),
        lapses: lapses.map((l) => ({
          level: l.level as ServiceLevel,
          lapsedAt: instant(l.lapsed_at),
          heldBy: text(l.held_by),
          unit: String(l.unit_path),
          recordedAt: instant(l.recorded_at)
        }))
      }
      return record
    })
})

/**
 * A request as a desk lists it.
 *
 * @since 0.3.0
 */
export interface ServiceRequestSummary {
  readonly id: string
  readonly resident: string
  readonly grid: string
  readonly service: string
  readonly status: "open" | "done"
  readonly level: ServiceLevel
  readonly owner: string | null
  readonly deadline: Date
  readonly overdue: boolean
  readonly receivedAt: Date
}

/**
 * The requests the reader may see, earliest deadline first: the open ones by
 * default, narrowed to a level, an owner or a grid.
 *
 * @since 0.3.0
 */
export const requests = query({
  input: Schema.Struct({
    district: DistrictCode,
    status: Schema.optionalWith(Schema.Literal("open", "done"), { default: () => "open" as const }),
    level: Schema.optional(ServiceLevel),
    owner: Schema.optional(Schema.NonEmptyTrimmedString),
    grid: Schema.optional(GridCode),
    limit: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 1000)), { default: () => 100 })
  }),
  target: acrossDistrict,
  run: (input) =>
    Effect.gen(function* () {
      const rows = yield* Db.use((db) => {
        let select = db
          .selectFrom("services_request as r")
          .innerJoin("registry_grid as g", (j) =>
            j.onRef("g.district_code", "=", "r.district_code").onRef("g.id", "=", "r.grid_id")
          )
          .select([
            "r.id",
            "r.resident_id",
            "g.code",
            "r.service",
            "r.status",
            "r.level",
            "r.owner",
            "r.deadline_at",
            "r.done_at",
            "r.received_at"
          ])
          .where("r.district_code", "=", input.district)
          .where("r.status", "=", input.status)
        if (input.level !== undefined) select = select.where("r.level", "=", input.level)
        if (input.owner !== undefined) select = select.where("r.owner", "=", input.owner)
        if (input.grid !== undefined) select = select.where("g.code", "=", input.grid)
        return select.orderBy("r.deadline_at").orderBy("r.id").limit(input.limit).execute()
      })
      const at = yield* now
      return rows.map((r): ServiceRequestSummary => {
        const deadline = instant(r.deadline_at)
        return {
          id: String(r.id),
          resident: String(r.resident_id),
          grid: String(r.code),
          service: String(r.service),
          status: r.status as ServiceRequestSummary["status"],
          level: r.level as ServiceLevel,
          owner: text(r.owner),
          deadline,
          overdue: isOverdue(r.status, deadline, optionalInstant(r.done_at), at),
          receivedAt: instant(r.received_at)
        }
      })
    })
})

/**
 * The figures of one grid at one level for a period.
 *
 * @since 0.3.0
 */
export interface ServicesFigures {
  /** Requests received at this level in the period. */
  readonly received: number
  /** Requests open at this level at the end of the period. */
  readonly open: number
  /** Requests done at this level in the period, by their deadline there. */
  readonly doneOnTime: number
  /** Requests done at this level in the period, after their deadline there. */
  readonly doneLate: number
  /** Deadlines at this level that lapsed in the period (accountability records). */
  readonly overdue: number
  /** Requests that climbed from this level in the period, by their owner or because a deadline lapsed. */
  readonly escalated: number
}

/**
 * One line of the report: a grid (by code) at a level.
 *
 * @since 0.3.0
 */
export interface ServicesReportRow extends ServicesFigures {
  readonly grid: string
  readonly level: ServiceLevel
}

/**
 * The service desk's figures for a period.
 *
 * @since 0.3.0
 */
export interface ServicesReport {
  readonly from: string
  readonly to: string
  readonly rows: ReadonlyArray<ServicesReportRow>
  readonly totals: ServicesFigures
}

const DAY_MS = 24 * 60 * 60 * 1000

/** The first instant of a date in Asia/Shanghai. */
const startOf = (date: string) => new Date(`${date}T00:00:00+08:00`)

const Period = Schema.Struct({ district: DistrictCode, from: IsoDate, to: IsoDate }).pipe(
  Schema.filter((p) => p.from <= p.to),
  Problems.explain({
    code: "SERVICES.PERIOD",
    "zh-CN": "统计期的起始日期不能晚于结束日期",
    en: "A period starts on or before the day it ends"
  })
)

const zero: ServicesFigures = { received: 0, open: 0, doneOnTime: 0, doneLate: 0, overdue: 0, escalated: 0 }

/**
 * The desk's figures by grid and level for a period of days (Asia/Shanghai,
 * both ends included): received, open at its end, done on time and late,
 * overdue and escalated. What `shequ report services` prints.
 *
 * @example
 * ```ts
 * const { rows, totals } = await kernel.exec(
 *   Services.queries.report({ district: "230503", from: "2024-10-01", to: "2024-10-31" }),
 *   districtAdmin
 * )
 * ```
 * @since 0.3.0
 */
export const report = query({
  input: Period,
  target: acrossDistrict,
  run: (input) =>
    Effect.gen(function* () {
      const start = startOf(input.from)
      const end = new Date(startOf(input.to).getTime() + DAY_MS)
      const district = input.district
      const [received, done, overdue, escalated, open, grids] = yield* Effect.all([
        Db.use((db) =>
          db
            .selectFrom("services_request")
            .select(["grid_id", "received_level as level", (eb) => eb.fn.countAll().as("n")])
            .where("district_code", "=", district)
            .where("received_at", ">=", start)
            .where("received_at", "<", end)
            .groupBy(["grid_id", "received_level"])
            .execute()
        ),
        Db.use((db) =>
          db
            .selectFrom("services_request")
            .select(["grid_id", "level"])
            .select((eb) => [
              eb.fn.countAll().as("n"),
              eb.fn.sum(eb.case().when("done_at", "<=", eb.ref("deadline_at")).then(1).else(0).end()).as("on_time")
            ])
            .where("district_code", "=", district)
            .where("status", "=", "done")
            .where("done_at", ">=", start)
            .where("done_at", "<", end)
            .groupBy(["grid_id", "level"])
            .execute()
        ),
        Db.use((db) =>
          db
            .selectFrom("services_accountability")
            .select(["grid_id", "level", (eb) => eb.fn.countAll().as("n")])
            .where("district_code", "=", district)
            .where("lapsed_at", ">=", start)
            .where("lapsed_at", "<", end)
            .groupBy(["grid_id", "level"])
            .execute()
        ),
        Db.use((db) =>
          db
            .selectFrom("services_escalation")
            .select(["grid_id", "from_level as level", (eb) => eb.fn.countAll().as("n")])
            .where("district_code", "=", district)
            .where("escalated_at", ">=", start)
            .where("escalated_at", "<", end)
            .groupBy(["grid_id", "from_level"])
            .execute()
        ),
        // Open at the end: received before it and not done by then, at the level of its last climb before it.
        Db.use((db) =>
          db
            .selectFrom(
              db
                .selectFrom("services_request as r")
                .select((eb) => [
                  "r.grid_id",
                  eb.fn
                    .coalesce(
                      eb
                        .selectFrom("services_escalation as e")
                        .select("e.level")
                        .whereRef("e.district_code", "=", "r.district_code")
                        .whereRef("e.request_id", "=", "r.id")
                        .where("e.escalated_at", "<", end)
                        .orderBy("e.escalated_at", "desc")
                        .limit(1),
                      eb.ref("r.received_level")
                    )
                    .as("level")
                ])
                .where("r.district_code", "=", district)
                .where("r.received_at", "<", end)
                .where((eb) => eb.or([eb("r.status", "=", "open"), eb("r.done_at", ">=", end)]))
                .as("o")
            )
            .select(["o.grid_id", "o.level", (eb) => eb.fn.countAll().as("n")])
            .groupBy(["o.grid_id", "o.level"])
            .execute()
        ),
        Db.use((db) =>
          db.selectFrom("registry_grid").select(["id", "code"]).where("district_code", "=", district).execute()
        )
      ])
      const codes = new Map(grids.map((g) => [String(g.id), String(g.code)]))
      const figures = new Map<string, { -readonly [K in keyof ServicesReportRow]: ServicesReportRow[K] }>()
      const cell = (row: { readonly grid_id: unknown; readonly level: unknown }) => {
        const grid = codes.get(String(row.grid_id)) ?? String(row.grid_id)
        const level = row.level as ServiceLevel
        const key = `${grid}|${level}`
        const found = figures.get(key) ?? { grid, level, ...zero }
        figures.set(key, found)
        return found
      }
      for (const r of received) cell(r).received += Number(r.n)
      for (const r of open) cell(r).open += Number(r.n)
      for (const r of done) {
        const figure = cell(r)
        figure.doneOnTime += Number(r.on_time)
        figure.doneLate += Number(r.n) - Number(r.on_time)
      }
      for (const r of overdue) cell(r).overdue += Number(r.n)
      for (const r of escalated) cell(r).escalated += Number(r.n)
      const rows = [...figures.values()].sort(
        (a, b) => a.grid.localeCompare(b.grid) || climb.indexOf(a.level) - climb.indexOf(b.level)
      )
      const totals = rows.reduce<ServicesFigures>(
        (sum, row) => ({
          received: sum.received + row.received,
          open: sum.open + row.open,
          doneOnTime: sum.doneOnTime + row.doneOnTime,
          doneLate: sum.doneLate + row.doneLate,
          overdue: sum.overdue + row.overdue,
          escalated: sum.escalated + row.escalated
        }),
        zero
      )
      const result: ServicesReport = { from: input.from, to: input.to, rows, totals }
      return result
    })
})
