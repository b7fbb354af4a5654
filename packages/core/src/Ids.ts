/**
 * Ids are UUIDv7: time-ordered (so new rows land at the end of an index) and made
 * anywhere without a central counter (so shards never coordinate).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import { v7 } from "uuid"

/**
 * The id service. Tests may replace it to get predictable ids.
 *
 * @since 0.1.0
 */
export class Ids extends Context.Tag("@shequ/core/Ids")<Ids, { readonly next: () => string }>() {}

/** Makes a new UUIDv7. @since 0.1.0 */
export const next: Effect.Effect<string, never, Ids> = Effect.map(Ids, (ids) => ids.next())

/** A new UUIDv7 from the system clock. @since 0.1.0 */
export const uuidv7 = (): string => v7()

/** The default layer: UUIDv7 from the system clock. @since 0.1.0 */
export const layer: Layer.Layer<Ids> = Layer.succeed(Ids, { next: uuidv7 })

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i

/** Whether a string is a UUIDv7. @since 0.1.0 */
export const isUuidV7 = (value: string): boolean => UUID_V7.test(value)
