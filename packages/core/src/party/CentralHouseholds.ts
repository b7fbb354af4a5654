/**
 * Central households (党员中心户, CentralHousehold): households of a grid with
 * a party member in them, appointed to its party cell, each looking after
 * named neighbouring households of the same grid (邻里互助). The case sets 3
 * per cell; a district may set its own number, and one more is refused. A
 * central household stands down when the organisers decide, or on its own when
 * the registry moves it out of its cell's grid (see `Moves.ts`).
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { scopePath } from "../Actor.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import type { Problem } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command } from "../Plugin.js"
import { GridCode, IsoDate, todayInChina } from "../registry/Places.js"
import { cellOfGrid, holdRow, households, memberRow, notAfter, notFound } from "./lookups.js"
import { PartyCode, problem, refuseAny, refused } from "./Refused.js"
import type { StandDownReason } from "./Vocabulary.js"

/**
 * Central households per grid party cell, as the case sets them ("每个网格党小组
 * 设置3名党员中心户"), for a district that has not set its own number.
 *
 * @since 0.3.0
 */
export const CENTRAL_HOUSEHOLDS_PER_CELL = 3

const limitOf = (district: string) =>
  Effect.map(
    Db.use((db) =>
      db
        .selectFrom("party_setting")
        .select("central_households_per_cell")
        .where("district_code", "=", district)
        .executeTakeFirst()
    ),
    (row) => (row === undefined ? CENTRAL_HOUSEHOLDS_PER_CELL : Number(row.central_households_per_cell))
  )

/**
 * Sets how many central households a cell of the district may have, instead
 * of the case's {@link CENTRAL_HOUSEHOLDS_PER_CELL}. Cells above a lower
 * number keep theirs; new ones are refused until they are below it.
 *
 * @since 0.3.0
 */
export const setCentralHouseholdLimit = command({
  input: Schema.Struct({ district: DistrictCode, limit: Schema.Int.pipe(Schema.between(1, 20)) }),
  target: (input) => ({ district: input.district, scopePath: scopePath(input.district) }),
  run: (input) =>
    Effect.gen(function* () {
      const was = yield* limitOf(input.district)
      // Setting the number it already has changes nothing and says nothing.
      if (was === input.limit) return
      yield* Db.use((db) =>
        db
          .insertInto("party_setting")
          .values({ district_code: input.district, central_households_per_cell: input.limit })
          .onConflict((oc) => oc.column("district_code").doUpdateSet({ central_households_per_cell: input.limit }))
          .execute()
      )
      yield* Events.append({
        type: "party.central-household-limit-set",
        district: input.district,
        scopePath: scopePath(input.district),
        payload: { limit: input.limit, was }
      })
    })
})

/**
 * Appoints a household of the grid, with the party member living in it, as a
 * central household of the grid's cell, up to the district's number per cell.
 *
 * @example
 * ```ts
 * await kernel.exec(
 *   Party.commands.appointCentralHousehold({ district: "230503", grid: "230503001001001", household, member }),
 *   secretary
 * )
 * ```
 * @since 0.3.0
 */
export const appointCentralHousehold = command({
  input: Schema.Struct({
    district: DistrictCode,
    /** The grid whose party cell the household joins. */
    grid: GridCode,
    household: Schema.UUID,
    /** The party member living in the household. */
    member: Schema.UUID,
    appointedOn: Schema.optional(IsoDate)
  }),
  load: (input) => cellOfGrid(input.district, input.grid),
  target: (input, cell) => ({ district: input.district, scopePath: cell.scope_path }),
  run: (input, cell) =>
    Effect.gen(function* () {
      const today = yield* todayInChina
      const appointedOn = input.appointedOn ?? today
      const household = (yield* households(input.district, [input.household])).get(input.household)
      const member = yield* memberRow(input.district, input.member)
      yield* holdRow("party_cell", input.district, cell.id)
      const person = yield* Db.use((db) =>
        db
          .selectFrom("registry_person")
          .select(["household_id", "died_on"])
          .where("district_code", "=", input.district)
          .where("id", "=", member.person_id)
          .executeTakeFirst()
      )
      const open = yield* Db.use((db) =>
        db
          .selectFrom("party_central_household")
          .select("household_id")
          .where("district_code", "=", input.district)
          .where("cell_id", "=", cell.id)
          .where("ended_on", "is", null)
          .execute()
      )
      const limit = yield* limitOf(input.district)
      const serving = open.map((o) => String(o.household_id))
      const problems: Array<Problem> = []
      if (household === undefined) {
        problems.push(
          problem("household", PartyCode.Unknown, {
            "zh-CN": `没有这一户：${input.household}`,
            en: `There is no household ${input.household}`
          })
        )
      } else if (household.dissolved_on !== null || household.scope_path !== cell.scope_path) {
        problems.push(
          problem("household", PartyCode.HouseholdOutsideGrid, {
            "zh-CN": `该户不住在网格 ${input.grid}`,
            en: `The household does not live in grid ${input.grid}`
          })
        )
      }
      if (person === undefined || person.died_on !== null || person.household_id !== input.household) {
        problems.push(
          problem("member", PartyCode.MemberNotInHousehold, {
            "zh-CN": "该党员不住在这一户",
            en: "The member does not live in this household"
          })
        )
      }
      if (serving.includes(input.household)) {
        problems.push(
          problem("household", PartyCode.AlreadyCentral, {
            "zh-CN": "该户已是本网格党小组的党员中心户",
            en: "The household is already a central household of this cell"
          })
        )
      } else if (serving.length >= limit) {
        problems.push(
          problem("grid", PartyCode.CentralHouseholdsFull, {
            "zh-CN": `${cell.name}已有 ${serving.length} 户党员中心户，每个网格党小组至多 ${limit} 户`,
            en: `${cell.name} already has ${serving.length} central households; a cell has at most ${limit}`
          })
        )
      }
      problems.push(...notAfter("appointedOn", appointedOn, today))
      yield* refuseAny(problems, cell.id)
      const id = yield* Ids.next
      yield* Db.use((db) =>
        db
          .insertInto("party_central_household")
          .values({
            district_code: input.district,
            id,
            cell_id: cell.id,
            grid_id: cell.grid_id,
            household_id: input.household,
            member_id: member.id,
            appointed_on: appointedOn,
            scope_path: cell.scope_path
          })
          .execute()
      )
      yield* Events.append({
        type: "party.central-household-appointed",
        district: input.district,
        scopePath: cell.scope_path,
        subject: id,
        payload: { cell: cell.id, household: input.household, member: member.id, appointedOn }
      })
      return { id }
    })
})

/** A central household as its record holds it. */
export interface CentralHouseholdRow {
  readonly id: string
  readonly grid_id: string
  readonly household_id: string
  readonly appointed_on: string
  readonly ended_on: string | null
  readonly scope_path: string
}

const centralHouseholdRow = (district: string, id: string) =>
  Effect.flatMap(
    Db.use((db) =>
      db
        .selectFrom("party_central_household")
        .select(["id", "grid_id", "household_id", "appointed_on", "ended_on", "scope_path"])
        .where("district_code", "=", district)
        .where("id", "=", id)
        .executeTakeFirst()
    ),
    (row) =>
      row === undefined
        ? Effect.fail(notFound("central household", id))
        : Effect.succeed({
            ...(row as CentralHouseholdRow),
            appointed_on: String(row.appointed_on),
            ended_on: row.ended_on === null ? null : String(row.ended_on)
          })
  )

const stillServing = (central: { readonly id: string; readonly ended_on: string | null }) =>
  central.ended_on === null
    ? Effect.void
    : Effect.fail(
        refused(
          PartyCode.CentralHouseholdEnded,
          {
            "zh-CN": `该党员中心户已于 ${central.ended_on} 卸任`,
            en: `The central household stood down on ${central.ended_on}`
          },
          central.id
        )
      )

const neighboursOf = (district: string, central: string) =>
  Effect.map(
    Db.use((db) =>
      db
        .selectFrom("party_neighbour")
        .select("household_id")
        .where("district_code", "=", district)
        .where("central_household_id", "=", central)
        .execute()
    ),
    (rows) => rows.map((r) => String(r.household_id)).sort()
  )

/**
 * Names the households a central household looks after, all of its own grid,
 * replacing the previous list; the event says who was added and removed.
 *
 * @since 0.3.0
 */
export const setNeighbours = command({
  input: Schema.Struct({
    district: DistrictCode,
    centralHousehold: Schema.UUID,
    /** Every household it looks after from now on, replacing the previous list. */
    households: Schema.Array(Schema.UUID),
    /** When the households added start being looked after; today when absent. */
    since: Schema.optional(IsoDate)
  }),
  load: (input) => centralHouseholdRow(input.district, input.centralHousehold),
  target: (input, central) => ({ district: input.district, scopePath: central.scope_path }),
  run: (input, central) =>
    Effect.gen(function* () {
      yield* stillServing(central)
      const today = yield* todayInChina
      const since = input.since ?? today
      const found = yield* households(input.district, input.households)
      const problems: Array<Problem> = input.households.flatMap((id, i): ReadonlyArray<Problem> => {
        const path = `households[${i}]`
        const household = found.get(id)
        if (input.households.indexOf(id) !== i) {
          return [problem(path, PartyCode.Twice, { "zh-CN": "同一户重复列出", en: "The household is listed twice" })]
        }
        if (id === central.household_id) {
          return [
            problem(path, PartyCode.NeighbourIsSelf, {
              "zh-CN": "党员中心户不联系自己这一户",
              en: "A central household does not look after itself"
            })
          ]
        }
        if (household === undefined) {
          return [problem(path, PartyCode.Unknown, { "zh-CN": `没有这一户：${id}`, en: `There is no household ${id}` })]
        }
        return household.dissolved_on === null && household.scope_path === central.scope_path
          ? []
          : [
              problem(path, PartyCode.NeighbourOutsideGrid, {
                "zh-CN": `户 ${household.number ?? id} 不在本网格，党员中心户只联系本网格的邻居`,
                en: `Household ${household.number ?? id} is outside the grid: a central household looks after neighbours in its own grid`
              })
            ]
      })
      yield* refuseAny([...problems, ...notAfter("since", since, today)], central.id)
      const before = yield* neighboursOf(input.district, central.id)
      const after = [...new Set(input.households)].sort()
      const added = after.filter((h) => !before.includes(h))
      const removed = before.filter((h) => !after.includes(h))
      // Naming the same neighbours again changes nothing and says nothing.
      if (added.length === 0 && removed.length === 0) return { households: after }
      if (removed.length > 0) {
        yield* Db.use((db) =>
          db
            .deleteFrom("party_neighbour")
            .where("district_code", "=", input.district)
            .where("central_household_id", "=", central.id)
            .where("household_id", "in", removed)
            .execute()
        )
      }
      if (added.length > 0) {
        yield* Db.use((db) =>
          db
            .insertInto("party_neighbour")
            .values(
              added.map((household) => ({
                district_code: input.district,
                central_household_id: central.id,
                household_id: household,
                grid_id: central.grid_id,
                since,
                scope_path: central.scope_path
              }))
            )
            .execute()
        )
      }
      yield* Events.append({
        type: "party.neighbours-set",
        district: input.district,
        scopePath: central.scope_path,
        subject: central.id,
        payload: { households: after, added, removed, since }
      })
      return { households: after }
    })
})

/**
 * Stands a central household down on a date, for a reason: its place in the
 * cell is freed and the neighbours it looked after are released with it; the
 * event keeps who they were.
 */
export const standDown = (district: string, central: CentralHouseholdRow, endedOn: string, reason: StandDownReason) =>
  Effect.gen(function* () {
    const neighbours = yield* neighboursOf(district, central.id)
    yield* Db.use((db) =>
      db
        .deleteFrom("party_neighbour")
        .where("district_code", "=", district)
        .where("central_household_id", "=", central.id)
        .execute()
    )
    yield* Db.use((db) =>
      db
        .updateTable("party_central_household")
        .set({ ended_on: endedOn })
        .where("district_code", "=", district)
        .where("id", "=", central.id)
        .execute()
    )
    yield* Events.append({
      type: "party.central-household-stood-down",
      district,
      scopePath: central.scope_path,
      subject: central.id,
      payload: { household: central.household_id, neighbours, endedOn, reason }
    })
  })

/**
 * Stands a central household down on a date by the organisers' decision,
 * freeing its place in the cell; the neighbours it looked after are released
 * with it (`party.central-household-stood-down`, reason `decision`).
 *
 * @since 0.3.0
 */
export const endCentralHousehold = command({
  input: Schema.Struct({ district: DistrictCode, centralHousehold: Schema.UUID, endedOn: Schema.optional(IsoDate) }),
  load: (input) => centralHouseholdRow(input.district, input.centralHousehold),
  target: (input, central) => ({ district: input.district, scopePath: central.scope_path }),
  run: (input, central) =>
    Effect.gen(function* () {
      yield* stillServing(central)
      const today = yield* todayInChina
      const endedOn = input.endedOn ?? today
      yield* refuseAny(
        [
          ...(endedOn < central.appointed_on
            ? [
                problem("endedOn", PartyCode.EndBeforeStart, {
                  "zh-CN": `卸任日期 ${endedOn} 早于设立日期 ${central.appointed_on}`,
                  en: `The end date ${endedOn} is before the appointment on ${central.appointed_on}`
                })
              ]
            : []),
          ...notAfter("endedOn", endedOn, today)
        ],
        central.id
      )
      yield* standDown(input.district, central, endedOn, "decision")
    })
})
