/**
 * Accountability (责任追究制): when the deadline at a level lapses, a record
 * names whoever held it: the worker who owned the request at that level, or,
 * when nobody had taken it there, the level's unit (the grid, community, street
 * or district command centre). One record per request and level, whatever
 * records it first (the sweep, or a late completion) and however many times.
 *
 * @since 0.3.0
 */
import { Effect } from "effect"
import * as Db from "../Db.js"
import * as Events from "../Events.js"
import { type ServiceLevel, unitOf } from "./Levels.js"

/** A lapse to record: the request as it stood at its deadline, and where it goes next. */
export interface Lapse {
  readonly id: string
  readonly grid_id: string
  readonly scope_path: string
  readonly service: string
  readonly level: ServiceLevel
  readonly owner: string | null
  /** The deadline that lapsed. */
  readonly due_at: Date
  /** The level the request climbed to, or `null` (done late, or at the district command centre). */
  readonly next: ServiceLevel | null
  readonly nextDeadline?: Date
}

/**
 * Records each lapse, stamped at its deadline, through the engine's bulk path,
 * and appends one `services.deadline-lapsed` event per lapse, naming who held
 * it and where the request went. The caller has just moved each request past
 * its lapse with a conditional update (so two sweeps, or a sweep and a late
 * completion, never both record one); the key on (district, request, level)
 * keeps a second record out even so.
 */
export const recordLapses = (district: string, lapses: ReadonlyArray<Lapse>, recordedAt: Date) =>
  Effect.gen(function* () {
    yield* Db.bulkInsert({
      table: "services_accountability",
      columns: [
        "district_code",
        "request_id",
        "level",
        "grid_id",
        "scope_path",
        "service",
        "lapsed_at",
        "held_by",
        "unit_path",
        "recorded_at"
      ],
      rows: lapses.map((l) => [
        district,
        l.id,
        l.level,
        l.grid_id,
        l.scope_path,
        l.service,
        l.due_at,
        l.owner,
        unitOf(l.scope_path, l.level),
        recordedAt
      ]),
      onConflict: { kind: "ignore", key: ["district_code", "request_id", "level"] }
    })
    for (const lapse of lapses) {
      yield* Events.append({
        type: "services.deadline-lapsed",
        district,
        scopePath: lapse.scope_path,
        subject: lapse.id,
        payload: {
          level: lapse.level,
          lapsedAt: lapse.due_at.toISOString(),
          heldBy: lapse.owner,
          unit: unitOf(lapse.scope_path, lapse.level),
          escalatedTo: lapse.next,
          deadline: lapse.nextDeadline?.toISOString() ?? null
        }
      })
    }
  })
