/**
 * Grid party cells (网格党小组, GridPartyCell): one party group per grid, in a
 * branch whose place holds the grid. With its central households and the
 * neighbours they look after, it is the third level of the case's
 * "community party organisation, grid party organisation, central household"
 * (三级联动). A cell carries its grid's scope path, and the kernel keeps it in
 * step when the grid is redrawn.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import type { Problem } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command, query } from "../Plugin.js"
import { gridByCode, GridCode, IsoDate, todayInChina } from "../registry/Places.js"
import {
  cellOfGrid,
  dissolvedProblems,
  heldOrganisation,
  notAfter,
  type OrganisationRow,
  organisationRow,
  within
} from "./lookups.js"
import { byCodePoint } from "./order.js"
import { PartyCode, problem, refuseAny } from "./Refused.js"

/** The problems of putting the cell of a grid at `gridPath` in `branch`. */
const branchProblems = (gridCode: string, gridPath: string, branch: OrganisationRow): ReadonlyArray<Problem> => [
  ...(branch.kind === "branch"
    ? []
    : [
        problem("branch", PartyCode.NotABranch, {
          "zh-CN": `${branch.name} 不是党支部：网格党小组设在党支部之下`,
          en: `${branch.name} is not a branch: a grid party cell belongs to a branch`
        })
      ]),
  ...(within(gridPath, branch.scope_path)
    ? []
    : [
        problem("grid", PartyCode.GridOutside, {
          "zh-CN": `网格 ${gridCode} 不在 ${branch.name} 所在地`,
          en: `Grid ${gridCode} is outside the place of ${branch.name}`
        })
      ]),
  ...dissolvedProblems("branch", branch)
]

/**
 * Forms a grid's party cell in a branch whose place holds the grid; a grid has one.
 *
 * @since 0.3.0
 */
export const formCell = command({
  input: Schema.Struct({
    district: DistrictCode,
    grid: GridCode,
    /** The branch (党支部) the party group belongs to. */
    branch: Schema.UUID,
    /** The cell's name; the grid's name followed by 党小组 when absent. */
    name: Schema.optional(Schema.NonEmptyTrimmedString),
    formedOn: Schema.optional(IsoDate)
  }),
  load: (input) =>
    Effect.all({ grid: gridByCode(input.district, input.grid), branch: organisationRow(input.district, input.branch) }),
  target: (input, { grid }) => ({ district: input.district, scopePath: grid.scope_path }),
  run: (input, { grid, branch: loaded }) =>
    Effect.gen(function* () {
      const today = yield* todayInChina
      const formedOn = input.formedOn ?? today
      const branch = yield* heldOrganisation(input.district, loaded.id)
      const existing = yield* Db.use((db) =>
        db
          .selectFrom("party_cell")
          .select("id")
          .where("district_code", "=", input.district)
          .where("grid_id", "=", grid.id)
          .executeTakeFirst()
      )
      yield* refuseAny([
        ...(existing === undefined
          ? []
          : [
              problem("grid", PartyCode.CellExists, {
                "zh-CN": `网格 ${grid.code} 已有网格党小组`,
                en: `Grid ${grid.code} already has its party cell`
              })
            ]),
        ...(grid.retired_on === null
          ? []
          : [
              problem("grid", PartyCode.GridRetired, {
                "zh-CN": `网格 ${grid.code} 已撤销`,
                en: `Grid ${grid.code} has been retired`
              })
            ]),
        ...branchProblems(grid.code, grid.scope_path, branch),
        ...notAfter("formedOn", formedOn, today)
      ])
      const id = yield* Ids.next
      const name = input.name ?? `${grid.name}党小组`
      yield* Db.use((db) =>
        db
          .insertInto("party_cell")
          .values({
            district_code: input.district,
            id,
            grid_id: grid.id,
            organisation_id: branch.id,
            name,
            formed_on: formedOn,
            scope_path: grid.scope_path
          })
          .execute()
      )
      yield* Events.append({
        type: "party.cell-formed",
        district: input.district,
        scopePath: grid.scope_path,
        subject: id,
        payload: { grid: grid.code, branch: branch.id, name, formedOn }
      })
      return { id }
    })
})

/**
 * Puts a grid's party cell in another branch whose place holds the grid (the
 * branches of a community were re-organised, or its branch is to be
 * dissolved). Its central households and past meetings stay as they are.
 *
 * @since 0.3.0
 */
export const moveCell = command({
  input: Schema.Struct({ district: DistrictCode, grid: GridCode, branch: Schema.UUID }),
  load: (input) =>
    Effect.all({ cell: cellOfGrid(input.district, input.grid), branch: organisationRow(input.district, input.branch) }),
  // Decided where the new branch sits; a branch whose place does not hold the grid is refused below, and meanwhile
  // the grid's own place is the one to be allowed at.
  target: (input, { cell, branch }) => ({
    district: input.district,
    scopePath: within(cell.scope_path, branch.scope_path) ? branch.scope_path : cell.scope_path
  }),
  run: (input, { cell, branch: loaded }) =>
    Effect.gen(function* () {
      const branch = yield* heldOrganisation(input.district, loaded.id)
      yield* refuseAny(branchProblems(input.grid, cell.scope_path, branch), cell.id)
      // Moving it to the branch it is in changes nothing and says nothing.
      if (cell.organisation_id === branch.id) return
      yield* Db.use((db) =>
        db
          .updateTable("party_cell")
          .set({ organisation_id: branch.id })
          .where("district_code", "=", input.district)
          .where("id", "=", cell.id)
          .execute()
      )
      yield* Events.append({
        type: "party.cell-moved",
        district: input.district,
        scopePath: cell.scope_path,
        subject: cell.id,
        payload: { grid: input.grid, from: cell.organisation_id, to: branch.id }
      })
    })
})

/**
 * A neighbouring household a central household looks after.
 *
 * @since 0.3.0
 */
export interface NeighbourEntry {
  readonly household: string
  /** The household's number, when it has one. */
  readonly number: string | null
  readonly since: string
}

/**
 * A central household of a cell, with its member and its neighbours.
 *
 * @since 0.3.0
 */
export interface CentralHouseholdEntry {
  readonly id: string
  readonly household: string
  readonly number: string | null
  readonly member: string
  /** `null` when the member's own record lies outside the reader's scope. */
  readonly memberName: string | null
  readonly appointedOn: string
  readonly neighbours: ReadonlyArray<NeighbourEntry>
}

/**
 * A grid party cell as {@link cell} shows it.
 *
 * @since 0.3.0
 */
export interface CellEntry {
  readonly id: string
  readonly grid: string
  readonly name: string
  readonly branch: { readonly id: string; readonly name: string }
  readonly formedOn: string
  /** The central households serving now, in the order they were appointed. */
  readonly centralHouseholds: ReadonlyArray<CentralHouseholdEntry>
}

/**
 * The party cell of a grid, with its central households and the neighbours
 * each looks after; `null` when the grid has no cell, or none the reader may see.
 *
 * @example
 * ```ts
 * const cell = await kernel.exec(Party.queries.cell({ district: "230503", grid: "230503001001001" }), actor)
 * cell?.centralHouseholds.map((c) => c.neighbours.length)
 * ```
 * @since 0.3.0
 */
export const cell = query({
  input: Schema.Struct({ district: DistrictCode, grid: GridCode }),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.gen(function* () {
      const row = yield* Db.use((db) =>
        db
          .selectFrom("party_cell as pc")
          .innerJoin("registry_grid as g", (j) =>
            j.onRef("g.district_code", "=", "pc.district_code").onRef("g.id", "=", "pc.grid_id")
          )
          .innerJoin("party_organisation as o", (j) =>
            j.onRef("o.district_code", "=", "pc.district_code").onRef("o.id", "=", "pc.organisation_id")
          )
          .select(["pc.id", "g.code", "pc.name", "o.id as branch", "o.name as branch_name", "pc.formed_on"])
          .where("pc.district_code", "=", input.district)
          .where("g.code", "=", input.grid)
          .executeTakeFirst()
      )
      if (row === undefined) return null
      const households = yield* Db.use((db) =>
        db
          .selectFrom("party_central_household as ch")
          .innerJoin("party_member as m", (j) =>
            j.onRef("m.district_code", "=", "ch.district_code").onRef("m.id", "=", "ch.member_id")
          )
          .leftJoin("registry_household as h", (j) =>
            j.onRef("h.district_code", "=", "ch.district_code").onRef("h.id", "=", "ch.household_id")
          )
          .leftJoin("registry_person as p", (j) =>
            j.onRef("p.district_code", "=", "m.district_code").onRef("p.id", "=", "m.person_id")
          )
          .select(["ch.id", "ch.household_id", "h.number", "ch.member_id", "p.name", "ch.appointed_on"])
          .where("ch.district_code", "=", input.district)
          .where("ch.cell_id", "=", row.id)
          .where("ch.ended_on", "is", null)
          .orderBy("ch.appointed_on")
          .orderBy("ch.id")
          .execute()
      )
      const neighbours =
        households.length === 0
          ? []
          : yield* Db.use((db) =>
              db
                .selectFrom("party_neighbour as n")
                .leftJoin("registry_household as h", (j) =>
                  j.onRef("h.district_code", "=", "n.district_code").onRef("h.id", "=", "n.household_id")
                )
                .select(["n.central_household_id", "n.household_id", "h.number", "n.since"])
                .where("n.district_code", "=", input.district)
                .where(
                  "n.central_household_id",
                  "in",
                  households.map((h) => String(h.id))
                )
                .execute()
            )
      return {
        id: String(row.id),
        grid: String(row.code),
        name: String(row.name),
        branch: { id: String(row.branch), name: String(row.branch_name) },
        formedOn: String(row.formed_on),
        centralHouseholds: households.map((h): CentralHouseholdEntry => ({
          id: String(h.id),
          household: String(h.household_id),
          number: h.number === null ? null : String(h.number),
          member: String(h.member_id),
          memberName: h.name === null ? null : String(h.name),
          appointedOn: String(h.appointed_on),
          neighbours: neighbours
            .filter((n) => String(n.central_household_id) === String(h.id))
            .map((n) => ({
              household: String(n.household_id),
              number: n.number === null ? null : String(n.number),
              since: String(n.since)
            }))
            // By number, households without one last: the engines put NULL at different ends.
            .sort(
              (a, b) =>
                (a.number === null ? 1 : 0) - (b.number === null ? 1 : 0) ||
                byCodePoint(a.number ?? "", b.number ?? "") ||
                byCodePoint(a.household, b.household)
            )
        }))
      } satisfies CellEntry
    })
})
