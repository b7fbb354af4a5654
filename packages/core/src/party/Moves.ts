/**
 * The party module follows the registry's moves. A central household is a
 * household of the grid with a party member living in it, looking after
 * neighbours of the same grid; when the registry moves it out of that grid
 * (the household moves to a dwelling in another grid, or a re-districting puts
 * its building in another grid), dissolves it (it moves out of the district
 * whole, or merges into another household), or takes its member away from it
 * (the member moves, or dies), it stops being a central household of its cell
 * on the date of the move. A household looked after by a central household is
 * released the same way when it leaves the grid or is dissolved.
 *
 * The module reacts to the registry's events inside the registry's own
 * transaction, reading the registry's rows as the move left them, and never
 * writes them: a move and what it does to the party organisation commit or
 * roll back together.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import * as Db from "../Db.js"
import * as Events from "../Events.js"
import type { PendingEvent } from "../Events.js"
import type { Handler } from "../Plugin.js"
import { standDown } from "./CentralHouseholds.js"
import type { StandDownReason } from "./Vocabulary.js"

/** What a move touched: the households it named (every household, for a re-districting) and its date. */
interface Touched {
  readonly households: ReadonlyArray<string> | "all"
  readonly on: string
  /** The reason when a household now lives in another grid than its cell's. */
  readonly elsewhere: "moved-out-of-grid" | "grid-redrawn"
}

const later = (a: string, b: string): string => (a > b ? a : b)

/**
 * Stands down the central households and releases the neighbours that the
 * move left outside their cell's grid, each on the move's date (or the day the
 * appointment or the care began, when the move was recorded as of an earlier
 * date: an appointment is never ended before it began).
 */
const follow = (district: string, touched: Touched) =>
  Effect.gen(function* () {
    const { households, on, elsewhere } = touched
    if (households !== "all" && households.length === 0) return
    const central = yield* Db.use((db) =>
      db
        .selectFrom("party_central_household as ch")
        .innerJoin("registry_household as h", (j) =>
          j.onRef("h.district_code", "=", "ch.district_code").onRef("h.id", "=", "ch.household_id")
        )
        .leftJoin("registry_dwelling as d", (j) =>
          j.onRef("d.district_code", "=", "h.district_code").onRef("d.id", "=", "h.dwelling_id")
        )
        .leftJoin("registry_building as b", (j) =>
          j.onRef("b.district_code", "=", "d.district_code").onRef("b.id", "=", "d.building_id")
        )
        .innerJoin("party_member as m", (j) =>
          j.onRef("m.district_code", "=", "ch.district_code").onRef("m.id", "=", "ch.member_id")
        )
        .innerJoin("registry_person as p", (j) =>
          j.onRef("p.district_code", "=", "m.district_code").onRef("p.id", "=", "m.person_id")
        )
        .select([
          "ch.id",
          "ch.grid_id",
          "ch.household_id",
          "ch.appointed_on",
          "ch.scope_path",
          "h.dissolved_on",
          "b.grid_id as lives_in",
          "p.household_id as member_household",
          "p.died_on"
        ])
        .where("ch.district_code", "=", district)
        .where("ch.ended_on", "is", null)
        .$if(households !== "all", (q) => q.where("ch.household_id", "in", households as ReadonlyArray<string>))
        .orderBy("ch.id")
        .execute()
    )
    for (const row of central) {
      const household = String(row.household_id)
      const reason: StandDownReason | undefined =
        row.dissolved_on !== null
          ? "household-dissolved"
          : row.died_on !== null
            ? "member-died"
            : row.member_household === null || String(row.member_household) !== household
              ? "member-left"
              : row.lives_in === null || String(row.lives_in) !== String(row.grid_id)
                ? elsewhere
                : undefined
      if (reason === undefined) continue
      const appointedOn = String(row.appointed_on)
      yield* standDown(
        district,
        {
          id: String(row.id),
          grid_id: String(row.grid_id),
          household_id: household,
          appointed_on: appointedOn,
          ended_on: null,
          scope_path: String(row.scope_path)
        },
        later(on, appointedOn),
        reason
      )
    }
    const looked = yield* Db.use((db) =>
      db
        .selectFrom("party_neighbour as n")
        .innerJoin("registry_household as h", (j) =>
          j.onRef("h.district_code", "=", "n.district_code").onRef("h.id", "=", "n.household_id")
        )
        .leftJoin("registry_dwelling as d", (j) =>
          j.onRef("d.district_code", "=", "h.district_code").onRef("d.id", "=", "h.dwelling_id")
        )
        .leftJoin("registry_building as b", (j) =>
          j.onRef("b.district_code", "=", "d.district_code").onRef("b.id", "=", "d.building_id")
        )
        .select([
          "n.central_household_id",
          "n.household_id",
          "n.grid_id",
          "n.since",
          "n.scope_path",
          "h.dissolved_on",
          "b.grid_id as lives_in"
        ])
        .where("n.district_code", "=", district)
        .$if(households !== "all", (q) => q.where("n.household_id", "in", households as ReadonlyArray<string>))
        .orderBy("n.central_household_id")
        .orderBy("n.household_id")
        .execute()
    )
    for (const row of looked) {
      const reason: StandDownReason | undefined =
        row.dissolved_on !== null
          ? "household-dissolved"
          : row.lives_in === null || String(row.lives_in) !== String(row.grid_id)
            ? elsewhere
            : undefined
      if (reason === undefined) continue
      const central = String(row.central_household_id)
      const household = String(row.household_id)
      yield* Db.use((db) =>
        db
          .deleteFrom("party_neighbour")
          .where("district_code", "=", district)
          .where("central_household_id", "=", central)
          .where("household_id", "=", household)
          .execute()
      )
      yield* Events.append({
        type: "party.neighbour-released",
        district,
        scopePath: String(row.scope_path),
        subject: central,
        payload: { household, releasedOn: later(on, String(row.since)), reason }
      })
    }
  })

/** A handler of one registry event: what the event's payload says was touched. */
const following =
  <A, I>(
    payload: Schema.Schema<A, I, never>,
    touched: (payload: A, event: PendingEvent) => Touched
  ): Handler<unknown> =>
  (event) =>
    Effect.flatMap(Schema.decodeUnknown(payload)(event.payload), (decoded) =>
      follow(event.district, touched(decoded, event))
    )

const Moved = Schema.Struct({ household: Schema.String, on: Schema.String })

/**
 * The registry's events the module follows, by type, for the module's `on`.
 *
 * @since 0.3.0
 */
export const followRegistry: Readonly<Record<string, Handler<unknown>>> = {
  // A household moved (its own grid may have changed), or one person left `from` for `household`.
  "registry.relocated": following(
    Schema.Struct({ household: Schema.String, from: Schema.optional(Schema.String), on: Schema.String }),
    (p) => ({
      households: p.from === undefined ? [p.household] : [p.from, p.household],
      on: p.on,
      elsewhere: "moved-out-of-grid"
    })
  ),
  "registry.moved-out": following(Moved, (p) => ({
    households: [p.household],
    on: p.on,
    elsewhere: "moved-out-of-grid"
  })),
  "registry.death-registered": following(Moved, (p) => ({
    households: [p.household],
    on: p.on,
    elsewhere: "moved-out-of-grid"
  })),
  // The members who split off leave the household the event is about.
  "registry.household-split": following(Moved, (p, event) => ({
    households: event.subject === null ? [p.household] : [event.subject, p.household],
    on: p.on,
    elsewhere: "moved-out-of-grid"
  })),
  "registry.households-merged": following(
    Schema.Struct({ into: Schema.String, from: Schema.String, on: Schema.String }),
    (p) => ({ households: [p.from, p.into], on: p.on, elsewhere: "moved-out-of-grid" })
  ),
  // A plan moves buildings by the hundred: every central household of the district is checked against its grid.
  "registry.plan-applied": following(Schema.Struct({ effectiveOn: Schema.String }), (p) => ({
    households: "all",
    on: p.effectiveOn,
    elsewhere: "grid-redrawn"
  }))
}
