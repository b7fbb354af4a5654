import { Effect, Either } from "effect"
import * as ActorModule from "../Actor.js"
import { now } from "../Calendar.js"
import * as Db from "../Db.js"
import type { StorageError } from "../Errors.js"
import * as Keys from "../registry/Keys.js"
import * as Secrets from "../registry/Secrets.js"
import { type Env, unitOfWork } from "./unit.js"

const REHASH_PAGE = 1000

/**
 * Re-makes every stored hash with the new key: the old hashes were keyed with
 * the previous one, so without this a look-up or duplicate check would silently
 * miss. Numbers are re-encrypted too, so the old key can be retired afterwards.
 */
const rehash = (secrets: Secrets.SecretsService) =>
  Effect.gen(function* () {
    // Keyset pagination on the primary key: each page is one index range, however many rows there are.
    let after: { district: string; id: string } | undefined
    for (;;) {
      const page = yield* Db.use((db) =>
        db
          .selectFrom("registry_person")
          .select(["district_code", "id", "document_type", "document_cipher", "phone_cipher"])
          .where((eb) => eb.or([eb("document_cipher", "is not", null), eb("phone_cipher", "is not", null)]))
          .$if(after !== undefined, (q) =>
            q.where((eb) => eb(eb.refTuple("district_code", "id"), ">", eb.tuple(after!.district, after!.id)))
          )
          .orderBy("district_code")
          .orderBy("id")
          .limit(REHASH_PAGE)
          .execute()
      )
      if (page.length === 0) return
      for (const row of page) {
        const document = typeof row.document_cipher === "string" ? yield* secrets.decrypt(row.document_cipher) : null
        const phone = typeof row.phone_cipher === "string" ? yield* secrets.decrypt(row.phone_cipher) : null
        yield* Db.use((db) =>
          db
            .updateTable("registry_person")
            .set({
              document_hash: document === null ? null : Keys.documentHash(secrets, String(row.document_type), document),
              document_cipher: document === null ? null : secrets.encrypt(document),
              phone_hash: phone === null ? null : Keys.phoneHash(secrets, phone),
              phone_cipher: phone === null ? null : secrets.encrypt(phone)
            })
            .where("district_code", "=", row.district_code)
            .where("id", "=", row.id)
            .execute()
        )
      }
      const last = page[page.length - 1]!
      after = { district: String(last.district_code), id: String(last.id) }
    }
  })

/**
 * Checks the key against the fingerprint stored at first start: stores it the
 * first time, refuses any other key, and re-hashes everything when the stored
 * key is among the previous keys (a rotation), all in one transaction.
 */
export const checkKey = (
  env: Env,
  secrets: Secrets.SecretsService
): Effect.Effect<void, Secrets.KeyMismatch | Secrets.UnknownKey | Secrets.Tampered | StorageError> =>
  unitOfWork(
    env,
    ActorModule.system("key"),
    "core.key",
    Effect.gen(function* () {
      const stored = yield* Db.use((db) => db.selectFrom("core_key").select("fingerprint").executeTakeFirst())
      const check = yield* Either.match(Secrets.verifyFingerprint(stored?.fingerprint as string | undefined, secrets), {
        onLeft: Effect.fail,
        onRight: Effect.succeed
      })
      if (check._tag === "Same") return
      if (check._tag === "Rotated") yield* rehash(secrets)
      const storedAt = yield* now
      yield* Db.use((db) => db.deleteFrom("core_key").execute())
      yield* Db.use((db) =>
        db
          .insertInto("core_key")
          .values({
            fingerprint: check.fingerprint,
            key_id: secrets.keyId,
            cipher: secrets.cipher,
            stored_at: storedAt
          })
          .execute()
      )
    })
  ).pipe(
    Effect.catchTags({
      HandlerFailed: (e) => Effect.die(e),
      EventCycle: (e) => Effect.die(e)
    })
  )
