/**
 * How the registry keeps ID and phone numbers: a keyed hash for look-ups and
 * duplicates, a ciphertext for the few allowed to see the number whole. The
 * hash of a document covers its type, so a passport and an ID card with the
 * same characters never collide.
 *
 * @since 0.2.0
 */
import { Effect, Option } from "effect"
import { KeyRequired } from "./Refused.js"
import { Secrets, type SecretsService } from "./Secrets.js"

/**
 * The host's key, or {@link KeyRequired} when the kernel was built without one.
 *
 * @since 0.2.0
 */
export const secrets: Effect.Effect<SecretsService, KeyRequired> = Effect.flatMap(
  Effect.serviceOption(Secrets),
  Option.match({
    onNone: () => Effect.fail(new KeyRequired({ code: "REGISTRY.KEY_REQUIRED" })),
    onSome: Effect.succeed
  })
)

/** The look-up hash of a document's normalised number. @since 0.2.0 */
export const documentHash = (keys: SecretsService, type: string, number: string): string =>
  keys.hash("id_number", `${type}:${number}`)

/** A phone number with only its digits, `+86`/`0086` dropped, so one phone hashes one way. @since 0.2.0 */
export const normalisePhone = (raw: string): string =>
  raw
    .normalize("NFKC")
    .replace(/\D/g, "")
    .replace(/^(0086|86)(?=1\d{10}$)/, "")

/** The look-up hash of a phone number. @since 0.2.0 */
export const phoneHash = (keys: SecretsService, phone: string): string => keys.hash("phone", normalisePhone(phone))
