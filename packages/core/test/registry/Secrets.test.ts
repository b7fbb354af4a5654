import { createCipheriv, createHmac, randomBytes } from "node:crypto"
import { inspect } from "node:util"
import { Effect, Either, Exit, FastCheck, Layer } from "effect"
import { describe, expect, it } from "vitest"
import {
  type Cipher,
  generateKey,
  KeyInvalid,
  KeyMismatch,
  layer,
  make,
  Secrets,
  SecretsCode,
  type SecretsService,
  Tampered,
  UnknownKey,
  verifyFingerprint
} from "../../src/registry/Secrets.js"

const ciphers: ReadonlyArray<Cipher> = ["aes-256-gcm", "sm4"]
const keyA = Buffer.from("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "hex")
const keyB = Buffer.from("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f", "hex")
const idNumber = "23050319900101123X"
const phone = "13812345678"

const decrypted = (service: SecretsService, ciphertext: string) => Either.getOrThrow(service.decrypt(ciphertext))

const leftOf = <A, E>(result: Either.Either<A, E>): E | undefined => (Either.isLeft(result) ? result.left : undefined)

const thrown = (f: () => unknown): unknown => {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected a throw")
}

/** RFC 5869, by hand, so the HKDF the module uses is checked against the standard, not against itself. */
const hkdf = (digest: string, ikm: Uint8Array, salt: string, info: string, length: number): Buffer => {
  const prk = createHmac(digest, salt).update(ikm).digest()
  const blocks: Array<Buffer> = []
  let previous = Buffer.alloc(0)
  for (let i = 1; Buffer.concat(blocks).length < length; i++) {
    previous = createHmac(digest, prk)
      .update(Buffer.concat([previous, Buffer.from(info), Buffer.from([i])]))
      .digest()
    blocks.push(previous)
  }
  return Buffer.concat(blocks).subarray(0, length)
}
const subkey = (digest: string, cipher: Cipher, label: string, length: number) =>
  hkdf(digest, keyA, "shequ/secrets", `shequ/v1/${cipher}/${label}`, length)

describe.each(ciphers)("Secrets with %s", (cipher) => {
  const secrets = make({ key: keyA, cipher })

  it("a database dump alone reveals no ID number: the ciphertext and the hash do not contain it", () => {
    const row = {
      id_hash: secrets.hash("id_number", idNumber),
      id_cipher: secrets.encrypt(idNumber),
      phone_hash: secrets.hash("phone", phone),
      phone_cipher: secrets.encrypt(phone)
    }
    const dump = JSON.stringify(row)
    for (const secret of [idNumber, phone, "19900101", "12345678"]) {
      for (const encoding of ["utf8", "hex", "base64", "base64url"] as const) {
        expect(dump).not.toContain(Buffer.from(secret).toString(encoding).replace(/=+$/, ""))
      }
    }
  })

  it("the same ID number hashes the same way twice, so duplicates are found", () => {
    const again = make({ key: keyA.toString("hex"), cipher })
    expect(secrets.hash("id_number", idNumber)).toBe(secrets.hash("id_number", idNumber))
    expect(again.hash("id_number", idNumber)).toBe(secrets.hash("id_number", idNumber))
    expect(secrets.hash("id_number", idNumber)).toMatch(/^[0-9a-f]{64}$/)
    expect(secrets.hash("id_number", "230503199001011234")).not.toBe(secrets.hash("id_number", idNumber))
  })

  it("the same value encrypts differently each time, so equal ciphertexts do not betray equal values", () => {
    const ciphertexts = new Set(Array.from({ length: 1000 }, () => secrets.encrypt(idNumber)))
    expect(ciphertexts.size).toBe(1000)
    for (const ciphertext of ciphertexts) expect(decrypted(secrets, ciphertext)).toBe(idNumber)
  })

  it("an ID number and a phone with the same digits hash differently", () => {
    expect(secrets.hash("id_number", "13812345678")).not.toBe(secrets.hash("phone", "13812345678"))
  })

  it("another key has another fingerprint, and is refused", () => {
    const other = make({ key: keyB, cipher })
    expect(other.fingerprint).not.toBe(secrets.fingerprint)
    expect(other.hash("id_number", idNumber)).not.toBe(secrets.hash("id_number", idNumber))
    const refused = verifyFingerprint(secrets.fingerprint, other)
    expect(Either.isLeft(refused)).toBe(true)
    const error = leftOf(refused)!
    expect(error).toBeInstanceOf(KeyMismatch)
    expect(error.code).toBe(SecretsCode.KeyMismatch)
    expect(error.text.en).toContain(secrets.fingerprint)
    expect(error.text.en).toContain("Start with the key")
    expect(error.text["zh-CN"]).toContain("请使用创建数据库时的密钥")
    expect(error.message).toContain(other.fingerprint)
  })

  it("the key the database was created with is accepted, and a first start stores the fingerprint", () => {
    expect(secrets.fingerprint).toMatch(/^[0-9a-f]{16}$/)
    expect(verifyFingerprint(undefined, secrets)).toStrictEqual(
      Either.right({ _tag: "FirstStart", fingerprint: secrets.fingerprint })
    )
    expect(verifyFingerprint(secrets.fingerprint, make({ key: keyA.toString("base64"), cipher }))).toStrictEqual(
      Either.right({ _tag: "Same", fingerprint: secrets.fingerprint })
    )
  })

  it("a tampered ciphertext is refused", () => {
    const ciphertext = secrets.encrypt(idNumber)
    const parts = ciphertext.split(".")
    const body = Buffer.from(parts[4]!, "base64url")
    const flipped = Buffer.from(body)
    flipped[0]! ^= 1
    const cases = [
      [...parts.slice(0, 4), flipped.toString("base64url")].join("."),
      [...parts.slice(0, 4), body.subarray(0, body.length - 1).toString("base64url")].join("."),
      [...parts.slice(0, 4), body.subarray(0, 8).toString("base64url")].join("."),
      [
        ...parts.slice(0, 3),
        randomBytes(Buffer.from(parts[3]!, "base64url").length).toString("base64url"),
        parts[4]
      ].join(".")
    ]
    for (const tampered of cases) {
      const result = secrets.decrypt(tampered)
      expect(Either.isLeft(result)).toBe(true)
      expect(leftOf(result)).toMatchObject({
        _tag: "Tampered",
        code: SecretsCode.Tampered,
        keyId: secrets.keyId
      })
    }
    for (const junk of ["", "23050319900101123X", "v1.", "v2" + ciphertext.slice(2), ciphertext + ".x"]) {
      expect(secrets.decrypt(junk)).toStrictEqual(
        Either.left(new Tampered({ code: SecretsCode.Tampered, keyId: "", reason: "format" }))
      )
    }
  })

  it("any single changed character of a ciphertext is refused, never decrypted to something else", () => {
    const ciphertext = secrets.encrypt(phone)
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/"
    FastCheck.assert(
      FastCheck.property(
        FastCheck.nat(ciphertext.length - 1),
        FastCheck.constantFrom(...alphabet),
        (at, replacement) => {
          FastCheck.pre(ciphertext[at] !== replacement)
          const changed = ciphertext.slice(0, at) + replacement + ciphertext.slice(at + 1)
          expect(Either.isLeft(secrets.decrypt(changed))).toBe(true)
        }
      ),
      { numRuns: 2000 }
    )
  })

  it("a ciphertext moved under another key id is refused", () => {
    const other = make({ key: keyB, keyId: "b", cipher, previousKeys: [{ key: keyA, keyId: "a" }] })
    const underA = make({ key: keyA, keyId: "a", cipher }).encrypt(idNumber)
    expect(decrypted(other, underA)).toBe(idNumber)
    const relabelled = underA.replace(".a.", ".b.")
    expect(leftOf(other.decrypt(relabelled))).toMatchObject({ _tag: "Tampered", reason: "authentication" })
  })

  it("round-trips any unicode string", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.string({ unit: "binary", maxLength: 200 }), (value) => {
        expect(decrypted(secrets, secrets.encrypt(value))).toBe(value)
      }),
      { numRuns: 1000 }
    )
  })

  it("the service shows no key material, however it is printed", () => {
    const shown = JSON.stringify(secrets) + inspect(secrets, { depth: 10, showHidden: true })
    for (const encoding of ["hex", "base64"] as const) {
      expect(shown).not.toContain(keyA.toString(encoding))
    }
    expect(Object.keys(secrets).sort()).toStrictEqual(
      ["cipher", "decrypt", "encrypt", "fingerprint", "hash", "keyId", "previous"].sort()
    )
  })
})

describe("Secrets keys", () => {
  it("a key of the wrong length is refused without printing the key", () => {
    const short = randomBytes(31)
    const cases: ReadonlyArray<[Uint8Array | string, string, string]> = [
      [short, "length", "31"],
      [short.toString("hex"), "length", "31"],
      [randomBytes(33).toString("base64"), "length", "33"],
      ["correct horse battery staple, not a key at all!", "encoding", "47"],
      ["", "encoding", "0"]
    ]
    for (const [key, reason, size] of cases) {
      const error = thrown(() => make({ key }))
      expect(error).toBeInstanceOf(KeyInvalid)
      expect(error).toMatchObject({ code: SecretsCode.KeyInvalid, which: "key", reason })
      const text = (error as KeyInvalid).message + JSON.stringify(error) + inspect(error)
      expect(text).toContain(size)
      const secret = typeof key === "string" ? key : Buffer.from(key).toString("hex")
      if (secret.length > 0) expect(text).not.toContain(secret)
      if (typeof key !== "string") expect(text).not.toContain(Buffer.from(key).toString("base64"))
    }
  })

  it("a key id that could be a pasted key is refused without printing it", () => {
    const pasted = keyA.toString("base64")
    const error = thrown(() => make({ key: keyA, keyId: pasted }))
    expect(error).toMatchObject({ code: SecretsCode.KeyInvalid, reason: "keyId" })
    expect((error as KeyInvalid).message + inspect(error)).not.toContain(pasted)
    expect(thrown(() => make({ key: keyA, keyId: "a.b" }))).toBeInstanceOf(KeyInvalid)
  })

  it("a bad previous key is named by its place", () => {
    expect(thrown(() => make({ key: keyA, previousKeys: [{ key: keyB }, { key: "abcd" }] }))).toMatchObject({
      which: "previousKeys[1]",
      reason: "length",
      size: 2,
      given: "hex"
    })
    expect(thrown(() => make({ key: keyA, keyId: "k", previousKeys: [{ key: keyB, keyId: "k" }] }))).toMatchObject({
      which: "previousKeys[0]",
      reason: "duplicateKeyId",
      keyId: "k"
    })
  })

  it("a key given as bytes, hex, base64 or base64url, with a key file's newline, is the same key", () => {
    const fingerprints = new Set(
      [
        keyA,
        new Uint8Array(keyA),
        keyA.toString("hex"),
        keyA.toString("hex").toUpperCase(),
        keyA.toString("base64"),
        keyA.toString("base64url"),
        `${keyA.toString("base64")}\n`
      ].map((key) => make({ key }).fingerprint)
    )
    expect(fingerprints.size).toBe(1)
    expect(make({ key: generateKey() }).fingerprint).not.toBe(make({ key: generateKey() }).fingerprint)
  })

  it("the same key under the other cipher has another fingerprint, and is refused", () => {
    const aes = make({ key: keyA })
    const sm = make({ key: keyA, cipher: "sm4" })
    expect(sm.fingerprint).not.toBe(aes.fingerprint)
    expect(sm.hash("phone", phone)).not.toBe(aes.hash("phone", phone))
    expect(Either.isLeft(verifyFingerprint(aes.fingerprint, sm))).toBe(true)
  })

  it("the layer fails with the key error, for Effect hosts", async () => {
    const exit = await Effect.runPromiseExit(Effect.provide(Secrets, layer({ key: "abcd" })))
    expect(exit).toMatchObject({ _tag: "Failure" })
    expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error).toBeInstanceOf(KeyInvalid)
    const hashed = await Effect.runPromise(
      Effect.provide(
        Effect.map(Secrets, (s) => s.hash("phone", phone)),
        Layer.fresh(layer({ key: keyA }))
      )
    )
    expect(hashed).toBe(make({ key: keyA }).hash("phone", phone))
  })

  it("decrypt is an Effect too, failing with the tagged error", async () => {
    const secrets = make({ key: keyA })
    const program = Effect.gen(function* () {
      return yield* secrets.decrypt(secrets.encrypt(phone))
    })
    expect(await Effect.runPromise(program)).toBe(phone)
    const failed = await Effect.runPromise(Effect.flip(secrets.decrypt("nonsense")))
    expect(failed).toBeInstanceOf(Tampered)
  })
})

describe("Secrets rotation", () => {
  it("after rotation, values encrypted with the previous key still decrypt; new ones use the new key id", () => {
    const before = make({ key: keyA, keyId: "2024" })
    const stored = [before.encrypt(idNumber), before.encrypt(phone)]
    const after = make({ key: keyB, keyId: "2025", previousKeys: [{ key: keyA, keyId: "2024" }] })
    expect(stored.map((c) => decrypted(after, c))).toStrictEqual([idNumber, phone])
    const fresh = after.encrypt(idNumber)
    expect(fresh.split(".")[2]).toBe("2025")
    expect(decrypted(after, fresh)).toBe(idNumber)
    // Stored hashes were made with the old key: the kernel must re-hash before it trusts look-ups.
    expect(verifyFingerprint(before.fingerprint, after)).toStrictEqual(
      Either.right({ _tag: "Rotated", from: "2024", fingerprint: after.fingerprint })
    )
    expect(after.previous).toStrictEqual([{ keyId: "2024", cipher: "aes-256-gcm", fingerprint: before.fingerprint }])
  })

  it("a change of suite is a rotation too: old AES values still decrypt under SM4", () => {
    const before = make({ key: keyA })
    const stored = before.encrypt(idNumber)
    const after = make({ key: keyA, cipher: "sm4", previousKeys: [{ key: keyA, cipher: "aes-256-gcm" }] })
    expect(decrypted(after, stored)).toBe(idNumber)
    expect(after.encrypt(idNumber).split(".")[1]).toBe("sm4")
    expect(verifyFingerprint(before.fingerprint, after)).toMatchObject(Either.right({ _tag: "Rotated" }))
  })

  it("a value under a key this host lacks fails naming the key id", () => {
    const old = make({ key: keyA, keyId: "2023" }).encrypt(idNumber)
    const result = make({ key: keyB, keyId: "2025" }).decrypt(old)
    expect(result).toStrictEqual(
      Either.left(
        new UnknownKey({
          code: SecretsCode.UnknownKey,
          keyId: "2023",
          cipher: "aes-256-gcm",
          known: ["aes-256-gcm.2025"]
        })
      )
    )
    const error = leftOf(result)!
    expect(error.text.en).toContain("2023")
    expect(error.text["zh-CN"]).toContain("2023")
  })
})

describe("Secrets formats are the standard constructions, so other tools can read them", () => {
  it("SM4 with SM3 round-trips", () => {
    const secrets = make({ key: keyA, cipher: "sm4", keyId: "sm" })
    const ciphertext = secrets.encrypt(idNumber)
    expect(ciphertext).toMatch(/^v1\.sm4\.sm\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/)
    expect(decrypted(secrets, ciphertext)).toBe(idNumber)
  })

  it("the SM suite derives with HKDF-SM3 and hashes with HMAC-SM3, as RFC 5869 and GB/T 15852.2 say", () => {
    const secrets = make({ key: keyA, cipher: "sm4" })
    expect(secrets.fingerprint).toBe(subkey("sm3", "sm4", "fingerprint", 8).toString("hex"))
    expect(secrets.hash("id_number", idNumber)).toBe(
      createHmac("sm3", subkey("sm3", "sm4", "hash/id_number", 32))
        .update(idNumber)
        .digest("hex")
    )
  })

  it("the AES suite derives with HKDF-SHA-256 and hashes with HMAC-SHA-256", () => {
    const secrets = make({ key: keyA })
    expect(secrets.fingerprint).toBe(subkey("sha256", "aes-256-gcm", "fingerprint", 8).toString("hex"))
    expect(secrets.keyId).toBe(secrets.fingerprint.slice(0, 8))
    expect(secrets.hash("phone", phone)).toBe(
      createHmac("sha256", subkey("sha256", "aes-256-gcm", "hash/phone", 32))
        .update(phone)
        .digest("hex")
    )
  })

  it("a ciphertext built by hand to the documented format decrypts", () => {
    const iv = randomBytes(16)
    const sm4 = createCipheriv("sm4-ctr", subkey("sm3", "sm4", "encrypt", 16), iv)
    const ct = Buffer.concat([sm4.update(phone, "utf8"), sm4.final()])
    const tag = createHmac("sm3", subkey("sm3", "sm4", "mac", 32))
      .update(Buffer.concat([Buffer.from("v1.sm4.k\0"), iv, ct]))
      .digest()
    const smText = `v1.sm4.k.${iv.toString("base64url")}.${Buffer.concat([ct, tag]).toString("base64url")}`
    expect(decrypted(make({ key: keyA, cipher: "sm4", keyId: "k" }), smText)).toBe(phone)

    const nonce = randomBytes(12)
    const gcm = createCipheriv("aes-256-gcm", subkey("sha256", "aes-256-gcm", "encrypt", 32), nonce)
    gcm.setAAD(Buffer.from("v1.aes-256-gcm.k"))
    const body = Buffer.concat([gcm.update(phone, "utf8"), gcm.final(), gcm.getAuthTag()])
    const aesText = `v1.aes-256-gcm.k.${nonce.toString("base64url")}.${body.toString("base64url")}`
    expect(decrypted(make({ key: keyA, keyId: "k" }), aesText)).toBe(phone)
  })
})
