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
import { Events } from "../Events.js"
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
  readonly nextDeadline: Date | null
}

/** An instant as ISO-8601 text, each distinct one written out once: a sweep's lapses share a few deadlines. */
const isoTexts = () => {
  const texts = new Map<number, string>()
  return (instant: Date): string => {
    const time = instant.getTime()
    let text = texts.get(time)
    if (text === undefined) {
      text = instant.toISOString()
      texts.set(time, text)
    }
    return text
  }
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
    const units = lapses.map((l) => unitOf(l.scope_path, l.level))
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
      rows: lapses.map((l, i) => [
        district,
        l.id,
        l.level,
        l.grid_id,
        l.scope_path,
        l.service,
        l.due_at,
        l.owner,
        units[i],
        recordedAt
      ]),
      onConflict: { kind: "ignore", key: ["district_code", "request_id", "level"] }
    })
    const events = yield* Events
    const iso = isoTexts()
    yield* Effect.forEach(
      lapses,
      (lapse, i) =>
        events.append({
          type: "services.deadline-lapsed",
          district,
          scopePath: lapse.scope_path,
          subject: lapse.id,
          payload: {
            level: lapse.level,
            lapsedAt: iso(lapse.due_at),
            heldBy: lapse.owner,
            unit: units[i],
            escalatedTo: lapse.next,
            deadline: lapse.nextDeadline === null ? null : iso(lapse.nextDeadline)
          }
        }),
      { discard: true }
    )
  })
