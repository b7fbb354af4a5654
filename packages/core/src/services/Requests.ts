/**
 * A resident's request at the service desk. The first worker it reaches owns
 * it (首问负责制): a grid worker on a visit receives it at the grid, a
 * community worker at the window receives it at the community. Its deadline is
 * the service's time limit at that level, in working days (限时办结制). One
 * window, one worker (一窗口办结): a colleague may look at it and add notes,
 * but only the owner completes it.
 *
 * Times are the kernel's clock, never given by the caller, so a receipt or a
 * completion cannot be back-dated; a host replaying history runs the commands
 * with Effect's `TestClock` (`kernel.run`).
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { type Actor, CurrentActor } from "../Actor.js"
import { Calendar, now } from "../Calendar.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import { CoreCode, NotFound } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command } from "../Plugin.js"
import * as Problems from "../Problems.js"
import { recordLapses } from "./Accountability.js"
import { ServiceLevel } from "./Levels.js"
import { mayHandle, offered, ServiceCode, type WorkingDays } from "./Menu.js"
import { refused, ServicesCode } from "./Refused.js"

const text = (max: number, code: string, what: { readonly "zh-CN": string; readonly en: string }) =>
  Schema.Trim.pipe(
    Schema.filter((s) => s.length >= 1 && s.length <= max),
    Problems.explain({
      code,
      "zh-CN": `${what["zh-CN"]}不能为空，最多 ${max} 字`,
      en: `${what.en} is not empty and at most ${max} characters`
    })
  )

/**
 * Why a request is handed over or escalated: required, so the record says why
 * it left its owner.
 *
 * @since 0.3.0
 */
export const Reason = text(500, ServicesCode.ReasonRequired, { "zh-CN": "原因", en: "A reason" })

const Summary = text(2000, "SERVICES.SUMMARY", { "zh-CN": "诉求内容", en: "What the resident asks" })
const Resolution = text(2000, "SERVICES.RESOLUTION", { "zh-CN": "办理结果", en: "The resolution" })
const NoteText = text(2000, "SERVICES.NOTE", { "zh-CN": "备注", en: "A note" })

/** A request as the commands read it. */
export interface RequestRow {
  readonly id: string
  readonly grid_id: string
  readonly scope_path: string
  readonly service: string
  readonly status: "open" | "done"
  readonly level: ServiceLevel
  readonly owner: string | null
  readonly deadline_at: Date
  readonly due_at: Date | null
  /** The service's time limits when the request was received. */
  readonly days: WorkingDays
}

/** An instant as the engine returns it: a `Date` (PostgreSQL) or ISO-8601 text (SQLite). */
export const instant = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)))

/** The columns {@link toRequestRow} reads. */
export const requestColumns = [
  "id",
  "grid_id",
  "scope_path",
  "service",
  "status",
  "level",
  "owner",
  "deadline_at",
  "due_at",
  "grid_days",
  "community_days",
  "street_days",
  "district_days"
] as const

/** A request row as the engine returns it, with its instants as `Date`s and its time limits as numbers. */
export const toRequestRow = (row: Readonly<Record<(typeof requestColumns)[number], unknown>>): RequestRow => ({
  id: String(row.id),
  grid_id: String(row.grid_id),
  scope_path: String(row.scope_path),
  service: String(row.service),
  status: row.status as RequestRow["status"],
  level: row.level as ServiceLevel,
  owner: row.owner === null ? null : String(row.owner),
  deadline_at: instant(row.deadline_at),
  due_at: row.due_at === null ? null : instant(row.due_at),
  days: {
    grid: Number(row.grid_days),
    community: Number(row.community_days),
    street: Number(row.street_days),
    district: Number(row.district_days)
  }
})

/** The request a command acts on, or `NotFound`. */
export const requestRow = (district: string, id: string) =>
  Effect.flatMap(
    Db.use((db) =>
      db
        .selectFrom("services_request")
        .select(requestColumns)
        .where("district_code", "=", district)
        .where("id", "=", id)
        .executeTakeFirst()
    ),
    (row) =>
      row === undefined
        ? Effect.fail(new NotFound({ code: CoreCode.NotFound, entity: "service request", id }))
        : Effect.succeed(toRequestRow(row))
  )

/** Where a command on a request acts: the grid the request belongs to. */
export const requestTarget = (input: { readonly district: string }, row: RequestRow) => ({
  district: input.district,
  scopePath: row.scope_path
})

/** Fails with `SERVICES.CLOSED` when the request is done. */
export const stillOpen = (row: RequestRow) =>
  row.status === "open"
    ? Effect.void
    : Effect.fail(refused(ServicesCode.Closed, { "zh-CN": "该诉求已办结", en: "The request is done" }, row.id))

/** Fails with `SERVICES.NOT_OWNER` unless the actor owns the request. */
export const ownedBy = (row: RequestRow, actor: Actor) =>
  row.owner === actor.id
    ? Effect.void
    : Effect.fail(
        refused(
          ServicesCode.NotOwner,
          row.owner === null
            ? {
                "zh-CN": "该诉求在本级尚无人承办，请先受理",
                en: "Nobody owns the request at its level yet: take it first"
              }
            : { "zh-CN": `该诉求由 ${row.owner} 承办`, en: `The request is owned by ${row.owner}` },
          row.id
        )
      )

/**
 * Fails with `SERVICES.LAPSE_PENDING` when the deadline at the request's level
 * has lapsed and the sweep has not recorded it yet: until it has, the request
 * keeps its holder, so the lapse is recorded against whoever held it.
 */
export const noLapsePending = (row: RequestRow, at: Date) =>
  row.due_at === null || at.getTime() <= row.due_at.getTime()
    ? Effect.void
    : Effect.fail(
        refused(
          ServicesCode.LapsePending,
          {
            "zh-CN": `本级办理时限已于 ${row.due_at.toISOString()} 届满，待超时记录后方可移交或上报`,
            en: `The deadline at this level lapsed at ${row.due_at.toISOString()}; the request moves only once the lapse is recorded`
          },
          row.id
        )
      )

/** Fails with `SERVICES.CHANGED` when a conditional update found the request changed by someone else. */
export const unchanged = (result: { readonly numUpdatedRows: bigint }, id: string) =>
  Number(result.numUpdatedRows) === 1
    ? Effect.void
    : Effect.fail(
        refused(
          ServicesCode.Changed,
          {
            "zh-CN": "该诉求刚被他人更改，请重新查看",
            en: "Someone else changed the request meanwhile; read it again"
          },
          id
        )
      )

/** The grid a resident lives in, or why the desk cannot serve them. */
const homeOf = (district: string, resident: string) =>
  Effect.gen(function* () {
    const row = yield* Db.use((db) =>
      db
        .selectFrom("registry_person as p")
        .leftJoin("registry_building as b", (j) =>
          j.onRef("b.district_code", "=", "p.district_code").onRef("b.id", "=", "p.building_id")
        )
        .select(["p.died_on", "b.grid_id", "b.scope_path"])
        .where("p.district_code", "=", district)
        .where("p.id", "=", resident)
        .executeTakeFirst()
    )
    if (row === undefined) return yield* new NotFound({ code: CoreCode.NotFound, entity: "resident", id: resident })
    if (row.grid_id === null || row.died_on !== null) {
      return yield* refused(
        ServicesCode.NotAResident,
        { "zh-CN": "此人目前不在本区居住", en: "The person does not live in the district now" },
        resident
      )
    }
    return { gridId: String(row.grid_id), gridPath: String(row.scope_path) }
  })

/**
 * Receives a resident's request for a service on the menu that day, at the
 * level where it reached the desk. The worker who receives it owns it; its
 * deadline is the end of the service's Nth working day at that level after the
 * day of receipt (Asia/Shanghai), and a deadline the calendar data does not
 * cover is refused with `DateOutsideCalendar`.
 *
 * @example
 * ```ts
 * const { id, deadline } = await kernel.exec(
 *   Services.commands.receive({ district: "230503", resident, service: "employment", level: "grid", summary: "失业登记" }),
 *   gridWorker
 * )
 * ```
 * @since 0.3.0
 */
export const receive = command({
  input: Schema.Struct({
    district: DistrictCode,
    resident: Schema.UUID,
    service: ServiceCode,
    /** Where it reached the desk: `grid` on a grid worker's visit, `community` at the community window… */
    level: ServiceLevel,
    summary: Summary
  }),
  load: (input) => homeOf(input.district, input.resident),
  target: (input, home) => ({ district: input.district, scopePath: home.gridPath }),
  run: (input, home) =>
    Effect.gen(function* () {
      const item = yield* offered(input.district, input.service)
      const actor = yield* CurrentActor
      yield* mayHandle(actor, item, input.district, input.level, home.gridPath)
      const calendar = yield* Calendar
      const receivedAt = yield* now
      const deadline = yield* calendar.deadline(receivedAt, item.workingDays[input.level])
      const id = yield* Ids.next
      yield* Db.use((db) =>
        db
          .insertInto("services_request")
          .values({
            district_code: input.district,
            id,
            resident_id: input.resident,
            grid_id: home.gridId,
            scope_path: home.gridPath,
            service: item.code,
            summary: input.summary,
            received_level: input.level,
            received_at: receivedAt,
            received_by: actor.id,
            grid_days: item.workingDays.grid,
            community_days: item.workingDays.community,
            street_days: item.workingDays.street,
            district_days: item.workingDays.district,
            status: "open",
            level: input.level,
            owner: actor.id,
            deadline_at: deadline,
            due_at: deadline
          })
          .execute()
      )
      yield* recordOwner(
        input.district,
        { id, grid_id: home.gridId, scope_path: home.gridPath },
        {
          level: input.level,
          owner: actor.id,
          since: receivedAt,
          kind: "received"
        }
      )
      yield* Events.append({
        type: "services.request-received",
        district: input.district,
        scopePath: home.gridPath,
        subject: id,
        payload: {
          resident: input.resident,
          service: item.code,
          level: input.level,
          owner: actor.id,
          deadline: deadline.toISOString()
        }
      })
      return { id, level: input.level, owner: actor.id, deadline }
    })
})

/**
 * Writes who owns a request from now on, at which level, and how they came to.
 *
 * @since 0.3.0
 */
export const recordOwner = (
  district: string,
  request: Pick<RequestRow, "id" | "grid_id" | "scope_path">,
  change: {
    readonly level: ServiceLevel
    readonly owner: string
    readonly since: Date
    readonly kind: "received" | "taken" | "handed_over" | "reassigned"
    readonly previous?: string
    readonly reason?: string
  }
) =>
  Effect.flatMap(Ids.next, (id) =>
    Db.use((db) =>
      db
        .insertInto("services_ownership")
        .values({
          district_code: district,
          id,
          request_id: request.id,
          grid_id: request.grid_id,
          scope_path: request.scope_path,
          level: change.level,
          owner: change.owner,
          since: change.since,
          kind: change.kind,
          previous_owner: change.previous ?? null,
          reason: change.reason ?? null
        })
        .execute()
    )
  )

/**
 * Adds a note to a request: what a colleague found, what the resident added.
 * The owner stays the owner.
 *
 * @since 0.3.0
 */
export const addNote = command({
  input: Schema.Struct({ district: DistrictCode, request: Schema.UUID, text: NoteText }),
  load: (input) => requestRow(input.district, input.request),
  target: requestTarget,
  run: (input, row) =>
    Effect.gen(function* () {
      const actor = yield* CurrentActor
      const writtenAt = yield* now
      const id = yield* Ids.next
      yield* Db.use((db) =>
        db
          .insertInto("services_note")
          .values({
            district_code: input.district,
            id,
            request_id: row.id,
            grid_id: row.grid_id,
            scope_path: row.scope_path,
            author: actor.id,
            text: input.text,
            written_at: writtenAt
          })
          .execute()
      )
      yield* Events.append({
        type: "services.note-added",
        district: input.district,
        scopePath: row.scope_path,
        subject: row.id,
        payload: { note: id, author: actor.id }
      })
      return { id }
    })
})

/**
 * The owner completes the request with its resolution. Completed after its
 * deadline, it is done late, and the lapse is recorded against the owner if
 * the sweep has not recorded it yet.
 *
 * @since 0.3.0
 */
export const complete = command({
  input: Schema.Struct({ district: DistrictCode, request: Schema.UUID, resolution: Resolution }),
  load: (input) => requestRow(input.district, input.request),
  target: requestTarget,
  run: (input, row) =>
    Effect.gen(function* () {
      yield* stillOpen(row)
      const actor = yield* CurrentActor
      yield* ownedBy(row, actor)
      const doneAt = yield* now
      const result = yield* Db.use((db) =>
        db
          .updateTable("services_request")
          .set({ status: "done", done_at: doneAt, done_by: actor.id, resolution: input.resolution, due_at: null })
          .where("district_code", "=", input.district)
          .where("id", "=", row.id)
          .where("status", "=", "open")
          .where("level", "=", row.level)
          .where("owner", "=", actor.id)
          // Not meanwhile recorded as lapsed by a sweep, which would then have recorded it first.
          .where("due_at", row.due_at === null ? "is" : "=", row.due_at)
          .executeTakeFirst()
      )
      yield* unchanged(result, row.id)
      if (row.due_at !== null && doneAt.getTime() > row.due_at.getTime()) {
        yield* recordLapses(input.district, [{ ...row, due_at: row.due_at, next: null, nextDeadline: null }], doneAt)
      }
      const late = doneAt.getTime() > row.deadline_at.getTime()
      yield* Events.append({
        type: "services.request-completed",
        district: input.district,
        scopePath: row.scope_path,
        subject: row.id,
        payload: { level: row.level, owner: actor.id, late }
      })
      return { doneAt, late }
    })
})
