/**
 * Escalation: a request climbs grid -> community -> street -> the district
 * command centre only when the level below cannot settle it. Its owner
 * escalates it with a reason; or its deadline at a level lapses (限时办结制), and
 * the sweep records who held the lapsed deadline (责任追究制) and moves the
 * request one level up, with that level's time limit counted from the moment
 * the deadline lapsed. Nobody owns it at the new level until a worker there
 * takes it.
 *
 * The sweep runs from `kernel.tick(at)`. A sweep run late escalates once per
 * lapsed deadline, each step stamped at the deadline that lapsed, not at the
 * sweep's time. At the district command centre a lapse is recorded once and
 * the request stays there, open and overdue: there is no level above, and the
 * centre's time limit lapses once (a record per sweep would count sweeps, not
 * lapses).
 *
 * Every step is idempotent in the database, not only through the kernel's job
 * claim: the request moves by a conditional update on the level and deadline it
 * was read at, and escalations and lapses are keyed by request and level. Two
 * sweeps at once (two ticks at different times) move each request once.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import type { Kysely } from "kysely"
import { CurrentActor } from "../Actor.js"
import { Calendar, now } from "../Calendar.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import * as Events from "../Events.js"
import { command, job } from "../Plugin.js"
import { type Lapse, recordLapses } from "./Accountability.js"
import { above } from "./Levels.js"
import { refused, ServicesCode } from "./Refused.js"
import {
  noLapsePending,
  ownedBy,
  Reason,
  requestColumns,
  requestRow,
  requestTarget,
  stillOpen,
  toRequestRow,
  unchanged
} from "./Requests.js"

/**
 * The owner escalates the request to the level above, with a reason: nobody
 * owns it there until a worker of that level takes it, and that level's time
 * limit runs from now.
 *
 * @since 0.3.0
 */
export const escalate = command({
  input: Schema.Struct({ district: DistrictCode, request: Schema.UUID, reason: Reason }),
  load: (input) => requestRow(input.district, input.request),
  target: requestTarget,
  run: (input, row) =>
    Effect.gen(function* () {
      yield* stillOpen(row)
      const actor = yield* CurrentActor
      yield* ownedBy(row, actor)
      const next = above(row.level)
      if (next === null) {
        return yield* refused(
          ServicesCode.TopLevel,
          { "zh-CN": "区综治中心已是最高一级", en: "The district command centre is the top level" },
          row.id
        )
      }
      const at = yield* now
      yield* noLapsePending(row, at)
      const calendar = yield* Calendar
      const deadline = yield* calendar.deadline(at, row.days[next])
      const result = yield* Db.use((db) =>
        db
          .updateTable("services_request")
          .set({ level: next, owner: null, deadline_at: deadline, due_at: deadline })
          .where("district_code", "=", input.district)
          .where("id", "=", row.id)
          .where("status", "=", "open")
          .where("level", "=", row.level)
          .where("owner", "=", actor.id)
          .executeTakeFirst()
      )
      yield* unchanged(result, row.id)
      yield* Db.use((db) =>
        db
          .insertInto("services_escalation")
          .values({
            district_code: input.district,
            request_id: row.id,
            level: next,
            grid_id: row.grid_id,
            scope_path: row.scope_path,
            from_level: row.level,
            escalated_at: at,
            cause: "worker",
            reason: input.reason,
            escalated_by: actor.id,
            deadline_at: deadline
          })
          .execute()
      )
      yield* Events.append({
        type: "services.request-escalated",
        district: input.district,
        scopePath: row.scope_path,
        subject: row.id,
        payload: { from: row.level, to: next, reason: input.reason, deadline: deadline.toISOString() }
      })
      return { level: next, deadline }
    })
})

// Requests read per round of the sweep; each round is a handful of statements, whatever its size.
const BATCH = 1000
// Lapses whose records and events wait for the next flush: one bulk write each for a night's lapses, rather than
// one per round (on PostgreSQL each goes through a temporary table), with memory bounded for a sweep run months late.
const FLUSH = 10_000
// Well below SQLite's and PostgreSQL's limits on bound parameters per statement.
const CHUNK = 500

const chunks = <A>(all: ReadonlyArray<A>): ReadonlyArray<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let at = 0; at < all.length; at += CHUNK) out.push(all.slice(at, at + CHUNK))
  return out
}

/**
 * The statement the sweep reads with: the next batch of a district's open
 * requests whose deadline lapsed by `at`, earliest first. It is a range of
 * `services_request_due_idx`, whose rows are only the requests still due, so
 * the sweep costs what is due, not what the table holds. Public so that a
 * host, a test or the benchmark can ask its own engine for the plan of the
 * very statement the job runs.
 *
 * @example
 * ```ts
 * const tx = await storage.begin("read")
 * const { sql, parameters } = servicesDueQuery(tx.db, "230503", new Date("2024-10-11T00:30:00+08:00")).compile()
 * // SQLite: SEARCH services_request USING INDEX services_request_due_idx (district_code=? AND due_at<?)
 * console.log(await tx.db.executeQuery(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${sql}`, [...parameters])))
 * await tx.rollback()
 * ```
 * @since 0.3.0
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const dueQuery = (db: Kysely<any>, district: string, at: Date) =>
  db
    .selectFrom("services_request")
    .select(requestColumns)
    .where("district_code", "=", district)
    .where("due_at", "<=", at)
    .where("status", "=", "open")
    .orderBy("due_at")
    .limit(BATCH)

const dueBy = (district: string, at: Date) =>
  Effect.map(
    Db.use((db) => dueQuery(db, district, at).execute()),
    (rows) => rows.map(toRequestRow)
  )

/**
 * Moves each lapsed request one level up (or, at the district command centre,
 * marks its lapse as due no more), one statement per group of requests that
 * share their level, lapsed deadline and next deadline. The update holds only
 * where the request still stands as it was read, so a request another sweep or
 * a worker moved meanwhile is left alone; the lapses it returns are those this
 * sweep made. Groups and ids go in a fixed order, so two sweeps lock the rows
 * they share in the same order and wait for each other rather than deadlock.
 */
const climbAll = (district: string, lapses: ReadonlyArray<Lapse>) =>
  Effect.gen(function* () {
    const groups = new Map<string, Array<Lapse>>()
    for (const lapse of lapses) {
      const key = `${lapse.level}|${lapse.due_at.getTime()}|${lapse.next}|${lapse.nextDeadline?.getTime()}`
      const group = groups.get(key)
      if (group === undefined) groups.set(key, [lapse])
      else group.push(lapse)
    }
    const moved = new Set<string>()
    for (const key of [...groups.keys()].sort()) {
      const group = groups.get(key)!
      const { level, due_at: lapsedAt, next, nextDeadline } = group[0]!
      for (const ids of chunks(group.map((l) => l.id).sort())) {
        const rows = yield* Db.use((db) =>
          db
            .updateTable("services_request")
            .set(
              next === null
                ? { due_at: null }
                : { level: next, owner: null, deadline_at: nextDeadline, due_at: nextDeadline }
            )
            .where("district_code", "=", district)
            .where("id", "in", ids)
            .where("status", "=", "open")
            .where("level", "=", level)
            .where("deadline_at", "=", lapsedAt)
            // Its lapse not yet recorded: `due_at` is the deadline until then and null after (at the district).
            // Not `=`: from `due_at = deadline_at = lapsed` SQLite infers a range of the due index and reads every
            // request due then for each chunk, where a column-to-column `>=` bounds no index and the rows are
            // found by id.
            .whereRef("due_at", ">=", "deadline_at")
            .returning("id")
            .execute()
        )
        for (const row of rows) moved.add(String(row.id))
      }
    }
    return lapses.filter((l) => moved.has(l.id))
  })

/** The escalations the sweep made, stamped at the deadline that lapsed, through the engine's bulk path. */
const recordEscalations = (district: string, climbed: ReadonlyArray<Lapse>, by: string) =>
  Db.bulkInsert({
    table: "services_escalation",
    columns: [
      "district_code",
      "request_id",
      "level",
      "grid_id",
      "scope_path",
      "from_level",
      "escalated_at",
      "cause",
      "reason",
      "escalated_by",
      "deadline_at"
    ],
    rows: climbed.map((l) => [
      district,
      l.id,
      l.next,
      l.grid_id,
      l.scope_path,
      l.level,
      l.due_at,
      "deadline",
      null,
      by,
      l.nextDeadline
    ]),
    onConflict: { kind: "ignore", key: ["district_code", "request_id", "level"] }
  })

/**
 * The sweep (限时办结制, 责任追究制): every open request of the district whose
 * deadline lapsed by `at` climbs one level per lapsed deadline, each lapse
 * recorded against whoever held it and announced by a `services.deadline-lapsed`
 * event. A next deadline the calendar data does not cover fails the sweep with
 * `DateOutsideCalendar` and nothing is written, until the host adds the year.
 *
 * @since 0.3.0
 */
export const escalateOverdue = job({
  run: ({ at, district }) =>
    Effect.gen(function* () {
      const calendar = yield* Calendar
      const actor = yield* CurrentActor
      // Requests due the same day share their next deadline: the working days are counted once per day and limit.
      const deadlines = new Map<string, Date>()
      // A round moves nothing when another sweep or a worker changed those requests first; the next round
      // reads them as they are now (a request another sweep moved may be due again at its new level).
      // Two such rounds in a row mean what is left cannot move now, and the sweep stops rather than spin.
      let idle = 0
      let moved: Array<Lapse> = []
      const flush = Effect.suspend(() => {
        const lapses = moved
        moved = []
        return Effect.zipRight(
          recordLapses(district, lapses, at),
          recordEscalations(
            district,
            lapses.filter((l) => l.next !== null),
            actor.id
          )
        )
      })
      for (;;) {
        const due = yield* dueBy(district, at)
        if (due.length === 0) break
        const lapses: Array<Lapse> = []
        for (const row of due) {
          const next = above(row.level)
          const lapsedAt = row.due_at!
          let nextDeadline: Date | null = null
          if (next !== null) {
            const key = `${lapsedAt.getTime()}|${row.days[next]}`
            nextDeadline = deadlines.get(key) ?? null
            if (nextDeadline === null) {
              nextDeadline = yield* calendar.deadline(lapsedAt, row.days[next])
              deadlines.set(key, nextDeadline)
            }
          }
          lapses.push({
            id: row.id,
            grid_id: row.grid_id,
            scope_path: row.scope_path,
            service: row.service,
            level: row.level,
            owner: row.owner,
            due_at: lapsedAt,
            next,
            nextDeadline
          })
        }
        const climbed = yield* climbAll(district, lapses)
        idle = climbed.length === 0 ? idle + 1 : 0
        if (idle === 2) break
        moved.push(...climbed)
        if (moved.length >= FLUSH) yield* flush
      }
      if (moved.length > 0) yield* flush
    })
})
