/**
 * Grid staff (一格多员, 一员多责): people posted to a grid as its leader, a grid
 * worker or an assistant, each with the duties merged into the grid (party
 * building, public security, anti-drug, volunteering, home elderly care). One
 * grid has many staff, one person many duties, and a person may serve several
 * grids. A staff member who logs in (`user`) holds the matching role over the
 * grid's scope for as long as the post lasts: appointing grants it in
 * `core_role_grant`, ending revokes it, and the post keeps the grant's id.
 *
 * @since 0.2.0
 */
import { Effect, Schema } from "effect"
import { CurrentActor } from "../Actor.js"
import { now } from "../Calendar.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import { CoreCode, NotFound } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command, query } from "../Plugin.js"
import { GridCode, gridByCode, IsoDate, todayInChina } from "./Places.js"
import { refused } from "./Refused.js"
import { Duty, GridRoleKind } from "./Vocabulary.js"

/**
 * The registry's refusals about staff, by stable code.
 *
 * @since 0.2.0
 */
export const StaffCode = {
  /** The person already holds an open post in this grid. */
  AlreadyAppointed: "REGISTRY.STAFF_APPOINTED",
  /** The grid was retired by a re-districting; nobody can be posted to it. */
  GridRetired: "REGISTRY.GRID_RETIRED",
  /** The post has ended; its duties can no longer change and it cannot end twice. */
  Ended: "REGISTRY.STAFF_ENDED",
  /** The end date lies before the post started. */
  EndBeforeStart: "REGISTRY.STAFF_END_BEFORE_START",
  /** The end date lies after today: a post ends on the day it does, when its role is revoked. */
  EndInFuture: "REGISTRY.STAFF_END_IN_FUTURE"
} as const

/** A set of duties: given as a list, kept without repeats. @since 0.2.0 */
export const Duties = Schema.Array(Duty)

const uniqueDuties = (duties: ReadonlyArray<Duty>): ReadonlyArray<Duty> => [...new Set(duties)].sort()

const notFound = (entity: string, id: string) => new NotFound({ code: CoreCode.NotFound, entity, id })

export interface StaffRow {
  readonly id: string
  readonly person_id: string
  readonly grid_id: string
  readonly role: GridRoleKind
  readonly user_id: string | null
  readonly grant_id: string | null
  readonly started_on: string
  readonly ended_on: string | null
  readonly scope_path: string
}

const staffRow = (district: string, id: string) =>
  Effect.gen(function* () {
    const row = yield* Db.use((db) =>
      db
        .selectFrom("registry_grid_staff")
        .selectAll()
        .where("district_code", "=", district)
        .where("id", "=", id)
        .executeTakeFirst()
    )
    if (row === undefined) return yield* notFound("grid staff", id)
    return {
      ...(row as StaffRow),
      started_on: String(row.started_on),
      ended_on: row.ended_on === null ? null : String(row.ended_on)
    } satisfies StaffRow
  })

const stillServing = (staff: StaffRow) =>
  staff.ended_on === null
    ? Effect.void
    : Effect.fail(
        refused(
          StaffCode.Ended,
          { "zh-CN": `该岗位已于 ${staff.ended_on} 结束`, en: `The post ended on ${staff.ended_on}` },
          staff.id
        )
      )

const writeDuties = (district: string, staff: string, duties: ReadonlyArray<Duty>) =>
  duties.length === 0
    ? Effect.void
    : Db.use((db) =>
        db
          .insertInto("registry_staff_duty")
          .values(duties.map((duty) => ({ district_code: district, staff_id: staff, duty })))
          .execute()
      )

/**
 * Grants a staff member's role over the grid, as `Core.grantRole` does, in the
 * same transaction as the appointment so the two never disagree.
 */
const grantGridRole = (district: string, user: string, role: GridRoleKind, path: string, staff: string) =>
  Effect.gen(function* () {
    const id = yield* Ids.next
    const actor = yield* CurrentActor
    const grantedAt = yield* now
    yield* Db.use((db) =>
      db
        .insertInto("core_role_grant")
        .values({
          district_code: district,
          id,
          user_id: user,
          role,
          level: "grid",
          scope_path: path,
          granted_by: actor.id,
          granted_at: grantedAt
        })
        .execute()
    )
    yield* Events.append({
      type: "core.role-granted",
      district,
      scopePath: path,
      subject: id,
      payload: { userId: user, role, level: "grid", staff }
    })
    return id
  })

export const appointStaff = command({
  input: Schema.Struct({
    district: DistrictCode,
    grid: GridCode,
    /** The person's id: a resident, or someone recorded with `registerPerson`. */
    person: Schema.UUID,
    role: GridRoleKind,
    duties: Schema.optionalWith(Duties, { default: () => [] }),
    /** The user id the staff member logs in with; they then hold `role` over the grid. */
    user: Schema.optional(Schema.NonEmptyTrimmedString),
    startedOn: Schema.optional(IsoDate)
  }),
  load: (input) =>
    Effect.gen(function* () {
      const grid = yield* gridByCode(input.district, input.grid)
      const person = yield* Db.use((db) =>
        db
          .selectFrom("registry_person")
          .select("id")
          .where("district_code", "=", input.district)
          .where("id", "=", input.person)
          .executeTakeFirst()
      )
      if (person === undefined) return yield* notFound("person", input.person)
      return grid
    }),
  target: (input, grid) => ({ district: input.district, scopePath: grid.scope_path }),
  run: (input, grid) =>
    Effect.gen(function* () {
      if (grid.retired_on !== null) {
        return yield* refused(
          StaffCode.GridRetired,
          { "zh-CN": `网格 ${grid.code} 已撤销`, en: `Grid ${grid.code} has been retired` },
          grid.id
        )
      }
      const open = yield* Db.use((db) =>
        db
          .selectFrom("registry_grid_staff")
          .select("id")
          .where("district_code", "=", input.district)
          .where("grid_id", "=", grid.id)
          .where("person_id", "=", input.person)
          .where("ended_on", "is", null)
          .executeTakeFirst()
      )
      if (open !== undefined) {
        return yield* refused(
          StaffCode.AlreadyAppointed,
          { "zh-CN": `此人已在网格 ${grid.code} 任职`, en: `This person already holds a post in grid ${grid.code}` },
          String(open.id)
        )
      }
      const id = yield* Ids.next
      const startedOn = input.startedOn ?? (yield* todayInChina)
      const grant =
        input.user === undefined
          ? null
          : yield* grantGridRole(input.district, input.user, input.role, grid.scope_path, id)
      yield* Db.use((db) =>
        db
          .insertInto("registry_grid_staff")
          .values({
            district_code: input.district,
            id,
            person_id: input.person,
            grid_id: grid.id,
            role: input.role,
            user_id: input.user ?? null,
            grant_id: grant,
            started_on: startedOn,
            scope_path: grid.scope_path
          })
          .execute()
      )
      const duties = uniqueDuties(input.duties)
      yield* writeDuties(input.district, id, duties)
      yield* Events.append({
        type: "registry.staff-appointed",
        district: input.district,
        scopePath: grid.scope_path,
        subject: id,
        payload: {
          person: input.person,
          grid: grid.code,
          role: input.role,
          duties,
          startedOn,
          ...(input.user === undefined ? {} : { user: input.user, grant })
        }
      })
      return { id, grant }
    })
})

export const assignDuties = command({
  input: Schema.Struct({
    district: DistrictCode,
    staff: Schema.UUID,
    /** The post's duties from now on: the whole set, replacing the previous one. */
    duties: Duties
  }),
  load: (input) => staffRow(input.district, input.staff),
  target: (input, staff) => ({ district: input.district, scopePath: staff.scope_path }),
  run: (input, staff) =>
    Effect.gen(function* () {
      yield* stillServing(staff)
      const before = yield* Db.use((db) =>
        db
          .selectFrom("registry_staff_duty")
          .select("duty")
          .where("district_code", "=", input.district)
          .where("staff_id", "=", staff.id)
          .execute()
      )
      const had = new Set(before.map((r) => String(r.duty)))
      const duties = uniqueDuties(input.duties)
      const added = duties.filter((d) => !had.has(d))
      const removed = [...had].filter((d) => !duties.includes(d as Duty)).sort()
      if (removed.length > 0) {
        yield* Db.use((db) =>
          db
            .deleteFrom("registry_staff_duty")
            .where("district_code", "=", input.district)
            .where("staff_id", "=", staff.id)
            .where("duty", "in", removed)
            .execute()
        )
      }
      yield* writeDuties(input.district, staff.id, added)
      // Setting the same duties again changes nothing and says nothing.
      if (added.length > 0 || removed.length > 0) {
        yield* Events.append({
          type: "registry.staff-duties-set",
          district: input.district,
          scopePath: staff.scope_path,
          subject: staff.id,
          payload: { duties, added, removed }
        })
      }
      return { duties }
    })
})

/**
 * Ends a post: its end date, and the grid role it granted revoked. Also used
 * when a re-districting plan retires the post's grid, since nobody serves a
 * grid that no longer exists.
 */
export const endPost = (district: string, staff: StaffRow, endedOn: string, reason?: string) =>
  Effect.gen(function* () {
    yield* Db.use((db) =>
      db
        .updateTable("registry_grid_staff")
        .set({ ended_on: endedOn })
        .where("district_code", "=", district)
        .where("id", "=", staff.id)
        .execute()
    )
    if (staff.grant_id !== null) {
      const revokedAt = yield* now
      const revoked = yield* Db.use((db) =>
        db
          .updateTable("core_role_grant")
          .set({ revoked_at: revokedAt })
          .where("district_code", "=", district)
          .where("id", "=", staff.grant_id)
          .where("revoked_at", "is", null)
          .executeTakeFirst()
      )
      // The grant may have been revoked by hand already; then there is nothing more to say.
      if (Number(revoked.numUpdatedRows) > 0) {
        yield* Events.append({
          type: "core.role-revoked",
          district,
          scopePath: staff.scope_path,
          subject: staff.grant_id,
          payload: { staff: staff.id }
        })
      }
    }
    yield* Events.append({
      type: "registry.staff-ended",
      district,
      scopePath: staff.scope_path,
      subject: staff.id,
      payload: { person: staff.person_id, endedOn, grant: staff.grant_id, ...(reason === undefined ? {} : { reason }) }
    })
  })

/** The posts still open in these grids. */
export const openPosts = (district: string, grids: ReadonlyArray<string>) =>
  Effect.map(
    Db.use((db) =>
      db
        .selectFrom("registry_grid_staff")
        .selectAll()
        .where("district_code", "=", district)
        .where("grid_id", "in", grids)
        .where("ended_on", "is", null)
        .execute()
    ),
    (rows) => rows.map((row) => ({ ...(row as StaffRow), started_on: String(row.started_on), ended_on: null }))
  )

export const endStaff = command({
  input: Schema.Struct({
    district: DistrictCode,
    staff: Schema.UUID,
    endedOn: Schema.optional(IsoDate)
  }),
  load: (input) => staffRow(input.district, input.staff),
  target: (input, staff) => ({ district: input.district, scopePath: staff.scope_path }),
  run: (input, staff) =>
    Effect.gen(function* () {
      yield* stillServing(staff)
      const today = yield* todayInChina
      const endedOn = input.endedOn ?? today
      if (endedOn < staff.started_on) {
        return yield* refused(
          StaffCode.EndBeforeStart,
          {
            "zh-CN": `结束日期 ${endedOn} 早于任职日期 ${staff.started_on}`,
            en: `The end date ${endedOn} is before the post started on ${staff.started_on}`
          },
          staff.id
        )
      }
      if (endedOn > today) {
        return yield* refused(
          StaffCode.EndInFuture,
          {
            "zh-CN": `结束日期 ${endedOn} 晚于今天：请在岗位结束当天登记`,
            en: `The end date ${endedOn} is after today: record the end on the day it happens`
          },
          staff.id
        )
      }
      yield* endPost(input.district, staff, endedOn)
    })
})

/**
 * A post as {@link staffOf} lists it.
 *
 * @since 0.2.0
 */
export interface StaffEntry {
  readonly id: string
  readonly person: string
  /**
   * The person's name, or `null` when their own record lies outside the
   * reader's scope (staff who are not residents are recorded at the district's
   * level, and a resident may live in another grid).
   */
  readonly name: string | null
  readonly role: GridRoleKind
  readonly duties: ReadonlyArray<Duty>
  readonly user: string | null
  readonly startedOn: string
  readonly endedOn: string | null
}

/**
 * The staff of a grid, with their duties, within the reader's scope: a grid
 * outside it has no staff to show. Ended posts only when asked.
 *
 * @example
 * ```ts
 * const staff = await kernel.exec(Registry.queries.staffOf({ district: "230503", grid: "230503001001001" }), actor)
 * ```
 * @since 0.2.0
 */
export const staffOf = query({
  input: Schema.Struct({
    district: DistrictCode,
    grid: GridCode,
    includeEnded: Schema.optionalWith(Schema.Boolean, { default: () => false })
  }),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.gen(function* () {
      const rows = yield* Db.use((db) =>
        db
          .selectFrom("registry_grid as g")
          .innerJoin("registry_grid_staff as s", (j) =>
            j.onRef("s.district_code", "=", "g.district_code").onRef("s.grid_id", "=", "g.id")
          )
          .leftJoin("registry_person as p", (j) =>
            j.onRef("p.district_code", "=", "s.district_code").onRef("p.id", "=", "s.person_id")
          )
          .select(["s.id", "s.person_id", "p.name", "s.role", "s.user_id", "s.started_on", "s.ended_on"])
          .where("g.district_code", "=", input.district)
          .where("g.code", "=", input.grid)
          .$if(!input.includeEnded, (q) => q.where("s.ended_on", "is", null))
          .orderBy("s.started_on")
          .orderBy("s.id")
          .execute()
      )
      const duties =
        rows.length === 0
          ? []
          : yield* Db.use((db) =>
              db
                .selectFrom("registry_staff_duty")
                .select(["staff_id", "duty"])
                .where("district_code", "=", input.district)
                .where(
                  "staff_id",
                  "in",
                  rows.map((r) => String(r.id))
                )
                .execute()
            )
      const byStaff = new Map<string, Array<Duty>>()
      for (const d of duties) {
        const list = byStaff.get(String(d.staff_id)) ?? []
        list.push(d.duty as Duty)
        byStaff.set(String(d.staff_id), list)
      }
      return rows.map((r): StaffEntry => ({
        id: String(r.id),
        person: String(r.person_id),
        name: r.name === null ? null : String(r.name),
        role: r.role as GridRoleKind,
        duties: (byStaff.get(String(r.id)) ?? []).sort(),
        user: r.user_id === null ? null : String(r.user_id),
        startedOn: String(r.started_on),
        endedOn: r.ended_on === null ? null : String(r.ended_on)
      }))
    })
})
