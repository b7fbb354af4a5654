/**
 * Domain events. A command appends its events in its own transaction to one
 * append-only table, which is both the audit trail and the outbox. Each event
 * gets a per-district `position` taken from a counter row that stays locked until
 * the command commits, so positions become visible in order and a reader polling
 * `kernel.events.since({ district, after })` never misses an event that commits
 * late.
 *
 * @since 0.1.0
 */
import { Context, Effect } from "effect"

/**
 * An event as a command or handler appends it.
 *
 * @since 0.1.0
 */
export interface NewEvent {
  /** `<plugin>.<what happened>`, e.g. `counter.incremented`. */
  readonly type: string
  /** The district the event belongs to (GB/T 2260 code). */
  readonly district: string
  /** The scope path of what the event is about, for scoped readers. */
  readonly scopePath?: string
  /** The id of the record the event is about. */
  readonly subject?: string
  /** Ids and facts, never an ID or phone number. */
  readonly payload?: Readonly<Record<string, unknown>>
}

/**
 * An event as stored and read back.
 *
 * @since 0.1.0
 */
export interface DomainEvent {
  readonly id: string
  readonly district: string
  /** Per-district, gap-free within a district, in commit order. */
  readonly position: number
  readonly type: string
  readonly scopePath: string | null
  readonly subject: string | null
  readonly payload: Readonly<Record<string, unknown>>
  /** Who acted: a user id or `system:<purpose>`. */
  readonly actor: string
  /** The command (or job) that caused it. */
  readonly cause: string
  /** Shared by every event of one command, handlers' included. */
  readonly correlation: string
  readonly occurredAt: Date
}

/**
 * An event being dispatched inside the transaction that appended it (its
 * position is given at commit).
 *
 * @since 0.1.0
 */
export type PendingEvent = Omit<DomainEvent, "position">

/**
 * The events service of the current command.
 *
 * @since 0.1.0
 */
export interface EventsService {
  readonly append: (event: NewEvent) => Effect.Effect<PendingEvent>
}

/** @since 0.1.0 */
export class Events extends Context.Tag("@shequ/core/Events")<Events, EventsService>() {}

/**
 * Appends an event to the current command; the plugins' handlers see it before
 * the command commits.
 *
 * @since 0.1.0
 */
export const append = (event: NewEvent): Effect.Effect<PendingEvent, never, Events> =>
  Effect.flatMap(Events, (events) => events.append(event))

/**
 * A page of events read with `kernel.events.since`.
 *
 * @since 0.1.0
 */
export interface SinceOptions {
  readonly district: string
  /** The last position the reader has seen; 0 to start. */
  readonly after: number
  readonly limit?: number
}
